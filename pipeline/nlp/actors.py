"""Actors of an item: registry organisations, names the registry does not know yet, and
typed generic actors (codebook rule 6)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.lexicons import lemma_keys, phrase_keys, read_yaml
from pipeline.nlp.phrases import PhraseIndex
from pipeline.nlp.text import WORD, fold, register_doc_extensions, text_of, word_keys
from pipeline.organizations import find_organizations, registry
from pipeline.records import Actor

GENERIC_ACTORS = "generic-actors.yaml"
ACTOR_CONTEXT = "lexicon/actor-context.yaml"

register_doc_extensions("actors", "venue_actors")


@dataclass(frozen=True)
class GenericActor:
    id: str
    sector: str
    place: bool  # mostly named as a place ("w szkole")
    people: bool  # a group of people, refugee-led when qualified as Ukrainian


@dataclass(frozen=True)
class ActorContext:
    """lexicon/actor-context.yaml for one language, folded."""

    place_after: frozenset[str]
    venue_after: frozenset[str]
    english_head_followers: frozenset[str]
    refugee_qualifiers: PhraseIndex


@cache
def generic_index(language: str) -> PhraseIndex:
    """The generic actors of one language, giving GenericActor."""
    index = PhraseIndex()
    for generic_id, entry in read_yaml(GENERIC_ACTORS).items():
        generic = GenericActor(
            generic_id, entry["sector"], entry.get("place", False), entry.get("people", False)
        )
        for phrase in entry.get(language, []):
            index.add(phrase_keys(str(phrase), language), generic)
    return index


@cache
def actor_context(language: str) -> ActorContext:
    raw = read_yaml(ACTOR_CONTEXT)
    qualifiers = PhraseIndex()
    for phrase in raw["refugee_qualifiers"].get(language, []):
        qualifiers.add(phrase_keys(phrase, language), "refugee_led")

    def folded(key: str) -> frozenset[str]:
        return frozenset(fold(word) for word in raw[key].get(language, []))

    return ActorContext(
        folded("place_after"),
        folded("venue_after"),
        frozenset(raw["english_head_followers"]),
        qualifiers,
    )


CAPITAL = r"[A-ZĄĆĘŁŃÓŚŹŻА-ЯІЇЄҐ]"
# A quoted name starts with a capital ("grupa „Ursus Razem”", not "grupa „inne”").
QUOTED = rf"[„\"«“]{CAPITAL}[^„\"«»“”\n]{{0,60}}[”\"»“]"


@dataclass(frozen=True)
class NamePattern:
    """A regular expression finding one kind of organisation name, and its sector."""

    expression: re.Pattern[str]
    sector: str
    head_end: int  # the match group ending where the name proper starts (0: none)


@cache
def trailing_joiners() -> re.Pattern[str]:
    """Joining words (and spaces) at the end of a name cut short."""
    joiners = "|".join(read_yaml(ACTOR_CONTEXT)["named_organizations"]["joining_words"])
    return re.compile(rf"(?:\s+(?:{joiners}))*\s*$")


@cache
def name_patterns() -> tuple[NamePattern, ...]:
    """The named_organizations patterns of lexicon/actor-context.yaml, compiled."""
    raw = read_yaml(ACTOR_CONTEXT)["named_organizations"]
    word = rf"{CAPITAL}[\w'’-]*"
    token = rf"(?:{word}|\d+[\w/]*|{'|'.join(raw['name_words'])})"
    joined = rf"(?:\s+(?:{'|'.join(raw['joining_words'])})\s+{word}(?:\s+{token})*)*"
    name = rf"(?:{QUOTED}|{token}(?:\s+{token})*{joined})"
    adjective = rf"(?:{CAPITAL}\w*{raw['prefix_adjective']}\s+)?"
    patterns = []
    for head in raw["heads"]:
        if head.get("quoted"):
            expression = rf"(?<!\w)({head['pattern']})\s+{QUOTED}"
        else:
            # A one-word head needs a name; a longer one is a name by itself and may go
            # on with a place ("Biblioteka Publiczna na Bemowie").
            multiword = " " in head["pattern"]
            tail = rf"(?:\s+{name}|{joined})?" if multiword else rf"\s+{name}"
            expression = rf"(?<!\w){adjective}({head['pattern']})(?!\w){tail}"
        patterns.append(NamePattern(re.compile(expression), head["sector"], 1))
    for suffix in raw["suffixes"]:
        # "The" opens a sentence, not the name ("The Open Society Foundation").
        expression = rf"(?<!\w)(?!The\s)(?:{word}\s+){{1,4}}{suffix['pattern']}(?!\w)"
        patterns.append(NamePattern(re.compile(expression), suffix["sector"], 0))
    return tuple(patterns)


def find_unknown_names(text: str, known: list[tuple[int, int]]) -> list[tuple[int, Actor]]:
    """(start, actor) of organisation names by their form ("Fundacja X", "Parafia św. Y",
    "SP nr 12", "X Foundation") that no registry mention (known spans) covers.

    A name running into a registry mention stops before it ("Parafia św. Zygmunta i PCK").
    """
    candidates: list[tuple[int, int, str]] = []
    for pattern in name_patterns():
        for match in pattern.expression.finditer(text):
            start, end = match.start(), match.end()
            name_start = match.end(pattern.head_end) if pattern.head_end else start
            inside = [begin for begin, finish in known if begin < end and finish > start]
            if any(begin < name_start for begin in inside):
                continue
            if inside:
                # "Fundacja X na UD Bemowo" → "Fundacja X": no joining word left dangling.
                cut = trailing_joiners().sub("", text[start : min(inside)])
                end = start + len(cut) if pattern.head_end else start
                if end <= name_start:
                    continue
            candidates.append((start, end, pattern.sector))
    found: list[tuple[int, Actor]] = []
    taken_until = -1
    for start, end, sector in sorted(candidates, key=lambda c: (c[0], -c[1])):
        if start < taken_until:
            continue
        taken_until = end
        found.append((start, Actor(text[start:end], sector)))
    return found


def _words_before(text: str, start: int, count: int = 2) -> list[str]:
    """The folded words right before a character offset, nearest last."""
    return [fold(word) for word in WORD.findall(text[max(0, start - 60) : start])[-count:]]


def _is_not_actor(
    doc: Doc, start: int, end: int, generic: GenericActor, language: str, context: ActorContext
) -> bool:
    """A location ("w mieście") or an English noun modifier ("school staff"), not an actor."""
    if generic.place and context.place_after.intersection(
        _words_before(text_of(doc), doc[start].idx)
    ):
        return True
    if language == "en" and end - start == 1 and end < len(doc):
        head, following = doc[start], doc[end]
        modifier = head.lower_ == head.lemma_.lower() and following.is_lower and following.is_alpha
        return modifier and following.lower_ not in context.english_head_followers
    return False


def _refugee_qualified(keys: list[str], start: int, end: int, context: ActorContext) -> bool:
    """ "ukraińskie nauczycielki", "wolontariuszki z Ukrainy": qualified as Ukrainian."""
    window = keys[max(0, start - 1) : end + 2]
    offset = min(start, 1)
    return any(
        match.end <= offset or match.start >= offset + end - start
        for match in context.refugee_qualifiers.find(window)
    )


def venue_positions(doc: Doc, actors: list[tuple[int, Actor]], language: str) -> list[int]:
    """Indices of the actors named right after a venue word ("sala konferencyjna UD")."""
    venue_words = actor_context(language).venue_after
    text = text_of(doc)
    return [
        index
        for index, (start, _) in enumerate(actors)
        if venue_words.intersection(_words_before(text, start, 3))
    ]


def find_actors(doc: Doc, language: str) -> list[tuple[int, Actor]]:
    """(start character, actor) of the organisations and generic actors, in text order.

    Organisation names the registry does not know ("Fundacja X") are actors without an
    organization_id. Each organisation and each generic type is listed once; generics
    inside or next to an organisation's name, locations and English noun modifiers are
    left out.
    """
    organizations = registry().organizations
    context = actor_context(language)
    found: list[tuple[int, Actor]] = []
    covered: list[tuple[int, int]] = []
    text = text_of(doc)
    spans, word_forms = word_keys(doc)
    for mention in find_organizations(text, doc._.district_mentions, spans, word_forms):
        # Generic names next to an organisation ("SWPS University") belong to it.
        covered.append((mention.start, mention.end))
        organization = organizations[mention.organization_id]
        found.append((mention.start, Actor(mention.text, organization.sector, organization.id)))
    unknown = find_unknown_names(text, list(covered))
    for start, actor in unknown:
        covered.append((start, start + len(actor.name)))
    found += unknown
    keys = lemma_keys(doc)
    seen: set[str] = set()
    for match in generic_index(language).find(keys, longest=True):
        generic: GenericActor = match.value
        span = doc[match.start : match.end]
        touches = any(
            begin <= span.start_char < finish
            or (finish <= span.start_char and not text[finish : span.start_char].strip())
            or (span.end_char <= begin and not text[span.end_char : begin].strip())
            for begin, finish in covered
        )
        if touches or generic.id in seen:
            continue
        if _is_not_actor(doc, match.start, match.end, generic, language, context):
            continue
        sector = generic.sector
        if generic.people and _refugee_qualified(keys, match.start, match.end, context):
            sector = "refugee_led"
        seen.add(generic.id)
        found.append((span.start_char, Actor(span.text, sector, generic=True)))
    return sorted(found, key=lambda pair: pair[0])


class ActorDetector:
    """Sets `doc._.actors` (records.Actor) and `doc._.venue_actors` (indices of actors named
    as a venue, dropped by the Annotator from logistics items); runs after districts."""

    def __init__(self, nlp: Language, name: str, language: str) -> None:
        self.name = name
        self.language = language
        registry()  # index the registry now, not on the first document
        generic_index(language)
        actor_context(language)

    def __call__(self, doc: Doc) -> Doc:
        found = find_actors(doc, self.language)
        extension = doc._
        extension.actors = [actor for _, actor in found]
        extension.venue_actors = venue_positions(doc, found, self.language)
        return doc


@Language.factory("actor_detector", default_config={"language": "pl"})
def make_actor_detector(nlp: Language, name: str, language: str) -> ActorDetector:
    return ActorDetector(nlp, name, language)
