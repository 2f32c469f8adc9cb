"""Actors of an item: registry organisations, names the registry does not know yet, and
typed generic actors (codebook rule 6)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.districts import DistrictMention
from pipeline.nlp.lexicons import lemma_keys, phrase_keys, read_yaml
from pipeline.nlp.model_cache import derived
from pipeline.nlp.names import find_unknown_names
from pipeline.nlp.phrases import PhraseIndex, PhraseMatch
from pipeline.nlp.text import (
    WORD,
    BatchComponent,
    TextWords,
    WordCache,
    doc_fields,
    fold,
    register_doc_extensions,
    text_of,
    text_words,
)
from pipeline.organizations import find_organizations, registry
from pipeline.records import Actor

GENERIC_ACTORS = "generic-actors.yaml"
ACTOR_CONTEXT = "lexicon/actor-context.yaml"

register_doc_extensions("actors")

_START = itemgetter(0)  # of a (start character, actor) pair

# One Actor per (name as written, sector, organization_id, generic): immutable, so one
# object serves every doc naming it, and the dataclass is not made again each time.
_ACTORS = WordCache(lambda fields: Actor(*fields))


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
@derived("generic-actors")
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
@derived("actor-context")
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


def _words_before(text: str, start: int, count: int = 2) -> list[str]:
    """The folded words right before a character offset, nearest last."""
    return [fold(word) for word in WORD.findall(text[max(0, start - 60) : start])[-count:]]


def _is_not_actor(
    doc: Doc,
    text: str,
    start: int,
    end: int,
    start_char: int,
    generic: GenericActor,
    language: str,
    context: ActorContext,
) -> bool:
    """A location ("w mieście") or an English noun modifier ("school staff"), not an actor.

    start, end: the generic's tokens; start_char: its first character."""
    if generic.place and context.place_after.intersection(_words_before(text, start_char)):
        return True
    if language == "en" and end - start == 1 and end < len(doc):
        head, following = doc[start], doc[end]
        modifier = head.lower_ == head.lemma_.lower() and following.is_lower and following.is_alpha
        return modifier and following.lower_ not in context.english_head_followers
    return False


def _refugee_qualified(keys: list[str], start: int, end: int, context: ActorContext) -> bool:
    """ "ukraińskie nauczycielki", "wolontariuszki z Ukrainy": qualified as Ukrainian."""
    window = keys[max(0, start - 1) : end + 2]
    if not context.refugee_qualifiers.could_match(window):
        return False  # most generics: no qualifier next to them
    offset = min(start, 1)
    return any(
        match.end <= offset or match.start >= offset + end - start
        for match in context.refugee_qualifiers.find(window)
    )


def venue_actors(doc: Doc) -> list[int]:
    """Indices (in `doc._.actors`) of the actors named right after a venue word ("sala
    konferencyjna UD"); asked for only of logistics items, so found only then."""
    fields = doc_fields(doc)
    venue_words = actor_context(fields["actor_language"]).venue_after
    text = text_of(doc)
    return [
        index
        for index, start in enumerate(fields["actor_starts"])
        if venue_words.intersection(_words_before(text, start, 3))
    ]


if not Doc.has_extension("venue_actors"):
    Doc.set_extension("venue_actors", getter=venue_actors)


def find_actors(doc: Doc, language: str) -> list[tuple[int, Actor]]:
    """(start character, actor) of the organisations and generic actors, in text order.

    Organisation names the registry does not know ("Fundacja X") are actors without an
    organization_id. Each organisation and each generic type is listed once; generics
    inside or next to an organisation's name, locations and English noun modifiers are
    left out.
    """
    found_words = text_words(doc)
    text = found_words.text
    found = _organizations(text, found_words, doc_fields(doc).get("district_mentions"))
    # Generic names next to an organisation ("SWPS University") belong to it.
    covered = [(start, start + len(actor.name)) for start, actor in found]
    unknown = find_unknown_names(text, covered, found_words.words)
    if unknown:
        covered += [(start, start + len(actor.name)) for start, actor in unknown]
        found += unknown
    keys = lemma_keys(doc)
    matches = generic_index(language).find(keys, longest=True)
    if matches:
        found += _generic_actors(doc, text, keys, matches, covered, language)
    if len(found) > 1:
        found.sort(key=_START)  # in text order; stable: ties keep the order found
    return found


def _organizations(
    text: str, found_words: TextWords, district_mentions: list[DistrictMention] | None
) -> list[tuple[int, Actor]]:
    """(start character, actor) of the registry organisations a text names, in order."""
    known = registry()
    if not known.index.could_match(found_words.keys):
        return []
    organizations = known.organizations
    found = []
    for mention in find_organizations(text, district_mentions, found_words):
        organization = organizations[mention.organization_id]
        actor = _ACTORS[(mention.text, organization.sector, organization.id, False)]
        found.append((mention.start, actor))
    return found


def _generic_actors(
    doc: Doc,
    text: str,
    keys: list[str],
    matches: list[PhraseMatch],
    covered: list[tuple[int, int]],
    language: str,
) -> list[tuple[int, Actor]]:
    """(start character, actor) of the generic actors found (matches of the language's
    generic index), each type once, but none touching a name (covered character spans)."""
    context = actor_context(language)
    found: list[tuple[int, Actor]] = []
    seen: set[str] = set()
    for match in matches:
        generic: GenericActor = match.value
        if generic.id in seen:
            continue
        # The span's characters, without making the Span.
        first = doc[match.start]
        last = doc[match.end - 1] if match.end - match.start > 1 else first
        start, end = first.idx, last.idx + len(last)
        touches = covered and any(
            begin <= start < finish
            or (finish <= start and not text[finish:start].strip())
            or (end <= begin and not text[end:begin].strip())
            for begin, finish in covered
        )
        if touches:
            continue
        if _is_not_actor(doc, text, match.start, match.end, start, generic, language, context):
            continue
        sector = generic.sector
        if generic.people and _refugee_qualified(keys, match.start, match.end, context):
            sector = "refugee_led"
        seen.add(generic.id)
        found.append((start, _ACTORS[(text[start:end], sector, None, True)]))
    return found


class ActorDetector(BatchComponent):
    """Sets `doc._.actors` (records.Actor), and their offsets, from which `doc._.venue_actors`
    (indices of actors named as a venue, dropped by the Annotator from logistics items)
    is found when asked for; runs after districts."""

    def __init__(self, nlp: Language, name: str, language: str) -> None:
        self.name = name
        self.language = language
        registry()  # index the registry now, not on the first document
        generic_index(language)
        actor_context(language)

    def __call__(self, doc: Doc) -> Doc:
        found = find_actors(doc, self.language)
        fields = doc_fields(doc)
        fields["actors"] = [actor for _, actor in found]
        fields["actor_starts"] = [start for start, _ in found]
        fields["actor_language"] = self.language
        return doc


@Language.factory("actor_detector", default_config={"language": "pl"})
def make_actor_detector(nlp: Language, name: str, language: str) -> ActorDetector:
    return ActorDetector(nlp, name, language)
