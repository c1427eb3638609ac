"""Pausing Python's cyclic garbage collector while a routine makes many small objects.

Building a routing graph or a choice set makes tens of thousands of small dicts, tuples and
lists, none in a cycle, next to a large network. The full collections they set off scan the
whole heap and cost more than the work itself (about 40% of a scenario graph's build).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block (as it was after it).

    Examples
    --------
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
