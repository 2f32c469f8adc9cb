"""The organisation registry (pipeline/data/organizations.csv) and finding its members in text.

Aliases match in any inflected form (Polish forms generated with Morfeusz, Ukrainian
with pymorphy3), without diacritics, and acronyms with their case endings ("OPS-u",
"PUP-ie"). A city-wide institution followed by a district ("OPS-u na Bielanach")
resolves to that district's own row ("OPS Bielany").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import morfeusz2
import pymorphy3

from pipeline.config import section
from pipeline.errors import RekomendacjeError
from pipeline.nlp.districts import DistrictMention, find_districts
from pipeline.nlp.phrases import PhraseIndex
from pipeline.nlp.text import WORD, fold, is_capitalised, words
from pipeline.records import Annotation, Organization
from pipeline.vocabulary import codes, data_path


@dataclass(frozen=True)
class OrganizationMention:
    """A registry organisation named in a text, with the characters that name it."""

    organization_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AliasPattern:
    organization_id: str
    acronym_positions: tuple[tuple[int, str], ...]  # words that must be written in capitals
    capitalised: bool  # a one-word name that is also a common word must start with a capital


@dataclass(frozen=True)
class Registry:
    """The registry's rows by id, and the index of their aliases."""

    organizations: dict[str, Organization]
    by_district: dict[tuple[str, str], str]  # (city-wide parent id, district) -> district row id
    index: PhraseIndex


def is_acronym(word: str) -> bool:
    """'OPS', 'MEiN', 'BPiPS': two capitals or more and not a capitalised word."""
    return sum(char.isupper() for char in word) >= 2 and not word[1:].islower()


class _Inflector:
    """Every form of a word: Morfeusz for Latin script, pymorphy3 for Cyrillic."""

    def __init__(self) -> None:
        self.analyser = morfeusz2.Morfeusz(generate=False)
        self.generator = morfeusz2.Morfeusz(analyse=False, generate=True)
        self.ukrainian = pymorphy3.MorphAnalyzer(lang="uk")

    def forms(self, word: str) -> set[str]:
        forms = {fold(word)}
        if "\u0400" <= word[0] <= "\u04ff":
            for parse in self.ukrainian.parse(word.lower())[:2]:
                forms.update(fold(form.word) for form in parse.lexeme)
            return forms
        for interpretation in self.analyser.analyse(word):
            if interpretation[2][2] != "ign":
                forms.update(
                    fold(form[0]) for form in self.generator.generate(interpretation[2][1])
                )
        return forms


def _alias_slots(alias: str, inflector: _Inflector, suffixes: list[str]) -> list[set[str]]:
    slots = []
    for word in WORD.findall(alias):
        if is_acronym(word) or word.isdigit():
            slots.append({fold(word)} | {fold(word) + suffix for suffix in suffixes})
        else:
            slots.append(inflector.forms(word))
    return slots


@cache
def registry() -> Registry:
    """organizations.csv loaded and indexed, once per process."""
    settings = section("annotate").get("organizations", {})
    suffixes = settings.get("acronym_suffixes", [])
    inflector = _Inflector()
    organizations: dict[str, Organization] = {}
    by_district: dict[tuple[str, str], str] = {}
    index = PhraseIndex()
    with data_path("organizations.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            aliases = tuple(alias for alias in row["aliases"].split(";") if alias)
            organization = Organization(
                id=row["id"],
                name=row["name"],
                sector=row["sector"],
                short_name=row["short_name"] or None,
                aliases=aliases,
                districts=tuple(code for code in row["districts"].split(";") if code),
                source=row["source"],
            )
            organizations[organization.id] = organization
            if row.get("parent") and len(organization.districts) == 1:
                by_district[(row["parent"], organization.districts[0])] = organization.id
            for alias in {organization.name, *aliases}:
                alias_words = WORD.findall(alias)
                if not alias_words:
                    continue
                pattern = AliasPattern(
                    organization.id,
                    tuple((i, w) for i, w in enumerate(alias_words) if is_acronym(w)),
                    len(alias_words) == 1 and not is_acronym(alias_words[0]),
                )
                index.add(_alias_slots(alias, inflector, suffixes), pattern)
    return Registry(organizations, by_district, index)


def find_organizations(
    text: str,
    district_mentions: list[DistrictMention] | None = None,
    spans: list[tuple[int, int, str]] | None = None,
    keys: list[str] | None = None,
) -> list[OrganizationMention]:
    """Registry organisations named in the text, in order, each once.

    district_mentions, spans, keys: the text's districts, words and folded words when
    already known (saves finding them again).
    """
    found = registry()
    window = section("annotate").get("organizations", {}).get("district_window", 3)
    if spans is None or keys is None:
        spans = list(words(text))
        keys = [fold(word) for _, _, word in spans]
    if district_mentions is None:
        district_mentions = find_districts(text, spans, keys)
    position_of = {start: position for position, (start, _, _) in enumerate(spans)}
    district_at = {
        position_of[mention.start]: mention.code
        for mention in district_mentions
        if mention.start in position_of
    }
    mentions: dict[str, OrganizationMention] = {}
    for match in found.index.find(keys, longest=True):
        pattern: AliasPattern = match.value
        if not _written_as(pattern, spans, match.start):
            continue
        organization_id = pattern.organization_id
        # "OPS-u na Bielanach", "UD Mokotów": the district's own office.
        for position in range(match.end, min(match.end + window, len(spans))):
            child = found.by_district.get((organization_id, district_at.get(position, "")))
            if child:
                organization_id = child
                break
        start, end = spans[match.start][0], spans[match.end - 1][1]
        mentions.setdefault(
            organization_id, OrganizationMention(organization_id, start, end, text[start:end])
        )
    return sorted(mentions.values(), key=lambda mention: mention.start)


def _written_as(pattern: AliasPattern, spans: list[tuple[int, int, str]], start: int) -> bool:
    """Acronyms in capitals ("MEN", not "men"); a common-word name capitalised ("Ocalenie")."""
    for offset, acronym in pattern.acronym_positions:
        if not spans[start + offset][2].startswith(acronym):
            return False
    return not pattern.capitalised or is_capitalised(spans[start][2])


def resolve_organization(name: str) -> Organization | None:
    """The registry row a name (as written in a note) stands for, when it names one."""
    mentions = find_organizations(name)
    return registry().organizations[mentions[0].organization_id] if mentions else None


def slugify(name: str) -> str:
    """The id of a name: folded, lower case, words joined by hyphens."""
    return "-".join(fold(word) for word in WORD.findall(name))


def load_aliases(path: Path) -> list[Organization]:
    """notes/aliases.csv (alias,organization,sector) as registry rows; absent file = none.

    Rows naming an organisation of the registry add the alias to it; others are new.
    """
    if not path.is_file():
        return []
    known = registry().organizations
    rows: dict[str, Organization] = {}
    with path.open(encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            alias, name, sector = (
                row.get(key, "").strip() for key in ("alias", "organization", "sector")
            )
            if not alias or not name:
                continue
            if sector not in codes("sectors"):
                raise RekomendacjeError(
                    f"unknown sector {sector!r}: use one of {', '.join(codes('sectors'))}",
                    str(path),
                    line,
                )
            resolved = resolve_organization(name)
            base = (
                resolved
                or rows.get(slugify(name))
                or Organization(slugify(name), name, sector, source="alias-file")
            )
            rows[base.id] = replace(base, aliases=(*base.aliases, alias))
    return [
        row for row in rows.values() if row.id not in known or row.aliases != known[row.id].aliases
    ]


def build_registry(annotations: Iterable[Annotation], aliases_path: Path) -> list[Organization]:
    """The organisations table: every registry row, plus the analyst's aliases file.

    annotations are read for organisation ids the registry does not hold (none, unless
    an annotation was corrected by hand), which are listed with the actor's own name.
    """
    rows = dict(registry().organizations)
    for row in load_aliases(aliases_path):
        rows[row.id] = row
    for annotation in annotations:
        for actor in annotation.actors:
            if actor.organization_id and actor.organization_id not in rows:
                rows[actor.organization_id] = Organization(
                    actor.organization_id, actor.name, actor.sector, source="notes"
                )
    return sorted(rows.values(), key=lambda row: row.id)
