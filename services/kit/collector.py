"""Pausing Python's cyclic garbage collector around bulk work.

A bulk operation (an import of 100 000 rows) keeps millions of small containers alive until it
has written them: the collector, triggered by every few hundred allocations, walks them again and
again and frees nothing (measured: 40% of such an import). Reference counting still frees
everything that is not a cycle while the collector is paused; the pause ends with the block, and
the first collection after it walks what was made in it once.

The pause is process-wide, so other requests served by the same event loop during an `await`
inside the block run without cycle collection too — for seconds, which costs them nothing but a
little memory held a little longer. Nested and concurrent pauses (two imports at once) end when
the last one ends.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    holders = 0
    collector_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    if _Pause.holders == 0:
        _Pause.collector_was_enabled = gc.isenabled()
        gc.disable()
    _Pause.holders += 1
    try:
        yield
    finally:
        _Pause.holders -= 1
        if _Pause.holders == 0 and _Pause.collector_was_enabled:
            gc.enable()
