"""Deduplication: twins across languages and spellings merge, hard negatives stay apart."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import numpy as np
import pytest
from dedupe_phrases import TARGETS
from scipy import sparse

from pipeline.config import section
from pipeline.dedupe import Overrides, cluster_items, load_overrides
from pipeline.dedupe.concepts import item_surface, item_terms, lexicon
from pipeline.dedupe.edges import candidates, strong_among
from pipeline.dedupe.features import compute_features
from pipeline.dedupe.grouping import family_thresholds
from pipeline.dedupe.similarity import concept_overlap, strong_pairs, vectorise
from pipeline.dedupe.weights import training_weights
from pipeline.errors import RekomendacjeError
from pipeline.records import AnnotatedItem, Annotation


def item(
    item_id: str,
    text: str,
    lemmas: str,
    kind: str = "recommendation",
    language: str = "pl",
    districts: tuple[str, ...] = (),
) -> AnnotatedItem:
    return AnnotatedItem(
        id=item_id,
        text=text,
        annotation=Annotation(
            language=language,
            kind=kind,
            themes=["other"],
            districts=list(districts),
            lemmas=lemmas.split(),
        ),
        group="g",
    )


# Unrelated items, so that each test clusters its items among other ideas, as in a note.
BACKGROUND = [
    item("bg-1", "Magazyny darów są pełne ubrań.", "magazyn dar pełny ubranie", "problem"),
    item(
        "bg-2",
        "Należy zapewnić stabilne finansowanie organizacjom.",
        "zapewnić stabilny finansowanie organizacja",
    ),
    item(
        "bg-3",
        "Warto organizować superwizję dla wolontariuszy.",
        "organizować superwizja wolontariusz",
    ),
    item(
        "bg-4",
        "Rekomendujemy kampanię antydyskryminacyjną w szkołach.",
        "kampania antydyskryminacyjny szkoła",
    ),
    item(
        "bg-5",
        "Potrzebne są targi pracy dla kobiet z Ukrainy.",
        "potrzebny targi praca kobieta ukraina",
    ),
    item("bg-6", "Spotkanie prowadziła Marta z CWK.", "spotkanie prowadzić marta cwk", "other"),
]

COURSES_ADULTS = item(
    "pl-courses-adults",
    "Należy uruchomić bezpłatne kursy języka polskiego dla dorosłych wieczorem.",
    "uruchomić bezpłatny kurs język polski dorosły wieczór",
)
COURSES_ADULTS_UK = item(
    "uk-courses-adults",
    "Потрібні безкоштовні курси польської мови для дорослих у вечірній час.",
    "потрібний безкоштовний курс польська мова дорослий вечірній час",
    language="uk",
)
COURSES_ADULTS_FLIPCHART = item(
    "pl-courses-adults-flipchart",
    "bezplatne kursy polskiego dla doroslych wieczorem",
    "bezplatne kursy polskiego doroslych wieczorem",
)
POLISH_IN_SCHOOLS = item(
    "pl-polish-schools",
    "Należy uruchomić dodatkowe bezpłatne lekcje języka polskiego dla dzieci w szkołach.",
    "uruchomić dodatkowy bezpłatny lekcja język polski dziecko szkoła",
)
HOUSING_WOLA = item(
    "pl-housing-wola",
    "Postulujemy uruchomienie punktu mieszkaniowego na Woli.",
    "postulować uruchomienie punkt mieszkaniowy wola",
    districts=("wola",),
)
HOUSING_WOLA_TWIN = item(
    "pl-housing-wola-twin",
    "Na Woli potrzebny jest punkt pomocy mieszkaniowej, trzeba go uruchomić.",
    "wola potrzebny punkt pomoc mieszkaniowy uruchomić",
    districts=("wola",),
)
HOUSING_URSYNOW = item(
    "pl-housing-ursynow",
    "Postulujemy uruchomienie punktu mieszkaniowego na Ursynowie.",
    "postulować uruchomienie punkt mieszkaniowy ursynów",
    districts=("ursynow",),
)
HOUSING_WOLA_PROBLEM = item(
    "pl-housing-wola-problem",
    "Brakuje punktu mieszkaniowego na Woli, trzeba go uruchomić.",
    "brakować punkt mieszkaniowy wola uruchomić",
    kind="problem",
    districts=("wola",),
)
INFO_POINT_PL = item(
    "pl-info-point",
    "Należy utworzyć punkt informacyjny dla uchodźców w każdej dzielnicy.",
    "utworzyć punkt informacyjny uchodźca każdy dzielnica",
)
INFO_POINT_UK = item(
    "uk-info-point",
    "Потрібно створити інформаційний пункт для біженців у кожній дільниці.",
    "створити інформаційний пункт біженець кожний дільниця",
    language="uk",
)
INFO_POINT_EN = item(
    "en-info-point",
    "Create an information point for refugees in every district.",
    "create information point refugee every district",
    language="en",
)

ALL = BACKGROUND + [
    COURSES_ADULTS,
    COURSES_ADULTS_UK,
    COURSES_ADULTS_FLIPCHART,
    POLISH_IN_SCHOOLS,
    HOUSING_WOLA,
    HOUSING_WOLA_TWIN,
    HOUSING_URSYNOW,
    HOUSING_WOLA_PROBLEM,
    INFO_POINT_PL,
    INFO_POINT_UK,
    INFO_POINT_EN,
]


def cluster_of(items, overrides=None) -> dict[str, str]:
    return {
        member: cluster.id
        for cluster in cluster_items(items, overrides)
        for member in cluster.item_ids
    }


@pytest.fixture(scope="module")
def assigned() -> dict[str, str]:
    return cluster_of(ALL)


def test_every_item_is_in_exactly_one_cluster():
    clusters = cluster_items(ALL)
    members = [member for cluster in clusters for member in cluster.item_ids]
    assert sorted(members) == sorted(entry.id for entry in ALL)


def test_texts_shorter_than_every_character_ngram_are_clustered():
    # Texts of one letter have no character n-gram; their lemmas still count.
    clusters = cluster_items([item("a", "ь", "punkt"), item("b", "ь", "kurs")])
    assert sorted(cluster.item_ids for cluster in clusters) == [("a",), ("b",)]


def test_polish_ukrainian_and_english_twins_merge(assigned):
    assert assigned["pl-info-point"] == assigned["uk-info-point"] == assigned["en-info-point"]
    assert assigned["pl-courses-adults"] == assigned["uk-courses-adults"]


def test_twin_written_without_diacritics_merges(assigned):
    assert assigned["pl-courses-adults"] == assigned["pl-courses-adults-flipchart"]


def test_polish_for_adults_is_not_polish_in_schools(assigned):
    assert assigned["pl-courses-adults"] != assigned["pl-polish-schools"]


def test_same_district_merges_and_different_districts_do_not(assigned):
    assert assigned["pl-housing-wola"] == assigned["pl-housing-wola-twin"]
    assert assigned["pl-housing-wola"] != assigned["pl-housing-ursynow"]


def test_problem_is_never_merged_with_recommendation(assigned):
    assert assigned["pl-housing-wola-problem"] != assigned["pl-housing-wola"]


def test_unrelated_items_stay_alone(assigned):
    for background in BACKGROUND:
        assert list(assigned.values()).count(assigned[background.id]) == 1


def test_result_does_not_depend_on_input_order():
    shuffled = list(ALL)
    random.Random(7).shuffle(shuffled)
    assert cluster_items(shuffled) == cluster_items(ALL)


def test_canonical_is_the_clear_polish_item_and_gives_the_id():
    clusters = {cluster.canonical_item_id: cluster for cluster in cluster_items(ALL)}
    courses = clusters["pl-courses-adults"]
    assert set(courses.item_ids) >= {"uk-courses-adults", "pl-courses-adults-flipchart"}
    expected = "r-" + hashlib.sha1(b"pl-courses-adults").hexdigest()[:8]
    assert courses.id == expected
    assert clusters["pl-info-point"].item_ids == ("en-info-point", "pl-info-point", "uk-info-point")


def test_links_say_which_concepts_joined_the_items():
    cluster = next(c for c in cluster_items(ALL) if "en-info-point" in c.item_ids)
    assert len(cluster.links) == 2
    shared = set().union(*(link.shared for link in cluster.links))
    assert {"point", "information", "refugee"} <= shared
    assert all(link.method == "tfidf-cosine+average-link" for link in cluster.links)
    assert all(0.5 <= link.similarity <= 1.0 for link in cluster.links)


def test_must_link_joins_unrelated_items():
    overrides = Overrides(frozenset({("bg-1", "bg-3")}), frozenset())
    clusters = cluster_items(ALL, overrides)
    joined = next(c for c in clusters if "bg-1" in c.item_ids)
    assert joined.item_ids == ("bg-1", "bg-3")
    assert joined.links[0].method == "must_link"


def test_cannot_link_splits_a_chain():
    chain = [
        item("a", "Należy uruchomić punkt mieszkaniowy.", "uruchomić punkt mieszkaniowy"),
        item(
            "b",
            "Należy uruchomić punkt mieszkaniowy dla rodzin.",
            "uruchomić punkt mieszkaniowy rodzina",
        ),
        item(
            "c",
            "Należy uruchomić punkt mieszkaniowy dla rodzin z dziećmi.",
            "uruchomić punkt mieszkaniowy rodzina dziecko",
        ),
    ]
    together = cluster_of(BACKGROUND + chain)
    assert together["a"] == together["b"] == together["c"]
    apart = cluster_of(BACKGROUND + chain, Overrides(frozenset(), frozenset({("a", "c")})))
    assert apart["a"] != apart["c"]


def test_items_of_kind_other_are_never_merged():
    notes = [
        item("o1", "Spotkanie prowadziła Marta z CWK.", "spotkanie prowadzić marta cwk", "other"),
        item("o2", "Spotkanie prowadziła Marta z CWK.", "spotkanie prowadzić marta cwk", "other"),
    ]
    assigned = cluster_of(notes)
    assert assigned["o1"] != assigned["o2"]


def test_lexicon_maps_three_languages_and_abbreviations_to_one_concept():
    lex = lexicon()
    for word in ("mieszkanie", "zakwaterowanie", "житло", "помешкання", "housing", "flat"):
        assert lex.concept(lex.normalise(word)) == "housing"
    assert lex.concept(lex.normalise("wolont")) == "volunteer"
    assert item_terms(INFO_POINT_UK, lex)[:3] == ["c:create", "c:information", "c:point"]
    assert "d:all_districts" in item_terms(INFO_POINT_EN, lex)


def test_load_overrides_reads_pairs_sorted(tmp_path: Path):
    path = tmp_path / "dedupe-overrides.csv"
    path.write_text(
        "item_a,item_b,relation,comment\n"
        "b,a,must_link,same idea\n"
        "c,d,cannot_link,different districts\n",
        encoding="utf-8",
    )
    overrides = load_overrides(path)
    assert overrides.must_link == frozenset({("a", "b")})
    assert overrides.cannot_link == frozenset({("c", "d")})
    assert load_overrides(tmp_path / "missing.csv") == Overrides(frozenset(), frozenset())


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("a,b,maybe,", "relation 'maybe'"),
        ("a,,must_link,", "must both be item ids"),
        ("a,a,cannot_link,", "paired with itself"),
    ],
)
def test_bad_override_rows_name_the_line(tmp_path: Path, row: str, message: str):
    path = tmp_path / "dedupe-overrides.csv"
    path.write_text(f"item_a,item_b,relation,comment\nx,y,must_link,\n{row}\n", encoding="utf-8")
    with pytest.raises(RekomendacjeError) as raised:
        load_overrides(path)
    assert raised.value.line == 3
    assert message in raised.value.message


def test_pair_both_linked_and_separated_is_an_error(tmp_path: Path):
    path = tmp_path / "dedupe-overrides.csv"
    path.write_text("item_a,item_b,relation\nx,y,must_link\ny,x,cannot_link\n", encoding="utf-8")
    with pytest.raises(RekomendacjeError, match="both must_link"):
        load_overrides(path)


AUDIENCES = [
    ("dla dorosłych", "dorosły"),
    ("dla dzieci", "dziecko"),
    ("dla seniorów", "senior"),
    ("dla kobiet", "kobieta"),
]
VERBS = [("utworzyć", "utworzyć"), ("uruchomić", "uruchomić"), ("rozszerzyć", "rozszerzyć")]
EXTRAS = [("", ""), ("od września", "wrzesień"), ("w weekendy", "weekend"), ("pilnie", "pilnie")]


def combinations_corpus() -> list[AnnotatedItem]:
    """Every verb × target × audience, twice with different extras: many near pairs."""
    corpus = []
    for number, (verb, target, audience) in enumerate(
        (verb, target, audience) for verb in VERBS for target in TARGETS for audience in AUDIENCES
    ):
        for copy, extra in enumerate((EXTRAS[number % 4], EXTRAS[(number + 1) % 4])):
            parts = [("Należy", ""), verb, target, audience, extra]
            corpus.append(
                item(
                    f"c-{number:03d}-{copy}",
                    " ".join(text for text, _ in parts if text),
                    " ".join(lemmas for _, lemmas in parts if lemmas),
                )
            )
    return corpus


def features_of(corpus: list[AnnotatedItem], settings: dict):
    lex = lexicon()
    terms = [item_terms(entry, lex) for entry in corpus]
    return compute_features(corpus, terms, lex, training_weights(), settings)


def test_candidate_search_finds_each_items_best_partner():
    # Sorted neighbourhoods replace an all-pairs comparison; on a corpus small enough to
    # compare all pairs, each item's most similar partner must be among its candidates.
    settings = section("dedupe")
    corpus = combinations_corpus()
    features, vectors = features_of(corpus, settings)
    rows, columns = candidates(features, vectors, settings)
    found = set(zip(*strong_among(features, vectors, rows, columns, settings)[:2], strict=True))
    all_rows, all_columns = np.triu_indices(len(corpus), k=1)
    strong = strong_among(features, vectors, all_rows, all_columns, settings)
    best_of: dict[int, tuple[float, tuple[int, int]]] = {}
    for first, second, similarity in zip(*strong, strict=True):
        for end in (first, second):
            if similarity > best_of.get(end, (-1.0, None))[0]:
                best_of[end] = (similarity, (first, second))
    best = {found_pair for _, found_pair in best_of.values()}
    assert len(best) >= len(corpus) / 4
    assert rows.size < all_rows.size / 3
    assert len(found & best) / len(best) >= 0.9


def test_candidates_among_items_do_not_change_when_an_item_with_other_words_comes():
    # Columns are hashes of the words and runs hold the items of one word: an item that
    # shares no signature word with the others leaves their candidate pairs as they were.
    settings = {**section("dedupe"), "window": 1}
    corpus = combinations_corpus()
    features, vectors = features_of(corpus, settings)
    before = candidates(features, vectors, settings)
    stranger = item("zzz", "Aaa bbbbb ccccc ddddd eeeee.", "aaa bbbbb ccccc ddddd eeeee")
    features, vectors = features_of(corpus + [stranger], settings)
    after = candidates(features, vectors, settings)
    assert before[0].size > 0
    assert sorted(zip(*before, strict=True)) == sorted(zip(*after, strict=True))


def test_concept_overlap_is_the_jaccard_of_concept_sets():
    concepts = sparse.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]], float))
    rows, columns = np.array([0, 0, 2]), np.array([1, 2, 2])
    assert concept_overlap(concepts, rows, columns, 10).tolist() == [2 / 3, 0.0, 0.0]


def test_concept_overlap_raises_similarity_of_paraphrases_in_other_words():
    settings = section("dedupe")
    lex = lexicon()
    corpus = BACKGROUND + [INFO_POINT_PL, INFO_POINT_UK, COURSES_ADULTS, POLISH_IN_SCHOOLS]
    terms = [item_terms(entry, lex) for entry in corpus]
    surfaces = [item_surface(entry, lex) for entry in corpus]
    vectors = vectorise(terms, surfaces, training_weights(), settings)
    rows, columns = np.array([6, 8]), np.array([7, 9])
    plain = {**settings, "concept_overlap_weight": 0.0, "edge_threshold": 0.0}
    boosted = {**settings, "concept_overlap_weight": 0.5, "edge_threshold": 0.0}
    without = strong_pairs(vectors, rows, columns, plain)[2]
    with_overlap = strong_pairs(vectors, rows, columns, boosted)[2]
    # The twins name the same concepts (overlap 1): their similarity rises towards 1 and
    # stays within 0..1; the courses for adults and for schools share fewer concepts.
    assert with_overlap[0] == pytest.approx((without[0] + 0.5) / 1.5, abs=1e-6)
    assert with_overlap[0] > without[0]
    assert with_overlap[0] - without[0] > with_overlap[1] - without[1]
    assert with_overlap.max() <= 1.0


def test_kind_families_take_their_own_thresholds():
    settings = {
        **section("dedupe"),
        "edge_threshold": 0.5,
        "average_link_threshold": 0.45,
        "family_thresholds": {"partnership": [0.55, 0.6]},
    }
    partnership = item("p", "UD Wola i PAH: wspólny punkt.", "ud wola pah punkt", "partnership")
    families = [
        settings["kind_families"].get(entry.annotation.kind)
        for entry in (INFO_POINT_PL, partnership)
    ]
    edge, average = family_thresholds(families, settings)
    assert edge.tolist() == [0.5, 0.55]
    assert average.tolist() == [0.45, 0.6]


def test_a_family_threshold_keeps_apart_what_the_general_one_merges(monkeypatch):
    # The same two wordings (similarity about 0.62) merge as recommendations, an idea many
    # groups raise, but not as partnerships when partnerships need 0.7.
    monkeypatch.setitem(section("dedupe"), "family_thresholds", {"partnership": [0.7, 0.7]})
    first = (
        "Należy uruchomić wspólny punkt pomocy prawnej dla uchodźców.",
        "uruchomić wspólny punkt pomoc prawny uchodźca",
    )
    second = (
        "Potrzebne są wspólne dyżury porad prawnych dla uchodźców.",
        "potrzebny wspólny dyżur porada prawny uchodźca",
    )
    for kind, merged in (("recommendation", True), ("partnership", False)):
        pair = [item(f"{kind}-a", *first, kind=kind), item(f"{kind}-b", *second, kind=kind)]
        assigned = cluster_of(BACKGROUND + pair)
        assert (assigned[f"{kind}-a"] == assigned[f"{kind}-b"]) is merged


def test_scope_words_dropped_by_the_lemmatiser_are_read_from_the_text():
    lemmas_without_every = item(
        "en-every",
        "Every district should have an information point.",
        "district information point",
        language="en",
    )
    flipchart = item("pl-kazdej", "punkt info w KAZDEJ dzielnicy", "punkt info kazdej dzielnica")
    lex = lexicon()
    assert "d:all_districts" in item_terms(lemmas_without_every, lex)
    assert "d:all_districts" in item_terms(flipchart, lex)
    assert "d:all_districts" not in item_terms(HOUSING_WOLA, lex)
