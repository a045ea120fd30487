"""The cyclic garbage collector during bulk work: files analysed, a result ingested.

Both allocate objects by the hundred thousand, nearly all of which live until the work
ends, while everything the process already holds (the interpreter's modules, Django in a
worker, the engine's in-process caches) lives on untouched. With Python's defaults (a
young collection every 700 allocations, a full one now and then) the collector walks all
of it again and again: on Django's tree 10-15% of the analysis; in the worker, on a
re-scan of 2,000 files (bench/provenance.py), 133 ms of a 580 ms ingest, 246 ms with
attribution's caches in the process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations between two young-generation collections during bulk work (Python's default
# is 700). Every file allocates its tokens and tree at once and frees them at its end, so
# the default collects hundreds of times per file for nothing. Cycles are still
# collected, only less often.
GC_THRESHOLD = 50_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect the young generation as rarely as GC_THRESHOLD says, and never walk what
    exists now: it sits in the permanent generation (`gc.freeze`) until the block ends.
    Cycles made inside are still collected; what was frozen is collected again after.

    Before a fork, this also keeps collections in the children from writing to the
    frozen objects' headers (which would copy their pages into every child). Not
    nestable: the inner block's end would unfreeze the outer one's objects."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
