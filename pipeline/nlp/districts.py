"""Warsaw's districts named in a text, in any inflected form, language or spelling."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter

import morfeusz2
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.model_cache import derived
from pipeline.nlp.phrases import PhraseIndex
from pipeline.nlp.polish import polish_analyser, polish_generator
from pipeline.nlp.text import (
    WORD,
    BatchComponent,
    doc_fields,
    fold,
    is_capitalised,
    register_doc_extensions,
    text_words,
    words,
)
from pipeline.vocabulary import data_yaml

# Punctuation after which a capital letter says nothing: a new sentence or list entry.
_SENTENCE_BREAK = set('.!?:;\n•*>-–—()[]"„”«»')

register_doc_extensions("districts", "district_mentions")


@dataclass(frozen=True)
class DistrictMention:
    """One district named in a text: its code and the characters that name it."""

    code: str
    start: int
    end: int


# What may follow a heading's district name: "WLOCHY - grupa robocza", "Włochy: …".
_HEADING_SEPARATORS = set("-–—:")


@dataclass(frozen=True)
class DistrictRule:
    """How one group of a district's spellings (names, adjectives, plain forms) is judged."""

    code: str
    mode: str  # plain, capitalised, trigger
    blockers: frozenset[str]
    blockers_after: frozenset[str] = frozenset()
    adjective: bool = False
    surname: bool = False  # an adjective that is also a common surname ("Wolski")


@dataclass(frozen=True)
class DistrictLexicon:
    """Every known spelling of every district, with the rules that disambiguate them."""

    index: PhraseIndex
    rules: dict[str, DistrictRule]  # by the value a phrase was indexed with
    triggers: frozenset[str]
    followers: frozenset[str]
    institution_words: frozenset[str]
    list_window: int


def _inflections(word: str, generator: morfeusz2.Morfeusz) -> set[str]:
    """The folded forms of a Polish word as Morfeusz generates them, and the word itself."""
    forms = {fold(word)}
    try:
        forms.update(fold(form) for form, *_ in generator.generate(word))
    except RuntimeError:
        pass  # a word Morfeusz cannot generate from (an abbreviation) stands as written
    return forms


def _folded(words: list[str]) -> frozenset[str]:
    return frozenset(fold(word) for word in words)


@cache
@derived("districts")
def district_lexicon() -> DistrictLexicon:
    """districts-forms.yaml compiled into a phrase index, read once."""
    raw = data_yaml("districts-forms.yaml")
    generator = polish_generator()
    street_words = _folded(raw["street_words"])
    title_words = _folded(raw["title_words"])
    endings = [fold(ending) for ending in raw["uk_adjective_endings"]]
    index = PhraseIndex()
    rules = {}
    for code, entry in raw["districts"].items():
        excluded = _folded(entry.get("not_forms", []))
        blockers = _folded(entry.get("blockers", [])).union(
            *(_inflections(lemma, generator) for lemma in entry.get("blocker_lemmas", []))
        )
        blockers_after = _folded(entry.get("blockers_after", []))
        mode = entry.get("mode", "plain")
        rules[code] = DistrictRule(code, mode, blockers, blockers_after)
        for name in entry.get("names", []):
            slots = [_inflections(word, generator) - excluded for word in WORD.findall(name)]
            index.add(slots, code)
        for form in entry.get("forms", []):
            index.add([fold(word) for word in WORD.findall(form)], code)
        # Spellings that are never the common word or the country: judged as plain.
        plain = f"{code}/plain"
        rules[plain] = DistrictRule(code, "plain", blockers, blockers_after)
        for form in entry.get("plain_forms", []):
            index.add([fold(word) for word in WORD.findall(form)], plain)
        # An adjective is never the common word ("wolski OPS"), but may name a street
        # ("ul. Wolska") or, for some, a person ("Jan Wolski").
        surname = entry.get("surname_adjectives", False)
        adjective = f"{code}/adjective"
        rules[adjective] = DistrictRule(
            code,
            "plain",
            blockers | street_words | (title_words if surname else frozenset()),
            blockers_after,
            adjective=True,
            surname=surname,
        )
        for lemma in entry.get("adjectives", []):
            index.add([_inflections(lemma, generator)], adjective)
        for stem in entry.get("uk_adjectives", []):
            index.add([{fold(stem) + ending for ending in endings}], adjective)
    return DistrictLexicon(
        index,
        rules,
        _folded(raw["triggers"]),
        _folded(raw["followers"]),
        _folded(raw["institution_words"]),
        raw["list_window"],
    )


def find_districts(
    text: str, spans: list[tuple[int, int, str]] | None = None, keys: list[str] | None = None
) -> list[DistrictMention]:
    """The districts a text names, in order; common words and countries are left out.

    "na Woli", "UD Wola", "Wilanów Pomaga", "we Włochach" and "Wlochy district" are
    districts; "dobrej woli", "z ochotą", "do Włoch", "we Włoszech", "ul. Wolska",
    "zakłady Ursus" and a bare "Praga" are not (codebook rule 7).
    spans and keys: the text's words and their folded forms, when already known.
    """
    lexicon = district_lexicon()
    if spans is None or keys is None:
        spans = list(words(text))
        keys = [fold(word) for _, _, word in spans]
    # (start, end, code) of the words naming a district: the mentions, made at the end.
    accepted: list[tuple[int, int, str]] = []
    pending: list[tuple[int, int, str]] = []
    for start, end, value in lexicon.index.find(keys, longest=True):
        rule = lexicon.rules[value]
        previous = keys[start - 1] if start else ""
        following = keys[end] if end < len(keys) else ""
        if following in lexicon.followers:  # "Wlochy district office"
            accepted.append((start, end, rule.code))
            continue
        if previous in rule.blockers or following in rule.blockers_after:
            continue
        verdict = _verdict(rule, text, spans, keys, start, end, lexicon)
        if verdict:
            accepted.append((start, end, rule.code))
        elif verdict is None:
            pending.append((start, end, rule.code))
    # An ambiguous name in a list of districts ("Bemowo, Wola i Ursus") is a district.
    for found in pending:
        if any(abs(found[0] - other[0]) <= lexicon.list_window for other in accepted):
            accepted.append(found)
    if len(accepted) > 1:
        accepted.sort(key=_START)  # stable: matches at one position keep their order
    return [
        DistrictMention(code, spans[start][0], spans[end - 1][1]) for start, end, code in accepted
    ]


_START = itemgetter(0)


def _verdict(
    rule: DistrictRule,
    text: str,
    spans: list[tuple[int, int, str]],
    keys: list[str],
    start: int,
    end: int,
    lexicon: DistrictLexicon,
) -> bool | None:
    """True: a district; False: not one; None: only if other districts stand next to it."""
    if rule.adjective:
        return _adjective_verdict(rule, text, spans, keys, start, end)
    if rule.mode == "plain":
        return True
    previous = keys[start - 1] if start else ""
    if previous in lexicon.triggers:
        return True
    word = spans[start][2]
    if rule.mode == "trigger":
        before = keys[max(0, start - 2) : start]
        if lexicon.institution_words.intersection(before):
            return True
        return True if is_capitalised(word) and _is_heading(text, spans, start, end) else None
    if not is_capitalised(word):
        return None
    if _is_shouted(spans, start, end):
        return True if _is_heading(text, spans, start, end) else None
    gap = text[spans[start - 1][1] : spans[start][0]] if start else ""
    at_sentence_start = not start or bool(_SENTENCE_BREAK.intersection(gap))
    if not at_sentence_start:
        return True
    following = spans[end][2] if end < len(spans) else ""
    between = text[spans[end - 1][1] : spans[end][0]] if end < len(spans) else ""
    continues_sentence = following[:1].islower() and not _SENTENCE_BREAK.intersection(between)
    return None if continues_sentence else True


def _adjective_verdict(
    rule: DistrictRule,
    text: str,
    spans: list[tuple[int, int, str]],
    keys: list[str],
    start: int,
    end: int,
) -> bool | None:
    """An adjective names the district unless it names a street ("Wolska 12") or, for
    a surname, a person ("Jan Wolski")."""
    if end < len(keys) and keys[end][:1].isdigit():
        return False
    if not rule.surname or not start or not is_capitalised(spans[start][2]):
        return True
    previous = spans[start - 1][2]
    gap = text[spans[start - 1][1] : spans[start][0]]
    after_first_name = (
        is_capitalised(previous)
        and not previous.isupper()
        and not _SENTENCE_BREAK.intersection(gap)
        and _may_be_first_name(previous)
    )
    return None if after_first_name else True


@lru_cache(maxsize=4096)
def _may_be_first_name(word: str) -> bool:
    """Whether a capitalised word may be a first name: Morfeusz knows it as one ("Jan",
    not "Szpital"); a word in another script ("Олена") may always be one."""
    if not word.isascii() and not fold(word).isascii():
        return True
    return any("imię" in analysis[2][3] for analysis in polish_analyser().analyse(word))


def _is_shouted(spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    """Whether the name is in capitals next to other words in capitals ("WOLA
    WSPÓŁPRACY"), where a capital letter does not mark a name."""
    word = spans[start][2]
    if len(word) < 2 or not word.isupper():
        return False
    before = spans[start - 1][2] if start else ""
    after = spans[end][2] if end < len(spans) else ""
    return (len(before) > 1 and before.isupper()) or (len(after) > 1 and after.isupper())


def _is_heading(text: str, spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    """Whether the name opens a line and is followed by a dash or a colon ("WLOCHY -
    grupa robocza", "Włochy: …") or, in capitals, ends the line ("WLOCHY")."""
    line_start = text.rfind("\n", 0, spans[start][0]) + 1
    if any(character.isalpha() for character in text[line_start : spans[start][0]]):
        return False
    after_name = spans[end - 1][1]
    next_word = spans[end][0] if end < len(spans) else len(text)
    between = text[after_name:next_word].strip(" \t")
    if between[:1] in _HEADING_SEPARATORS:
        return True
    ends_line = next_word == len(text) or between[:1] == "\n"
    return ends_line and spans[start][2].isupper() and len(spans[start][2]) > 1


class DistrictDetector(BatchComponent):
    """Sets `doc._.districts` (sorted codes) and `doc._.district_mentions`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.index = district_lexicon().index  # compiled now rather than on the first document

    def __call__(self, doc: Doc) -> Doc:
        found = text_words(doc)
        fields = doc_fields(doc)
        if self.index.could_match(found.keys):
            mentions = find_districts(found.text, found.spans, found.keys)
            fields["district_mentions"] = mentions
            fields["districts"] = sorted({mention.code for mention in mentions})
        else:
            fields["district_mentions"] = []
            fields["districts"] = []
        return doc


@Language.factory("district_detector")
def make_district_detector(nlp: Language, name: str) -> DistrictDetector:
    return DistrictDetector(nlp, name)
