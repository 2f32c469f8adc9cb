"""Language pipelines built on first use, and the disk cache of the indexes they compile."""

import dataclasses
import gc
from collections import Counter
from dataclasses import fields

import pytest
import spacy

from pipeline.annotate import Annotator, annotation_fields
from pipeline.nlp import model_cache
from pipeline.nlp.actors import generic_index
from pipeline.nlp.districts import district_lexicon
from pipeline.nlp.lemmas import english_lemma_table, lemma_pipeline, ukrainian_analyser
from pipeline.nlp.model_cache import derived
from pipeline.nlp.phrases import PhraseIndex
from pipeline.nlp.pipelines import CLASSIFIER, Pipelines
from pipeline.nlp.polish import restored_forms
from pipeline.organizations import registry


def test_pipelines_are_built_for_the_languages_asked_for():
    pipelines = Pipelines()
    assert "uk" in pipelines and "de" not in pipelines
    assert pipelines.built() == []
    assert pipelines["pl"] is pipelines["pl"]
    assert pipelines.built() == ["pl"]
    with pytest.raises(KeyError):
        pipelines["de"]
    assert list(pipelines) == ["pl", "uk", "en"] and pipelines.built() == ["pl"]


def test_the_model_reaches_pipelines_built_before_and_after_it_is_set():
    pipelines = Pipelines()
    before = pipelines["en"]
    model = object()
    pipelines.set_model(model)
    assert before.get_pipe(CLASSIFIER).model is model
    assert pipelines["uk"].get_pipe(CLASSIFIER).model is model


def test_annotator_builds_only_the_languages_of_its_texts():
    Annotator()  # trains and stores the model if not cached yet: training meets every language
    annotator = Annotator()
    assert annotator.pipelines.built() == []
    [polish] = annotator.annotate(["Brakuje mieszkań na Woli."])
    assert annotator.pipelines.built() == ["pl"]
    [ukrainian] = annotator.annotate(["Бібліотека на Охоті проводить розмовний клуб."])
    assert sorted(annotator.pipelines.built()) == ["pl", "uk"]
    # The same annotations as an Annotator that met both languages in one batch.
    both = Annotator().annotate(
        ["Brakuje mieszkań na Woli.", "Бібліотека на Охоті проводить розмовний клуб."]
    )
    assert [annotation_fields(a) for a in both] == [
        annotation_fields(polish),
        annotation_fields(ukrainian),
    ]


def test_heavy_resources_are_shared_by_every_pipeline():
    first, second = Pipelines(), Pipelines()
    assert (
        first["pl"].get_pipe("polish_lemmatizer").restored
        is second["pl"].get_pipe("polish_lemmatizer").restored
        is restored_forms()
    )
    assert first["uk"].get_pipe("ukrainian_lemmatizer").analyser is ukrainian_analyser()
    assert first["en"].get_pipe("english_lemmatizer").table is english_lemma_table()
    # One tokenizer and vocabulary per language, lemma_pipeline's too, and tokens as
    # spacy.blank's own tokenizer makes them.
    assert first["en"].tokenizer is second["en"].tokenizer is lemma_pipeline("en").tokenizer
    assert first["uk"].vocab is lemma_pipeline("uk").vocab
    text = "Don't wait: e.g. U.S. aid, 12:30 (ul. Wolska 5)!"
    assert [t.text for t in first["en"].make_doc(text)] == [
        t.text for t in spacy.blank("en").make_doc(text)
    ]


@pytest.mark.parametrize(
    ("cached", "arguments"),
    [(registry, ()), (restored_forms, ()), (district_lexicon, ()), (generic_index, ("pl",))],
)
def test_indexes_read_from_the_disk_cache_equal_freshly_compiled_ones(cached, arguments):
    stored = cached(*arguments)  # from the disk cache, or compiled and stored there
    fresh = cached.__wrapped__.__wrapped__(*arguments)  # below both caches
    assert comparable(stored) == comparable(fresh)


def comparable(value):
    """A value with each PhraseIndex reduced to its phrases per first key (its match cache
    fills as it is used; the registry adds an organisation's names in set order, which
    differs from process to process)."""
    if isinstance(value, PhraseIndex):
        return {key: Counter(entries) for key, entries in value.by_first.items()}
    if dataclasses.is_dataclass(value):
        return {field.name: comparable(getattr(value, field.name)) for field in fields(value)}
    return value


def test_derived_values_are_stored_under_the_key_and_recompiled_when_it_changes(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(model_cache, "cache_folder", lambda: tmp_path)
    monkeypatch.setattr(model_cache, "derived_key", lambda: "key-1")
    calls = []

    @derived("squares")
    def squares(name: str) -> dict[str, int]:
        calls.append(name)
        return {name: len(name) ** 2}

    assert squares("lexicon/a.yaml") == {"lexicon/a.yaml": 196}
    assert squares("lexicon/a.yaml") == {"lexicon/a.yaml": 196}
    assert calls == ["lexicon/a.yaml"]  # the second came from the disk
    [stored] = (tmp_path / model_cache.DERIVED_FOLDER).iterdir()
    assert stored.name == "squares-lexicon_a.yaml-key-1.pickle"
    monkeypatch.setattr(model_cache, "derived_key", lambda: "key-2")
    squares("lexicon/a.yaml")
    assert calls == ["lexicon/a.yaml", "lexicon/a.yaml"]


def test_derived_values_are_compiled_each_time_without_a_cache_folder(monkeypatch):
    monkeypatch.setattr(model_cache, "cache_folder", lambda: None)
    calls = []

    @derived("numbers")
    def numbers() -> list[int]:
        calls.append(1)
        return [1, 2]

    assert numbers() == numbers() == [1, 2]
    assert len(calls) == 2


def test_derived_key_follows_the_settings(monkeypatch):
    model_cache.derived_key.cache_clear()
    try:
        key = model_cache.derived_key()
        assert len(key) == 64 and model_cache.derived_key() == key
        monkeypatch.setattr(model_cache, "settings", lambda: {"annotate": {"changed": True}})
        model_cache.derived_key.cache_clear()
        changed = model_cache.derived_key()
    finally:
        monkeypatch.undo()
        model_cache.derived_key.cache_clear()
    assert changed != key


def test_an_unreadable_cached_value_is_compiled_again(tmp_path, monkeypatch):
    monkeypatch.setattr(model_cache, "cache_folder", lambda: tmp_path)
    monkeypatch.setattr(model_cache, "derived_key", lambda: "key")

    @derived("letters")
    def letters() -> list[str]:
        return ["a", "b"]

    letters()
    [stored] = (tmp_path / model_cache.DERIVED_FOLDER).iterdir()
    stored.write_bytes(b"not a pickle")
    assert letters() == ["a", "b"]


class Probe:
    """Records, when unpickled, whether the cyclic garbage collector was running."""

    collecting: list[bool] = []

    def __init__(self) -> None:
        self.name = "probe"

    def __setstate__(self, state: dict) -> None:
        Probe.collecting.append(gc.isenabled())
        self.__dict__.update(state)


def test_cached_values_are_read_with_the_collector_paused(tmp_path, monkeypatch):
    monkeypatch.setattr(model_cache, "cache_folder", lambda: tmp_path)
    monkeypatch.setattr(model_cache, "derived_key", lambda: "key")
    probe = derived("probe")(Probe)
    assert gc.isenabled()
    probe()  # compiled and stored
    assert probe().name == "probe"  # read back
    assert Probe.collecting == [False] and gc.isenabled()
