"""``yusuan review``: the operators' workbench for the facts the pipeline doubts (a Starlette app)."""
