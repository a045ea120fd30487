"""The collector during bulk work (scanners/collector.py)."""

from __future__ import annotations

import gc

import pytest

from scanners.collector import GC_THRESHOLD, fewer_collections


def test_it_freezes_what_exists_and_puts_everything_back_even_on_error() -> None:
    before = gc.get_threshold()
    kept = [object() for _ in range(3)]  # a list: tracked by the collector
    inside: list[tuple[tuple[int, int, int], int, bool]] = []

    def ingest() -> None:
        with fewer_collections():
            inside.append(
                (gc.get_threshold(), gc.get_freeze_count(), id(kept) in {id(o) for o in gc.get_objects()})
            )
            raise RuntimeError("ingestion failed")

    with pytest.raises(RuntimeError):
        ingest()
    assert inside == [((GC_THRESHOLD, *before[1:]), inside[0][1], False)]  # left out of collections
    assert inside[0][1] > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert id(kept) in {id(o) for o in gc.get_objects()}


def test_a_cycle_made_inside_is_still_collected() -> None:
    class Node:
        other: object

    with fewer_collections():
        first, second = Node(), Node()
        first.other, second.other = second, first
        del first, second
        assert gc.collect() >= 2
