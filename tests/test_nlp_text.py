"""Per-doc word lists and the components' fields behind `doc._`."""

import spacy

from pipeline.nlp.text import (
    BatchComponent,
    TextWords,
    doc_fields,
    fold,
    prepare_doc,
    register_doc_extensions,
    text_of,
    text_words,
    words,
)


def test_words_keys_and_offsets_of_a_flipchart_line():
    found = TextWords("UD Zoliborz + kawiarnia -> staze dla kobiet z UA")
    assert found.keys[:4] == ["ud", "zoliborz", "kawiarnia", "staze"]
    assert found.spans[1] == (3, 11, "Zoliborz")
    assert TextWords("Żółta ścieżka").keys == ["zolta", "sciezka"]


def test_word_spans_are_those_of_the_regular_expression():
    text = "a-a, aa: м'ясо _ab_ don’t 12:00 a"
    assert TextWords(text).spans == words(text)
    assert TextWords(text).spans[:3] == [(0, 1, "a"), (2, 3, "a"), (5, 7, "aa")]


def test_fold_lower_cases_and_strips_polish_diacritics_only():
    assert fold("ŻÓŁĆ gęślą JAŹŃ") == "zolc gesla jazn"
    assert fold("Ukraińska МОВА, ĄĘ-école") == "ukrainska мова, ae-école"
    assert fold("OPS") == "ops"


def test_doc_words_are_found_once():
    doc = spacy.blank("pl")("na Woli")
    assert text_words(doc) is text_words(doc)
    assert text_words(doc).words == ["na", "Woli"]


def test_a_prepared_doc_keeps_the_text_words_and_fields_given():
    doc = prepare_doc(spacy.blank("pl").make_doc("UD Wola"), "UD Wola", ["UD", "Wola"], {"a": 1})
    assert text_of(doc) == "UD Wola"
    assert text_words(doc).keys == ["ud", "wola"]
    assert text_words(doc).spans == words("UD Wola")
    assert doc_fields(doc) == {"a": 1}


def test_doc_extensions_read_and_write_the_fields():
    register_doc_extensions("example_field")
    doc = spacy.blank("pl")("tekst")
    assert doc._.example_field is None
    doc._.example_field = ["a"]
    assert doc_fields(doc)["example_field"] == ["a"]
    doc_fields(doc)["example_field"] = ["b"]
    assert doc._.example_field == ["b"]


class _Recorder(BatchComponent):
    def __init__(self, name: str, calls: list[tuple[str, str]]) -> None:
        self.name = name
        self.calls = calls

    def __call__(self, doc):
        self.calls.append((self.name, doc.text))
        return doc


def test_batch_components_run_over_a_whole_batch_before_the_next_one():
    calls: list[tuple[str, str]] = []
    nlp = spacy.blank("pl")
    first, second = _Recorder("first", calls), _Recorder("second", calls)
    docs = [nlp.make_doc(text) for text in ("a", "b", "c")]
    out = list(second.pipe(first.pipe(iter(docs), batch_size=2), batch_size=2))
    assert out == docs
    assert calls == [
        ("first", "a"),
        ("first", "b"),
        ("second", "a"),
        ("second", "b"),
        ("first", "c"),
        ("second", "c"),
    ]
    assert first(docs[0]) is docs[0]
