"""Scoring organisation resolution against gold of named mentions."""

from pipeline.evaluation.organizations import is_organization_gold, score_organizations
from pipeline.records import Actor, Annotation

GOLD = [
    {
        "id": "a",
        "text": "UD Wola + Parafia św. Zygmunta",
        "organizations": [
            {"name": "UD Wola", "organization_id": "urzad-dzielnicy-wola"},
            {"name": "Parafia św. Zygmunta", "organization_id": None},
        ],
    },
    {
        "id": "b",
        "text": "PAH i OPS",
        "organizations": [{"name": "PAH", "organization_id": "polska-akcja-humanitarna-pah"}],
    },
]


def annotation(*actors: Actor) -> Annotation:
    return Annotation("pl", "other", ["other"], actors=list(actors))


def test_score_counts_registry_rows_and_expected_unresolved_names():
    predicted = [
        annotation(
            Actor("UD Wola", "local_government", "urzad-dzielnicy-wola"),
            Actor("Parafia św. Zygmunta", "faith"),
        ),
        annotation(
            Actor("OPS", "local_government", "osrodki-pomocy-spolecznej-ops-m-st-warszawy"),
            Actor("organizacje", "ngo", generic=True),
        ),
    ]
    scores = score_organizations(GOLD, predicted)
    assert scores["named_mentions"] == 3
    assert scores["resolved"] == 2 / 3
    assert scores["registry_resolved"] == 1 / 2
    assert scores["precision"] == 1 / 2
    assert scores["misses"] == ["b: 'PAH' -> polska-akcja-humanitarna-pah"]


def test_organisation_gold_is_told_from_annotate_gold():
    assert is_organization_gold(GOLD)
    assert not is_organization_gold([{"id": "x", "text": "t", "kind": "other"}])
