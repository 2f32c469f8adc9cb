"""The brief's records: what the template prints, read from the public database."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.config import section

DISTRICT_KINDS = ("recommendation", "problem", "good_practice", "task")


@dataclass(frozen=True)
class ReportSettings:
    """The brief's thresholds (config.yaml, section `report`).

    A partnership "answers" a recommendation when they share a theme and enough rare words.
    """

    max_lemma_share: float  # a word used by a larger share of all items is not telling
    min_shared_lemmas: int
    min_score: float  # summed weights of the shared rare words
    per_recommendation: int
    key_min_groups: int  # "W skrócie" lists recommendations of at least this many groups
    key_recommendations: int  # and at most this many of them

    @classmethod
    def from_config(cls) -> ReportSettings:
        settings = section("report")
        return cls(
            max_lemma_share=settings["answer_max_lemma_share"],
            min_shared_lemmas=settings["answer_min_shared_lemmas"],
            min_score=settings["answer_min_score"],
            per_recommendation=settings["answers_per_recommendation"],
            key_min_groups=settings["key_min_groups"],
            key_recommendations=settings["key_recommendations"],
        )


@dataclass(frozen=True)
class Label:
    pl: str
    en: str


@dataclass(frozen=True)
class Member:
    """One member of a partnership as the public database names it."""

    name: str
    sector: str | None


@dataclass
class PartnershipEntry:
    """A partnership found in one item, with what matching needs (themes, lemmas)."""

    id: str
    item_id: str | None
    text: str
    partnership_type: str | None
    status: str | None
    districts: list[str]
    members: list[Member]
    with_refugees: bool
    language: str | None = None
    themes: list[str] = field(default_factory=list)
    lemmas: frozenset[str] = frozenset()
    # The district of the meeting it was found at, when the item names none itself.
    meeting_districts: frozenset[str] = frozenset()

    def concerns(self, district: str) -> bool:
        """It names the district or was agreed at a meeting held for that district."""
        return district in self.districts or district in self.meeting_districts


@dataclass
class Entry:
    """One canonical recommendation (or problem, good practice, task) and its support."""

    id: str
    text: str
    kind: str
    themes: list[str]
    districts: list[str]
    mentions: int
    groups: int
    meetings: int
    sources: list[str]  # the groups / meetings that raised it, by name
    primary_theme: str
    language: str | None = None  # of the canonical wording, for the lang attribute
    canonical_item_id: str | None = None
    lemmas: frozenset[str] = frozenset()
    # Districts of the meetings that raised it in items naming no district themselves.
    meeting_districts: frozenset[str] = frozenset()
    partnerships: list[PartnershipEntry] = field(default_factory=list)

    def concerns(self, district: str) -> bool:
        """It names the district or was raised at a meeting held for that district."""
        return district in self.districts or district in self.meeting_districts


@dataclass
class ThemeSection:
    code: str
    label: Label
    entries: list[Entry]


@dataclass
class DistrictPage:
    code: str
    name: str
    entries: dict[str, list[Entry]]  # by kind, in DISTRICT_KINDS order
    partnerships: list[PartnershipEntry]

    @property
    def size(self) -> int:
        return sum(map(len, self.entries.values())) + len(self.partnerships)


@dataclass(frozen=True)
class Source:
    """One note (working group or meeting) the brief draws on."""

    name: str
    date: str | None
    language: str | None
    items: int


@dataclass
class Brief:
    """Everything the template prints."""

    key_recommendations: list[Entry]  # the most widely supported, for "W skrócie"
    themes: list[ThemeSection]
    districts: list[DistrictPage]
    quiet_districts: list[str]  # names of districts nothing concerns
    sources: list[Source]
    theme_labels: dict[str, Label]
    sector_labels: dict[str, Label]
    district_names: dict[str, str]
    language_labels: dict[str, Label]
    totals: dict[str, int]
    generated: str  # ISO date the brief was written
