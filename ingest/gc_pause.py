"""Python's cyclic garbage collector: paused while a bundle is built, kept off a server's start-up heap."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_heap_frozen = False


def freeze_heap() -> None:
    """Leave every object alive now out of the collector's full scans, for good: a server's start-up heap.

    A full collection walks every tracked object. In an API server that is the app, its schemas and
    the libraries, and answers of tens of KiB (a generated theory's support) made one run every twenty
    or so requests, holding the request it interrupted for up to 100 ms. Frozen objects are still
    freed by reference counting; only cycles among them are never collected.
    """
    global _heap_frozen
    with _lock:
        gc.collect()
        gc.freeze()
        _heap_frozen = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off.

    The collector rescans every live object as their number grows: reading a 100,000-row
    sheet and building its rows spent half its time there, though rows form no cycles
    (reference counting still frees them). Nested and concurrent uses turn it back on once,
    when the last one ends, and only if it was on. The collector is per process: in the API
    server an upload pauses it for every request until its write ends, which only delays
    freeing the rare cyclic garbage a request leaves.

    Turned back on, the collector would first scan every object built meanwhile as young,
    while the bundle holding them is still alive: 0.4 s after reading a 100,000-row sheet.
    gc.freeze() and gc.unfreeze() move them (and every other thread's young objects) to the old
    generation without a scan. The scan is deferred, not saved, if a full collection comes while
    the bundle is alive; `cmograph ingest` pauses again for the write before one comes.
    unfreeze() also releases objects frozen before (Python 3.12 reports a few hundred at start-up).
    In a server whose heap was frozen (freeze_heap), the pause ends with one full collection and a
    new freeze instead, so the start-up heap stays out of later scans: one stall per upload rather
    than one every few large answers. Objects still alive then (the upload's bundle) are frozen
    too; reference counting frees them when the request ends, and only cycles among them stay.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                if _heap_frozen:
                    gc.unfreeze()
                    gc.collect()
                    gc.freeze()
                else:
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
