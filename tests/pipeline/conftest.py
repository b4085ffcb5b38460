"""The shared test helpers (_images, _tables) live here; tests in the stage folders below import them.

pytest's default import mode puts this folder on sys.path because it holds a conftest.py.
"""
