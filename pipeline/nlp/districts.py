"""Warsaw's districts named in a text, in any inflected form, language or spelling."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import morfeusz2
import yaml
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.phrases import PhraseIndex
from pipeline.nlp.text import (
    WORD,
    doc_fields,
    fold,
    is_capitalised,
    register_doc_extensions,
    text_words,
    words,
)
from pipeline.vocabulary import data_path

# Punctuation after which a capital letter says nothing: a new sentence or list entry.
_SENTENCE_BREAK = set('.!?:;\n•*>-–—()[]"„”«»')

register_doc_extensions("districts", "district_mentions")


@dataclass(frozen=True)
class DistrictMention:
    """One district named in a text: its code and the characters that name it."""

    code: str
    start: int
    end: int


@dataclass(frozen=True)
class DistrictRule:
    code: str
    mode: str  # plain, capitalised, trigger
    blockers: frozenset[str]


@dataclass(frozen=True)
class DistrictLexicon:
    """Every known spelling of every district, with the rules that disambiguate them."""

    index: PhraseIndex
    rules: dict[str, DistrictRule]
    triggers: frozenset[str]
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


@cache
def district_lexicon() -> DistrictLexicon:
    """districts-forms.yaml compiled into a phrase index, read once."""
    raw = yaml.safe_load(data_path("districts-forms.yaml").read_text(encoding="utf-8"))
    generator = morfeusz2.Morfeusz(analyse=False, generate=True)
    index = PhraseIndex()
    rules = {}
    for code, entry in raw["districts"].items():
        for name in entry.get("names", []) + entry.get("adjectives", []):
            index.add([_inflections(word, generator) for word in WORD.findall(name)], code)
        for form in entry.get("forms", []):
            index.add([fold(word) for word in WORD.findall(form)], code)
        rules[code] = DistrictRule(
            code,
            entry.get("mode", "plain"),
            frozenset(fold(word) for word in entry.get("blockers", [])),
        )
    return DistrictLexicon(
        index,
        rules,
        frozenset(fold(word) for word in raw["triggers"]),
        frozenset(fold(word) for word in raw["institution_words"]),
        raw["list_window"],
    )


def find_districts(
    text: str, spans: list[tuple[int, int, str]] | None = None, keys: list[str] | None = None
) -> list[DistrictMention]:
    """The districts a text names, in order; common words and countries are left out.

    "na Woli", "UD Wola", "Wilanów Pomaga" and "we Włochach" are districts; "dobrej
    woli", "z ochotą", "do Włoch" and a bare "Praga" are not (codebook rule 7).
    spans and keys: the text's words and their folded forms, when already known.
    """
    lexicon = district_lexicon()
    if spans is None or keys is None:
        spans = list(words(text))
        keys = [fold(word) for _, _, word in spans]
    accepted: list[tuple[int, DistrictMention]] = []
    pending: list[tuple[int, DistrictMention]] = []
    for match in lexicon.index.find(keys, longest=True):
        rule = lexicon.rules[match.value]
        mention = DistrictMention(rule.code, spans[match.start][0], spans[match.end - 1][1])
        previous = keys[match.start - 1] if match.start else ""
        if previous in rule.blockers:
            continue
        verdict = _verdict(rule, text, spans, keys, match.start, match.end, lexicon)
        if verdict:
            accepted.append((match.start, mention))
        elif verdict is None:
            pending.append((match.start, mention))
    # An ambiguous name in a list of districts ("Bemowo, Wola i Ursus") is a district.
    for position, mention in pending:
        if any(abs(position - other) <= lexicon.list_window for other, _ in accepted):
            accepted.append((position, mention))
    return [mention for _, mention in sorted(accepted, key=lambda pair: pair[0])]


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
    if rule.mode == "plain":
        return True
    previous = keys[start - 1] if start else ""
    if previous in lexicon.triggers:
        return True
    if rule.mode == "trigger":
        before = keys[max(0, start - 2) : start]
        return True if lexicon.institution_words.intersection(before) else None
    word = spans[start][2]
    if not is_capitalised(word):
        return None
    gap = text[spans[start - 1][1] : spans[start][0]] if start else ""
    at_sentence_start = not start or bool(_SENTENCE_BREAK.intersection(gap))
    if not at_sentence_start:
        return True
    following = spans[end][2] if end < len(spans) else ""
    between = text[spans[end - 1][1] : spans[end][0]] if end < len(spans) else ""
    continues_sentence = following[:1].islower() and not _SENTENCE_BREAK.intersection(between)
    return None if continues_sentence else True


class DistrictDetector:
    """Sets `doc._.districts` (sorted codes) and `doc._.district_mentions`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        district_lexicon()  # compile the forms now rather than on the first document

    def __call__(self, doc: Doc) -> Doc:
        found = text_words(doc)
        mentions = (
            find_districts(found.text, found.spans, found.keys)
            if district_lexicon().index.could_match(found.keys)
            else []
        )
        fields = doc_fields(doc)
        fields["district_mentions"] = mentions
        fields["districts"] = sorted({mention.code for mention in mentions})
        return doc


@Language.factory("district_detector")
def make_district_detector(nlp: Language, name: str) -> DistrictDetector:
    return DistrictDetector(nlp, name)
