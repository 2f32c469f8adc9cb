"""The organisation registry (pipeline/data/organizations.csv) and finding its members in text.

Aliases match in any inflected form (Polish forms generated with Morfeusz, Ukrainian
with pymorphy3), without diacritics, and acronyms with their case endings ("OPS-u",
"PUP-ie"). A city-wide institution followed by a district ("OPS-u na Bielanach")
resolves to that district's own row ("OPS Bielany"), and so does one in an item that
names one district before it ("Na Bielanach … OPS").

The organisations table is this registry, one row per typed generic actor (generic=1),
the analyst's notes/aliases.csv (also applied to annotations: `apply_aliases`) and the
registrants' organisations (`with_registered`).
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from operator import attrgetter, itemgetter
from pathlib import Path

from pipeline.config import section
from pipeline.errors import RekomendacjeError
from pipeline.ids import slugify
from pipeline.nlp.districts import DistrictMention, find_districts
from pipeline.nlp.lemmas import ukrainian_analyser
from pipeline.nlp.lexicons import read_yaml
from pipeline.nlp.model_cache import derived
from pipeline.nlp.phrases import PhraseIndex
from pipeline.nlp.polish import polish_analyser, polish_generator
from pipeline.nlp.text import WORD, TextWords, fold, is_capitalised, words
from pipeline.records import Actor, Annotation, Item, Organization
from pipeline.vocabulary import codes, data_path

ACTOR_CONTEXT = "lexicon/actor-context.yaml"
GENERIC_ACTORS = "generic-actors.yaml"


@dataclass(frozen=True)
class OrganizationMention:
    """A registry organisation named in a text, with the characters that name it."""

    organization_id: str
    start: int
    end: int
    text: str


_mention_start = attrgetter("start")
_START = itemgetter(0)  # of a (start, end, word) span


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
        self.analyser = polish_analyser()
        self.generator = polish_generator()
        self.ukrainian = ukrainian_analyser()

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


def _without_legal_form(names: set[str], legal_forms: frozenset[str]) -> set[str]:
    """ "Stowarzyszenie Homo Faber" → "Homo Faber": notes drop the legal form of a name of
    two words or more (one word alone, "Wawer", would be a district or a common word)."""
    short = set()
    for name in names:
        first, _, rest = name.partition(" ")
        if fold(first) in legal_forms and len(WORD.findall(rest)) >= 2:
            short.add(rest.strip('„”"«» '))
    return short


def _alias_slots(alias: str, inflector: _Inflector, suffixes: list[str]) -> list[set[str]]:
    slots = []
    for word in WORD.findall(alias):
        if is_acronym(word) or word.isdigit():
            slots.append({fold(word)} | {fold(word) + suffix for suffix in suffixes})
        else:
            slots.append(inflector.forms(word))
    return slots


def _index_alias(
    index: PhraseIndex, organization_id: str, alias: str, inflector: _Inflector, suffixes: list[str]
) -> None:
    """Add one alias, in all its forms, with how it must be written."""
    alias_words = WORD.findall(alias)
    if not alias_words:
        return
    pattern = AliasPattern(
        organization_id,
        tuple((i, w) for i, w in enumerate(alias_words) if is_acronym(w)),
        len(alias_words) == 1 and not is_acronym(alias_words[0]),
    )
    index.add(_alias_slots(alias, inflector, suffixes), pattern)


@cache
@derived("registry")
def registry() -> Registry:
    """organizations.csv loaded and indexed, once per process."""
    settings = section("annotate").get("organizations", {})
    suffixes = settings.get("acronym_suffixes", [])
    inflector = _Inflector()
    legal_forms = frozenset(fold(form) for form in read_yaml(ACTOR_CONTEXT)["legal_forms"])
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
            names = {organization.name, *aliases, *filter(None, [organization.short_name])}
            # Sorted: which of an organisation's patterns a shared first word tries first
            # must not depend on the process's string hashing.
            for alias in sorted(names | _without_legal_form(names, legal_forms)):
                _index_alias(index, organization.id, alias, inflector, suffixes)
    return Registry(organizations, by_district, index)


def find_organizations(
    text: str,
    district_mentions: list[DistrictMention] | None = None,
    found_words: TextWords | None = None,
) -> list[OrganizationMention]:
    """Registry organisations named in the text, in order, each once.

    district_mentions, found_words: the text's districts and words when already known
    (saves finding them again); the words' offsets are asked for only when an alias
    matches.
    """
    found = registry()
    if found_words is None:
        found_words = TextWords(text)
    keys = found_words.keys
    matches = found.index.find(keys, longest=True)
    if not matches:
        return []  # as for about half the texts given: no offsets or districts needed
    spans = found_words.spans
    if district_mentions is None:
        district_mentions = find_districts(text, spans, keys)
    district_at: dict[int, str] = {}  # word position -> district code
    for mention in district_mentions:
        position = bisect_left(spans, mention.start, key=_START)
        if position < len(spans) and spans[position][0] == mention.start:
            district_at[position] = mention.code
    by_district = found.by_district
    mentions: dict[str, OrganizationMention] = {}
    for match in matches:
        pattern: AliasPattern = match.value
        if not _written_as(pattern, spans, match.start):
            continue
        start, end = spans[match.start][0], spans[match.end - 1][1]
        organization_ids = [pattern.organization_id]
        if district_at:
            children = [
                by_district[(pattern.organization_id, code)]
                for code in _districts_of(match.start, match.end, keys, district_at)
                if (pattern.organization_id, code) in by_district
            ]
            organization_ids = children or organization_ids
        for organization_id in organization_ids:
            if organization_id not in mentions:
                mentions[organization_id] = OrganizationMention(
                    organization_id, start, end, text[start:end]
                )
    if len(mentions) == 1:
        return list(mentions.values())
    return sorted(mentions.values(), key=_mention_start)


@cache
def _district_window() -> int:
    """How many words after an institution's name its district may come (config)."""
    return section("annotate").get("organizations", {}).get("district_window", 3)


def _districts_of(start: int, end: int, keys: list[str], district_at: dict[int, str]) -> list[str]:
    """The districts an institution's mention is qualified by.

    "OPS-u na Bielanach", "UD Mokotów": the first district within `_district_window()`
    words after, and those joined to it ("OPS z Wawra i Wesołej"). Without one, the
    district named before it when only one is ("Na Woli działa punkt przy urzędzie
    dzielnicy").
    """
    for position in range(end, min(end + _district_window(), len(keys))):
        if position in district_at:
            codes_found = [district_at[position]]
            while keys[position + 1 : position + 2] in (["i"], ["oraz"], ["and"]) and (
                position + 2 in district_at
            ):
                position += 2
                codes_found.append(district_at[position])
            return codes_found
    before = {code for position, code in district_at.items() if position < start}
    return list(before) if len(before) == 1 else []


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


def load_aliases(path: Path) -> list[Organization]:
    """notes/aliases.csv (alias,organization,sector) as registry rows; absent file = none.

    Rows naming an organisation of the registry (by id or by name) add the alias to it;
    others are new rows of the given sector.
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
            # The organisation column holds a registry id or a name (any form).
            base = (
                rows.get(name)
                or known.get(name)
                or resolve_organization(name)
                or rows.get(slugify(name))
                or Organization(slugify(name), name, sector, source="alias-file")
            )
            rows[base.id] = replace(base, aliases=(*base.aliases, alias))
    return [
        row for row in rows.values() if row.id not in known or row.aliases != known[row.id].aliases
    ]


def generic_id(generic_type: str, label: str) -> str:
    """The stable id of a generic actor type: "generic-ngo-organizacje-pozarzadowe"."""
    return f"generic-{generic_type}-{slugify(label)}"


def generic_organizations() -> list[Organization]:
    """One row per typed generic actor of generic-actors.yaml (generic=True).

    Generic actors keep organization_id None on their Actor: the classifier's features
    and dedupe's concept keys read organization_id as a named organisation.
    """
    return [
        Organization(
            generic_id(generic_type, entry["label"]),
            entry["label"],
            entry["sector"],
            source="generic",
            generic=True,
        )
        for generic_type, entry in read_yaml(GENERIC_ACTORS).items()
    ]


def _alias_index(rows: list[Organization]) -> PhraseIndex:
    """The aliases the analyst added (not the registry's own), giving AliasPattern."""
    settings = section("annotate").get("organizations", {})
    suffixes = settings.get("acronym_suffixes", [])
    known = registry().organizations
    inflector = _Inflector()
    index = PhraseIndex()
    for row in rows:
        own = set(known[row.id].aliases) if row.id in known else set()
        for alias in set(row.aliases) - own:
            _index_alias(index, row.id, alias, inflector, suffixes)
    return index


def apply_aliases(
    items: Sequence[Item], annotations: dict[str, Annotation], aliases_path: Path
) -> dict[str, Annotation]:
    """Annotations with notes/aliases.csv applied: an unresolved actor that an alias names
    gets that alias's row; an alias found in an item no actor stands for becomes an actor.

    Applied after annotation (not in the annotator) so that a cached annotation picks up
    an alias added since; matched like registry aliases, in any inflected form.
    """
    rows = load_aliases(aliases_path)
    if not rows:
        return annotations
    by_id = {row.id: row for row in rows}
    index = _alias_index(rows)
    resolved = dict(annotations)
    for item in items:
        annotation = annotations.get(item.id)
        if annotation is None:
            continue
        spans = list(words(item.text))
        keys = [fold(word) for _, _, word in spans]
        actors = list(annotation.actors)
        for match in index.find(keys, longest=True):
            pattern: AliasPattern = match.value
            if not _written_as(pattern, spans, match.start):
                continue
            row = by_id[pattern.organization_id]
            start, end = spans[match.start][0], spans[match.end - 1][1]
            named = fold(item.text[start:end])
            unresolved = [
                i
                for i, actor in enumerate(actors)
                if actor.organization_id is None
                and not actor.generic
                and (named in fold(actor.name) or fold(actor.name) in named)
            ]
            if unresolved:
                actors[unresolved[0]] = replace(
                    actors[unresolved[0]], sector=row.sector, organization_id=row.id
                )
            elif all(actor.organization_id != row.id for actor in actors):
                actors.append(Actor(item.text[start:end], row.sector, row.id))
        if actors != annotation.actors:
            actors.sort(key=lambda actor: item.text.find(actor.name))
            sectors = sorted({actor.sector for actor in actors})
            resolved[item.id] = replace(
                annotation,
                actors=actors,
                sectors=sectors,
                partnership_type="+".join(sectors) if annotation.partnership_type else None,
            )
    return resolved


def with_registered(
    organizations: list[Organization], registered: list[Organization]
) -> list[Organization]:
    """The registry plus registrants' organisations that no registry row already stands for."""
    known = {organization.id for organization in organizations}
    new = [
        organization
        for organization in registered
        if organization.id not in known and resolve_organization(organization.name) is None
    ]
    return sorted(organizations + new, key=lambda organization: organization.id)


def build_registry(annotations: Iterable[Annotation], aliases_path: Path) -> list[Organization]:
    """The organisations table: every registry row, the typed generic actors (generic=1),
    plus the analyst's aliases file.

    annotations are read for organisation ids the registry does not hold (none, unless
    an annotation was corrected by hand), which are listed with the actor's own name.
    """
    rows = dict(registry().organizations)
    rows.update((row.id, row) for row in generic_organizations())
    for row in load_aliases(aliases_path):
        rows[row.id] = row
    for annotation in annotations:
        for actor in annotation.actors:
            if actor.organization_id and actor.organization_id not in rows:
                rows[actor.organization_id] = Organization(
                    actor.organization_id, actor.name, actor.sector, source="notes"
                )
    return sorted(rows.values(), key=lambda row: row.id)
