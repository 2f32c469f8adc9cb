"""The Annotator end to end, annotate_records' JSON Lines semantics, and score_annotations."""

import pytest

from pipeline.annotate import Annotator, annotate_records
from pipeline.evaluation.annotation import score_annotations
from pipeline.nlp.model_cache import model_key
from pipeline.records import Annotation


@pytest.fixture(scope="session")
def annotator() -> Annotator:
    return Annotator()


def test_annotations_keep_input_order_across_languages(annotator):
    texts = [
        "Brakuje mieszkań na Woli.",
        "Бібліотека на Охоті проводить розмовний клуб польської мови щосуботи.",
        "The Wola district office should hire interpreters.",
    ]
    annotations = annotator.annotate(texts)
    assert [a.language for a in annotations] == ["pl", "uk", "en"]
    assert [a.districts for a in annotations] == [["wola"], ["ochota"], ["wola"]]
    assert annotations[0].kind == "problem"
    assert "basic_needs" in annotations[0].themes


def test_partnership_type_and_rule_4(annotator):
    [annotation] = annotator.annotate(
        ["UD Zoliborz + kawiarnia + Fundacja Ocalenie - staze dla kobiet z UA"], ["PARTNERSTWA"]
    )
    assert annotation.kind == "partnership"
    assert annotation.sectors == ["business", "local_government", "ngo"]
    assert annotation.partnership_type == "business+local_government+ngo"
    assert "networking_systemic" in annotation.themes


def test_non_partnership_has_no_partnership_type(annotator):
    [annotation] = annotator.annotate(["brak opieki nad dziecmi -> mamy nie moga isc do pracy"])
    assert annotation.partnership_type is None
    assert annotation.kind in {"problem", "recommendation"}
    assert "labour_market" in annotation.themes


def test_logistics_are_other_with_theme_other(annotator):
    [annotation] = annotator.annotate(
        ["Kolejne spotkanie: 20 września, godz. 10:00, sala konferencyjna UD."]
    )
    assert annotation.kind == "other"
    assert annotation.themes == ["other"]
    assert annotation.actors == []


def test_scores_and_lemmas(annotator):
    [annotation] = annotator.annotate(["Należy zapewnić tłumaczy w szkołach."])
    assert 0.0 < annotation.scores["kind"] <= 1.0
    assert set(annotation.scores["themes"]) >= {"education_awareness", "basic_needs"}
    assert annotation.lemmas == ["należeć", "zapewnić", "tłumacz", "szkoła"]


def test_themes_are_never_empty(annotator):
    for annotation in annotator.annotate(["OK", "—", "Dziękujemy!"]):
        assert annotation.themes


def test_annotate_records_passes_fields_through(annotator):
    records = [
        {
            "id": "a",
            "text": "Wspólnie z UNHCR i UD Wola uruchomimy punkt informacyjny.",
            "heading": "Partnerstwa",
            "extra": 1,
        },
        {"id": "b", "text": "Lack of childcare places in Bialoleka", "kind_hint": "problem"},
    ]
    out = list(annotate_records(records, annotator))
    assert [r["id"] for r in out] == ["a", "b"]
    assert out[0]["extra"] == 1
    assert {"name": "UNHCR", "sector": "international", "organization_id": "unhcr-polska"} in out[
        0
    ]["actors"]
    assert out[0]["sectors"] == ["international", "local_government"]
    assert out[0]["partnership_type"] == "international+local_government"
    assert out[1]["language"] == "en" and out[1]["districts"] == ["bialoleka"]
    assert set(out[1]) >= {"kind", "themes", "scores", "partnership_type"}


def test_extra_training_changes_the_model_key():
    correction = [("Zażółć gęślą jaźń.", {"kind": "other", "themes": ["other"]})]
    assert model_key(correction) != model_key(())
    assert model_key(()) == model_key(())


def test_score_annotations():
    gold = [
        {
            "themes": ["basic_needs"],
            "kind": "problem",
            "sectors": ["ngo"],
            "districts": ["wola"],
            "language": "pl",
        },
        {"themes": ["other"], "kind": "other", "sectors": [], "districts": [], "language": "en"},
    ]
    predicted = [
        Annotation(
            "pl",
            "problem",
            ["basic_needs", "networking_systemic"],
            sectors=["ngo"],
            districts=["wola"],
        ),
        Annotation("pl", "other", ["other"]),
    ]
    report = score_annotations(gold, predicted)
    assert report["themes"]["labels"]["basic_needs"]["f1"] == 1.0
    assert report["themes"]["labels"]["networking_systemic"]["precision"] == 0.0
    assert report["themes"]["micro"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["kind"]["accuracy"] == 1.0
    assert report["language"]["accuracy"] == 0.5
    assert report["districts"]["micro"]["f1"] == 1.0
