"""Tests for pipeline/memory.py: the collector paused, and long-lived objects frozen."""

from __future__ import annotations

import gc

from pipeline.memory import collector_frozen, collector_paused, collector_paused_then_aged


def test_objects_alive_after_a_freezing_pause_are_frozen_until_the_frozen_block_ends():
    assert gc.get_freeze_count() == 0
    with collector_frozen():
        with collector_paused(freeze=True):
            assert not gc.isenabled()
            kept = [[index] for index in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
        # a later collection leaves the frozen objects alone
        assert not any(kept is referrer for referrer in gc.get_objects(generation=2))
    assert gc.get_freeze_count() == 0
    assert any(kept is referrer for referrer in gc.get_objects(generation=2))


def test_a_pause_restores_the_collector_as_it_was():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_objects_left_by_annotating_go_to_the_oldest_generation():
    assert gc.get_freeze_count() == 0
    with collector_paused_then_aged():
        assert not gc.isenabled()
        kept = [[index] for index in range(1000)]  # containers the collector tracks
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert gc.get_count()[0] < 100  # no walk of the young objects is pending
    young = {id(obj) for obj in gc.get_objects(0)} | {id(obj) for obj in gc.get_objects(1)}
    assert not young.intersection(map(id, kept))
    assert {id(obj) for obj in gc.get_objects(2)}.issuperset(map(id, kept))


def test_objects_frozen_before_annotating_stay_frozen_with_its_own():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused_then_aged():
            kept = [[index] for index in range(1000)]
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
