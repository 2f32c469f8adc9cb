"""A small hand-made knowledge base for the researchers' tools (queries, export, release).

Five groups (one in Ukrainian, one in English, one district meeting), recommendations
with known support, problems with and without a partnership in their theme and
district, and four partnerships whose sectors, districts and co-creation are known.
"""

from __future__ import annotations

from dataclasses import replace

from knowledge_base_builders import (
    CONFERENCE,
    annotated,
    make_knowledge_base,
    make_note,
    make_partnership,
)

from pipeline.records import Actor, Annotation, Cluster, KnowledgeBase, Organization

ORGANIZATIONS = {
    "ud-wola": Organization("ud-wola", "Urząd Dzielnicy Wola", "local_government"),
    "ops-bielany": Organization("ops-bielany", "OPS Bielany", "local_government"),
    "ocalenie": Organization("ocalenie", "Fundacja Ocalenie", "ngo"),
    "pah": Organization("pah", "Polska Akcja Humanitarna", "ngo"),
    "unhcr": Organization("unhcr", "UNHCR", "international"),
    "ukrainski-dom": Organization("ukrainski-dom", "Ukraiński Dom", "refugee_led"),
    "mrips": Organization("mrips", "MRiPS", "central_government"),
}

NOTES = {
    "g1": ("Grupa 1: Potrzeby podstawowe", "pl", "2022-05-27", None),
    "g2": ("Grupa 2: Zdrowie i ochrona", "pl", "2022-05-27", None),
    "g5": ("Група 5: Інтеграція", "uk", "2022-05-27", None),
    "g7": ("Group 7: Networking", "en", "2022-05-27", None),
    "bielany": ("Spotkanie robocze Bielany", "pl", "2022-06-14", "bielany"),
}

# item id: (note, text, kind, themes, districts, actor organisation ids, language)
ITEMS: dict[str, tuple] = {
    "g1-housing": (
        "g1",
        "Należy zwiększyć liczbę mieszkań interwencyjnych na Woli.",
        "recommendation",
        ["basic_needs"],
        ["wola"],
        [],
        "pl",
    ),
    "g1-housing-2": (
        "g1",
        "Więcej mieszkań interwencyjnych dla rodzin na Woli.",
        "recommendation",
        ["basic_needs"],
        ["wola"],
        [],
        "pl",
    ),
    "g2-housing": (
        "g2",
        "Rekomendujemy mieszkania interwencyjne na Woli.",
        "recommendation",
        ["basic_needs"],
        ["wola"],
        [],
        "pl",
    ),
    "g5-housing": (
        "g5",
        "Потрібно більше житла для біженців на Волі.",
        "recommendation",
        ["basic_needs"],
        ["wola"],
        [],
        "uk",
    ),
    "g7-housing": (
        "g7",
        "More emergency housing is needed in Wola.",
        "recommendation",
        ["basic_needs"],
        ["wola"],
        [],
        "en",
    ),
    "bielany-housing": (
        "bielany",
        "Mieszkania interwencyjne także poza Wolą.",
        "recommendation",
        ["basic_needs"],
        ["wola"],
        [],
        "pl",
    ),
    "g1-courses": (
        "g1",
        "Kursy polskiego wieczorem na Bielanach.",
        "recommendation",
        ["information_language"],
        ["bielany"],
        [],
        "pl",
    ),
    "bielany-courses": (
        "bielany",
        "Potrzebne są wieczorne kursy języka polskiego.",
        "recommendation",
        ["information_language"],
        ["bielany"],
        [],
        "pl",
    ),
    "g2-procedure": (
        "g2",
        "MRiPS powinno uprościć procedurę przyznawania świadczeń.",
        "recommendation",
        ["networking_systemic", "basic_needs"],
        [],
        ["mrips"],
        "pl",
    ),
    "g7-procedure": (
        "g7",
        "MRiPS should simplify the benefits procedure.",
        "recommendation",
        ["networking_systemic", "basic_needs"],
        [],
        ["mrips"],
        "en",
    ),
    "g5-mothers": (
        "g5",
        "Створити групи взаємодопомоги українських матерів.",
        "recommendation",
        ["civic_integration"],
        [],
        [],
        "uk",
    ),
    "g5-mothers-2": (
        "g5",
        "Групи підтримки для матерів з дітьми.",
        "recommendation",
        ["civic_integration"],
        [],
        [],
        "uk",
    ),
    "g5-culture": (
        "g5",
        "Спільні культурні заходи з сусідами.",
        "recommendation",
        ["civic_integration"],
        [],
        [],
        "uk",
    ),
    "g1-culture": (
        "g1",
        "Wspólne wydarzenia kulturalne z sąsiadami.",
        "recommendation",
        ["civic_integration"],
        [],
        [],
        "pl",
    ),
    "g2-psychologists": (
        "g2",
        "Brakuje psychologów mówiących po ukraińsku na Mokotowie.",
        "problem",
        ["health_protection"],
        ["mokotow"],
        [],
        "pl",
    ),
    "g1-flats": (
        "g1",
        "Brakuje mieszkań dla rodzin na Woli.",
        "problem",
        ["basic_needs"],
        ["wola"],
        [],
        "pl",
    ),
    "bielany-library": (
        "bielany",
        "Punkt informacyjny w bibliotece na Bielanach działa.",
        "good_practice",
        ["information_language"],
        ["bielany"],
        [],
        "pl",
    ),
    "g1-kitchen": (
        "g1",
        "Wspólna kuchnia na Woli działa od marca.",
        "good_practice",
        ["basic_needs"],
        ["wola"],
        [],
        "pl",
    ),
    "g1-partnership": (
        "g1",
        "UD Wola, Fundacja Ocalenie i UNHCR uzgodniły mieszkania na Woli.",
        "partnership",
        ["basic_needs", "networking_systemic"],
        ["wola"],
        ["ud-wola", "ocalenie", "unhcr"],
        "pl",
    ),
    "g5-partnership": (
        "g5",
        "Український дім і OPS Bielany разом з біженцями на Біланах.",
        "partnership",
        ["civic_integration", "networking_systemic"],
        ["bielany"],
        ["ukrainski-dom", "ops-bielany"],
        "uk",
    ),
    "bielany-partnership": (
        "bielany",
        "Fundacja Ocalenie i PAH: dyżury na Bielanach.",
        "partnership",
        ["information_language"],
        ["bielany"],
        ["ocalenie", "pah"],
        "pl",
    ),
    "g7-partnership": (
        "g7",
        "UNHCR, Ukrainian House and MRiPS agreed a city-wide hotline.",
        "partnership",
        ["information_language", "networking_systemic"],
        [],
        ["unhcr", "ukrainski-dom", "mrips"],
        "en",
    ),
    "g7-attendance": ("g7", "Twelve people attended.", "other", ["other"], [], [], "en"),
}

CLUSTERS = {
    "r-housing": [
        "g1-housing",
        "g1-housing-2",
        "g2-housing",
        "g5-housing",
        "g7-housing",
        "bielany-housing",
    ],
    "r-courses": ["g1-courses", "bielany-courses"],
    "r-procedure": ["g2-procedure", "g7-procedure"],
    "r-mothers": ["g5-mothers", "g5-mothers-2"],
    "r-culture": ["g5-culture", "g1-culture"],
}

WITH_REFUGEES = {"g5-partnership"}


def annotation_of(item_id: str) -> Annotation:
    _, _, kind, themes, districts, actor_ids, language = ITEMS[item_id]
    actors = [Actor(ORGANIZATIONS[o].name, ORGANIZATIONS[o].sector, o) for o in actor_ids]
    return annotated(kind, themes, districts, actors, language=language)


def sample_knowledge_base() -> KnowledgeBase:
    """The knowledge base described in this module's docstring."""
    entries = {
        item_id: (note_id, text, annotation_of(item_id))
        for item_id, (note_id, text, *_) in ITEMS.items()
    }
    return make_knowledge_base(
        notes=[
            make_note(
                note_id, group, date=date, language=language, district=district, event=CONFERENCE
            )
            for note_id, (group, language, date, district) in NOTES.items()
        ],
        entries=entries,
        clusters=[
            Cluster(cluster_id, tuple(members), members[0])
            for cluster_id, members in CLUSTERS.items()
        ],
        organizations=list(ORGANIZATIONS.values()),
        partnerships=[
            make_partnership(item_id, annotation, with_refugees=item_id in WITH_REFUGEES)
            for item_id, (_, _, annotation) in entries.items()
            if annotation.kind == "partnership"
        ],
    )


def without_items(knowledge_base: KnowledgeBase, removed: set[str]) -> KnowledgeBase:
    """The knowledge base with some items (and their clusters' mentions) left out."""
    clusters = []
    for cluster in knowledge_base.clusters:
        kept = tuple(i for i in cluster.item_ids if i not in removed)
        if kept:
            canonical = cluster.canonical_item_id if cluster.canonical_item_id in kept else kept[0]
            clusters.append(replace(cluster, item_ids=kept, canonical_item_id=canonical))
    return replace(
        knowledge_base,
        items=[item for item in knowledge_base.items if item.id not in removed],
        annotations={k: v for k, v in knowledge_base.annotations.items() if k not in removed},
        clusters=clusters,
        partnerships=[p for p in knowledge_base.partnerships if p.item_id not in removed],
    )
