"""The kind/theme model on a handful of examples, and the lexicon's vote without training data."""

from pipeline.config import section
from pipeline.nlp.classifier import Features, KindThemeModel
from pipeline.themes import theme_thresholds
from pipeline.vocabulary import codes


def row(text: str, lemmas: str, cues: dict[str, int], hint: str | None = None) -> Features:
    return Features(text, tuple(lemmas.split()), cues, hint, "pl")


TRAINING = [
    (
        row("brak mieszkań", "brak mieszkanie", {"kind:problem": 1, "theme:basic_needs": 1}),
        "problem",
        ["basic_needs"],
    ),
    (
        row("brakuje mieszkań", "brakować mieszkanie", {"kind:problem": 1, "theme:basic_needs": 1}),
        "problem",
        ["basic_needs"],
    ),
    (
        row("brak pracy", "brak praca", {"kind:problem": 1, "theme:labour_market": 1}),
        "problem",
        ["labour_market"],
    ),
    (
        row(
            "należy dać mieszkania",
            "należeć dać mieszkanie",
            {"kind:recommendation": 1, "theme:basic_needs": 1},
        ),
        "recommendation",
        ["basic_needs"],
    ),
    (
        row(
            "należy dać pracę",
            "należeć dać praca",
            {"kind:recommendation": 1, "theme:labour_market": 1},
        ),
        "recommendation",
        ["labour_market"],
    ),
    (
        row(
            "warto dać pracę",
            "warto dać praca",
            {"kind:recommendation": 1, "theme:labour_market": 1},
        ),
        "recommendation",
        ["labour_market"],
    ),
]


def settings(**changes) -> dict:
    return {**section("annotate")["classifier"], "min_df": 1, **changes}


def test_model_learns_kind_and_themes():
    model = KindThemeModel(settings())
    model.fit([r for r, _, _ in TRAINING], [k for _, k, _ in TRAINING], [t for _, _, t in TRAINING])
    [prediction] = model.predict(
        [
            row(
                "brak mieszkań socjalnych",
                "brak mieszkanie socjalny",
                {"kind:problem": 1, "theme:basic_needs": 1},
            )
        ]
    )
    assert prediction.kind == "problem"
    assert prediction.theme_scores["basic_needs"] > prediction.theme_scores["labour_market"]


def test_without_training_data_the_lexicon_decides():
    model = KindThemeModel(settings())
    model.fit([], [], [])
    [prediction] = model.predict(
        [row("x", "x", {"kind:task": 2, "theme:civic_integration": 1}, hint="task")]
    )
    assert prediction.kind == "task"
    assert prediction.theme_scores["civic_integration"] > 0.5
    assert prediction.theme_scores["basic_needs"] == 0.0


def test_theme_thresholds_override_the_default_per_theme():
    limits = theme_thresholds(settings(theme_threshold=0.45, theme_thresholds={"other": 0.3}))
    assert limits["other"] == 0.3
    assert limits["basic_needs"] == 0.45
    assert set(limits) == set(codes("themes"))
