"""Per-doc word lists and the components' fields behind `doc._`."""

import spacy

from pipeline.nlp.text import TextWords, doc_fields, register_doc_extensions, text_words


def test_words_keys_and_offsets_of_a_flipchart_line():
    found = TextWords("UD Zoliborz + kawiarnia -> staze dla kobiet z UA")
    assert found.keys[:4] == ["ud", "zoliborz", "kawiarnia", "staze"]
    assert found.spans[1] == (3, 11, "Zoliborz")
    assert TextWords("Żółta ścieżka").keys == ["zolta", "sciezka"]


def test_doc_words_are_found_once():
    doc = spacy.blank("pl")("na Woli")
    assert text_words(doc) is text_words(doc)
    assert text_words(doc).words == ["na", "Woli"]


def test_doc_extensions_read_and_write_the_fields():
    register_doc_extensions("example_field")
    doc = spacy.blank("pl")("tekst")
    assert doc._.example_field is None
    doc._.example_field = ["a"]
    assert doc_fields(doc)["example_field"] == ["a"]
    doc_fields(doc)["example_field"] = ["b"]
    assert doc._.example_field == ["b"]
