"""A call that may hang, run in a child process with a time limit.

A thread cannot be stopped while it is inside C code (PDFium parsing a hostile page, a read
from a stalled network share), so a page's rendering runs in a child process instead: when it
is not back within the limit the child is killed and the page fails with ``timeout``; the
document goes on.  Children come from a fork server (a small, single-threaded process that
imported the renderer once), so each page costs a fork and a pipe, not an interpreter start,
and nothing of this process's threads is copied into them.

Where a child cannot be made (inside a daemonic process, as some Dask workers are), the call
runs here without a limit.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from models import PageRef
from pipeline.errors import CorruptError, InputNotFoundError, PageTimeoutError, YusuanError

T = TypeVar("T")
# The main module too: each child re-runs it as __mp_main__, cheaply once its imports are in the server.
_PRELOAD = ["__main__", "pipeline.image.render"]


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Runs in the child: ``args[0]`` is the page's PageRef."""
    try:
        conn.send(("ok", fn(*args)))
    except YusuanError as exc:
        # Rebuilt on the other side: an exception with a custom __init__ does not pickle.
        conn.send(("input", type(exc), exc.source, exc.detail))
    except OSError as exc:  # the file went away or became unreadable after intake
        conn.send(("input", InputNotFoundError, args[0].source, f"cannot be read ({exc.strerror or exc})"))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def call_with_timeout(fn: Callable[..., T], args: tuple[Any, ...], timeout_s: float, ref: PageRef) -> T:
    """``fn(*args)`` in a child process; :class:`PageTimeoutError` when it takes more than ``timeout_s``."""
    if multiprocessing.current_process().daemon:
        return fn(*args)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, fn, args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise PageTimeoutError(ref.source, f"page {ref.number} was not rendered within {timeout_s:g} s")
        try:
            reply = receiver.recv()
        except EOFError:
            # The renderer crashed (a signal, not an exception): the page is what broke it.
            child.join(timeout=5)
            raise CorruptError(ref.source, f"the renderer crashed on page {ref.number} (exit {child.exitcode})") \
                from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(timeout=5)
    if reply[0] == "ok":
        return reply[1]
    if reply[0] == "input":
        _, kind, source, detail = reply
        raise kind(source, detail)
    raise RuntimeError(reply[1])
