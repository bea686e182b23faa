"""Tasks for the extraction worker pool's tests, run in real worker processes (importable by the forkserver)."""

from __future__ import annotations

import os
import time


def answer(kind: str, value: str) -> str:
    """``value`` back, or ``ValueError(value)`` raised in the worker; with ``kind == "hold"``, only once the file
    ``value`` exists (a task the test can be sure a worker is holding)."""
    if kind == "raise":
        raise ValueError(value)
    if kind == "hold":
        while not os.path.exists(value):
            time.sleep(0.01)
    return f"{value} from {os.getpid()}"
