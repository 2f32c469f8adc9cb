"""Lemmatisers: Morfeusz choices, diacritics restoration, Ukrainian and English lemmas."""

import pytest
import spacy

from pipeline.annotate import training_examples
from pipeline.nlp.lemmas import (
    LEXEME_ATTRIBUTES,
    blank_pipeline,
    lemma_pipeline,
    lemmas_of,
    ukrainian_analyser,
)
from pipeline.nlp.polish import _clean, polish_analyser, polish_settings
from pipeline.nlp.readings import content_lemmas
from pipeline.nlp.text import WORD


def test_polish_inflected_forms_give_dictionary_forms():
    assert lemmas_of("Brakuje mieszkań w szkołach", "pl") == [
        "brakować",
        "mieszkanie",
        "w",
        "szkoła",
    ]


def test_polish_without_diacritics_is_restored():
    assert lemmas_of("brak opieki nad dziecmi, nastepne kroki", "pl") == [
        "brak",
        "opieka",
        "nad",
        "dziecko",
        "następny",
        "krok",
    ]


def test_polish_restored_form_unknown_itself_is_its_own_lemma():
    assert lemmas_of("scie bojaco mogl", "pl") == ["ście", "bojąco", "mogł"]


def test_polish_prefers_adjective_reading_shared_by_most_interpretations():
    assert lemmas_of("kurs języka polskiego", "pl") == ["kurs", "język", "polski"]


def test_polish_capitalised_name_inside_sentence_is_proper():
    assert lemmas_of("mieszkamy na Bielanach", "pl")[-1] == "bielany"


def test_acronyms_stay_as_written():
    assert lemmas_of("zgłoszenie do PUP", "pl") == ["zgłoszenie", "do", "pup"]


def test_polish_interpretations_are_those_of_morfeusz_analyse():
    lemmatizer = lemma_pipeline("pl").get_pipe("polish_lemmatizer")
    qualifiers = set(polish_settings()["proper_qualifiers"])
    forms = {word for example in training_examples() for word in WORD.findall(example["text"])}
    for form in sorted(forms | {"Polska", "Bielanach", "zrobiłem", "xyzzy", "PUP"}):
        analysed = [
            (_clean(lemma), bool(qualifiers.intersection(names)))
            for start, _, (_, lemma, tag, names, _) in polish_analyser().analyse(form)
            if start == 0 and tag != "ign"
        ]
        assert [(c.lemma, c.proper) for c in lemmatizer._interpretations(form)] == analysed


def test_ukrainian_and_english():
    assert lemmas_of("Біженки знають бібліотеки", "uk") == ["біженка", "знати", "бібліотека"]
    assert lemmas_of("Schools were offering housing", "en") == ["school", "be", "offer", "house"]


def test_ukrainian_lemma_is_pymorphy3s_first_normal_form():
    lemmatizer = lemma_pipeline("uk").get_pipe("ukrainian_lemmatizer")
    forms = {
        word.lower() for example in training_examples() for word in WORD.findall(example["text"])
    }
    # "г" also read as "ґ", roman numbers, Latin letters, digits of other scripts, mixes.
    forms |= {"ґрунт", "грунт", "гроші", "xiv", "mix", "łódź", "١٢", "²", "3d", "м'ясо", "ⅻ"}
    parse = ukrainian_analyser().parse
    assert {form: lemmatizer.lemma_of(form) for form in forms} == {
        form: parse(form)[0].normal_form for form in forms
    }


def test_language_is_detected_when_not_given():
    assert lemmas_of("Бібліотеки") == ["бібліотека"]


def test_content_lemmas_leave_out_stop_words_and_numbers():
    doc = lemma_pipeline("pl")("Do 15.06 trzeba znaleźć mieszkania dla rodzin.")
    assert content_lemmas(doc) == ["znaleźć", "mieszkanie", "rodzina"]


@pytest.mark.parametrize("language", ["pl", "uk", "en"])
def test_new_lexemes_have_the_attributes_read_as_spacy_blank_gives_them(language):
    text = "Zupełnie-Nowe słowoXyz, «Гґрунт» 12,5 km² (ŁÓDŹ) \t e-mail: a@b.pl ... ДОБРЕ!"
    ours, blank = blank_pipeline(language).make_doc(text), spacy.blank(language).make_doc(text)
    assert [t.text for t in ours] == [t.text for t in blank]
    assert ours.lang_ == blank.lang_ == language
    for attribute in LEXEME_ATTRIBUTES:
        assert ours.to_array([attribute]).tolist() == blank.to_array([attribute]).tolist()
    read = ("lower_", "is_lower", "is_alpha", "is_punct", "is_space")
    assert [[getattr(t, name) for name in read] for t in ours] == [
        [getattr(t, name) for name in read] for t in blank
    ]
