"""The Polish lemmatiser: Morfeusz 2's interpretations, one chosen per form and context."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

import morfeusz2
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.model_cache import derived
from pipeline.nlp.readings import Reading, reading, set_lemmas
from pipeline.nlp.text import WORD, BatchComponent, WordCache, fold, is_capitalised
from pipeline.vocabulary import data_path, data_yaml


@cache
def polish_settings() -> dict:
    """lexicon/polish-lemmatizer.yaml, read once."""
    return data_yaml("lexicon/polish-lemmatizer.yaml")


def _seed_words(sources: Iterable[str]) -> set[str]:
    """Words with Polish letters in the data files named in `restore_from`."""
    texts: list[str] = []
    for source in sources:
        if source == "training":
            folder = data_path("training")
            for path in sorted(folder.iterdir()) if folder.is_dir() else []:
                if path.name.endswith(".jsonl"):
                    lines = path.read_text("utf-8").splitlines()
                    texts.extend(json.loads(line)["text"] for line in lines if line.strip())
        elif data_path(source).is_file():
            texts.append(data_path(source).read_text("utf-8"))
    return {
        word
        for text in texts
        for word in WORD.findall(text)
        if fold(word) != word.lower() and "\u0400" > word[0]
    }


class PolishForm:
    """A Polish word form as written, with its readings in the four contexts
    (capitalised inside a sentence or not, after a verbal context word or not)."""

    __slots__ = ("text", "capitalised", "opens_verb", "readings")

    def __init__(self, text: str, capitalised: bool, opens_verb: bool) -> None:
        self.text = text
        self.capitalised = capitalised
        self.opens_verb = opens_verb  # "nie", "się", "należy": a verb is likely next
        self.readings: list[Reading | None] = [None] * 4  # by 2 * proper + verbal


class Interpretation(NamedTuple):
    """One of Morfeusz's interpretations of a form, as the lemmatiser ranks it."""

    lemma: str  # lower case, without the homonym mark
    proper: bool  # it has a proper-name qualifier
    verbal: bool  # its part of speech is one of `verbal_pos`
    pos_rank: int  # of its part of speech in `pos_priority`
    proper_rank: int  # of its most preferred proper-name qualifier; 0 when none


@cache
def polish_analyser() -> morfeusz2.Morfeusz:
    """The process's one Morfeusz analyser (each instance loads the whole dictionary)."""
    return morfeusz2.Morfeusz(generate=False)


@cache
def polish_generator() -> morfeusz2.Morfeusz:
    """The process's one Morfeusz generator (each instance loads the whole dictionary)."""
    return morfeusz2.Morfeusz(analyse=False, generate=True)


@cache
@derived("polish-restored")
def restored_forms() -> dict[str, str]:
    """{folded form: the form with its diacritics} of the generated forms of the words
    with Polish letters in the vocabulary files (`restore_from`): once per process,
    from the disk cache while the data is unchanged."""
    generator = polish_generator()
    lemmas = {
        interpretation[2][1]
        for word in _seed_words(polish_settings()["restore_from"])
        for interpretation in polish_analyser().analyse(word)
        if interpretation[2][2] != "ign"
    }
    # The map gives the form with its diacritics, which is then lemmatised like any
    # other; where two forms fold alike, the one of the shorter lemma wins.
    restored: dict[str, str] = {}
    for lemma in sorted(lemmas, key=lambda lemma: (len(_clean(lemma)), lemma)):
        for form, *_ in generator.generate(lemma):
            folded = fold(form)
            if folded != form.lower():
                restored.setdefault(folded, form.lower())
    return restored


class PolishLemmatizer(BatchComponent):
    """Chooses one of Morfeusz's interpretations per form and caches it.

    Preference: a proper name only for a capitalised word inside a sentence; a verb
    right after "nie"/"się"/"należy"; otherwise by part of speech (noun before adjective
    before verb). Forms Morfeusz does not know are looked up, ASCII-folded, in a map
    built from the generated forms of the project's vocabulary, which restores the
    diacritics of flipchart notes ("dziecmi" -> dziecko).
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        settings = polish_settings()
        # Morfeusz itself, below the Python wrapper's `analyse` (see `_interpretations`).
        self.morfeusz = polish_analyser()._morfeusz_obj
        self.pos_rank = {pos: rank for rank, pos in enumerate(settings["pos_priority"])}
        self.verbal_pos = frozenset(settings["verbal_pos"])
        self.verbal_context = frozenset(settings["verbal_context"])
        self.proper = {
            qualifier: rank for rank, qualifier in enumerate(settings["proper_qualifiers"])
        }
        self.acronym_length = settings["acronym_length"]
        self.restored: dict[str, str] = {}
        # Per token id (the form's hash, the same in every doc): the form as written,
        # whether it is capitalised and opens a verb, and its readings by context.
        self.cache: dict[int, PolishForm] = {}
        # Per form as written: Morfeusz's known interpretations (a form is looked up
        # in each context it comes in, and restored forms are shared by many).
        self.interpretations = WordCache(self._interpretations)

    def initialize(self, get_examples=None, nlp: Language | None = None) -> None:
        """Take the diacritics-restoring map built from the vocabulary files."""
        self.restored = restored_forms()
        self.cache.clear()

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        readings = []
        verbal = False
        for position, orth in enumerate(doc.to_array(ORTH).tolist()):
            form = self.cache.get(orth)
            if form is None:
                text = strings[orth]
                form = self.cache[orth] = PolishForm(
                    text, is_capitalised(text), text.lower() in self.verbal_context
                )
            proper = position > 0 and form.capitalised
            context = 2 * proper + verbal
            item = form.readings[context]
            if item is None:
                lemma = self.lemmatize(form.text, proper, verbal)
                item = form.readings[context] = reading(doc, form.text.lower(), lemma)
            readings.append(item)
            verbal = form.opens_verb
        return set_lemmas(doc, readings)

    def _interpretations(self, text: str) -> list[Interpretation]:
        """Morfeusz's interpretations of the form as a whole word, those it knows.

        Read from Morfeusz's own result (lemma, tag and names of each interpretation
        starting the form): `Morfeusz.analyse` converts every field of every
        interpretation into a tuple, twice the time (28 against 13 µs a form, timed alone).
        """
        morfeusz = self.morfeusz
        known = []
        for candidate in morfeusz.analyse(text):
            if candidate.startNode == 0:
                tag = candidate.getTag(morfeusz)
                if tag != "ign":
                    pos = tag.split(":")[0]
                    proper = [
                        self.proper[q] for q in candidate.getName(morfeusz) if q in self.proper
                    ]
                    known.append(
                        Interpretation(
                            _clean(candidate.lemma),
                            bool(proper),
                            pos in self.verbal_pos,
                            self.pos_rank.get(pos, len(self.pos_rank)),
                            min(proper, default=0),
                        )
                    )
        return known

    def lemmatize(self, text: str, proper: bool, verbal: bool) -> str:
        """The lower-case lemma of one form; the form itself when nothing is known."""
        if not WORD.fullmatch(text) or (text.isupper() and len(text) <= self.acronym_length):
            return text.lower()  # punctuation, numbers and acronyms ("PUP", "OPS") as written
        known = self.interpretations[text]
        if not known:
            restored = self.restored.get(fold(text))
            # A restored form Morfeusz does not know either ("scie": "ście") restores to
            # itself: its lemma is itself, not another restoration.
            if restored and restored != text.lower():
                return self.lemmatize(restored, proper, verbal)
            return text.lower()

        # A lemma many interpretations share is the likelier reading ("polskiego" is
        # far more often the adjective "polski" than the noun "polskie").
        support = Counter(candidate.lemma for candidate in known)

        def rank(candidate: Interpretation) -> tuple[bool, bool, int, int, int]:
            return (
                candidate.proper != proper,
                not (verbal and candidate.verbal),
                -support[candidate.lemma],
                candidate.pos_rank,
                candidate.proper_rank,
            )

        return min(known, key=rank).lemma


def _clean(lemma: str) -> str:
    """Morfeusz's lemma without its homonym mark ("Polska:Sf~i" -> "polska")."""
    return lemma.split(":")[0].lower() or lemma.lower()


@Language.factory("polish_lemmatizer")
def make_polish_lemmatizer(nlp: Language, name: str) -> PolishLemmatizer:
    return PolishLemmatizer(nlp, name)
