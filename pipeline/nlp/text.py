"""Character-level helpers shared by the annotation components: folding and word spans."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spacy.tokens import Doc
from spacy.util import minibatch

# Polish letters fold to ASCII one character for one character, so offsets in the
# folded text are offsets in the original (Cyrillic is only lower-cased).
_POLISH_PLAIN = tuple(zip("ąćęłńóśźż", "acelnoszz", strict=True))

# A word: letters and digits; an apostrophe inside Ukrainian words ("м'ясо") is kept.
APOSTROPHE = re.compile("['’ʼ]")
WORD = re.compile(rf"[^\W_]+(?:{APOSTROPHE.pattern}[^\W_]+)*")


def fold(text: str) -> str:
    """Lower-case and strip Polish diacritics, keeping the length of the text."""
    # Nine `str.replace` calls after `lower` take a sixth of the time of one
    # `str.translate`, which looks every character of a non-ASCII text up in a dict.
    folded = text.lower()
    if folded.isascii():
        return folded
    for letter, plain in _POLISH_PLAIN:
        folded = folded.replace(letter, plain)
    return folded


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every word of the text, in order."""
    return [(*match.span(), match.group()) for match in WORD.finditer(text)]


def is_capitalised(word: str) -> bool:
    """True when the word starts with an upper-case letter."""
    return word[:1].isupper()


def text_of(doc: Doc) -> str:
    """The doc's text, computed once per doc (spaCy rebuilds `doc.text` from its tokens)."""
    # These look-ups run several times per doc: a failed `try` costs nothing until it fails.
    try:
        return doc.user_data["text"]
    except KeyError:
        text = doc.user_data["text"] = doc.text
        return text


class WordCache(dict):
    """Values computed once per word form and shared by all docs (words repeat far more
    than texts do); emptied when it reaches `limit` entries, so a long run stays bounded."""

    def __init__(self, compute: Callable[[str], Any], limit: int = 500_000) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, word: str) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.compute(word)
        return value


_FOLDED_WORDS = WordCache(fold)


class TextWords:
    """The words of a text (`WORD` matches) and their folded forms; their offsets, which
    cost more to find, only when asked for (a lexicon has a phrase starting there)."""

    __slots__ = ("text", "words", "keys", "_spans")

    def __init__(self, text: str, words: list[str] | None = None) -> None:
        """words: the text's `WORD` matches, when already found."""
        self.text = text
        self.words: list[str] = WORD.findall(text) if words is None else words
        self.keys: list[str] = list(map(_FOLDED_WORDS.__getitem__, self.words))
        self._spans: list[tuple[int, int, str]] | None = None

    @property
    def spans(self) -> list[tuple[int, int, str]]:
        """(start, end, word) of every word, in order: `words(text)`, found from the
        words already known, a third of the time the regular expression takes again."""
        if self._spans is None:
            # Between two matches of WORD there is no letter or digit, and each match
            # starts with one: a word's first occurrence after the previous one is its match.
            spans = []
            position = 0
            find = self.text.find
            for word in self.words:
                start = find(word, position)
                position = start + len(word)
                spans.append((start, position, word))
            self._spans = spans
        return self._spans


def text_words(doc: Doc) -> TextWords:
    """The doc's words, found once per doc (or given by `prepare_doc`)."""
    try:
        return doc.user_data["words"]
    except KeyError:
        found = doc.user_data["words"] = TextWords(text_of(doc))
        return found


def doc_fields(doc: Doc) -> dict[str, Any]:
    """The values of the doc's extensions declared by `register_doc_extensions`, by name.

    The components read and write them here, a dictionary look-up, rather than through
    `doc._`, which makes an object and a key on every access and in the annotate loop
    cost as much as the work itself; `doc._.<name>` reads and writes the same values.
    """
    try:
        return doc.user_data["fields"]
    except KeyError:
        fields = doc.user_data["fields"] = {}
        return fields


def prepare_doc(doc: Doc, text: str, words: list[str], fields: dict[str, Any]) -> Doc:
    """The doc with what is already known of it stored in one go: its text, the `WORD`
    matches of the text (`text_words`) and the first of its fields (`doc_fields`)."""
    user_data = doc.user_data
    user_data["text"] = text
    user_data["words"] = TextWords(text, words)
    user_data["fields"] = fields
    return doc


def _field_getter(name: str) -> Callable[[Doc], Any]:
    return lambda doc: doc_fields(doc).get(name)


def _field_setter(name: str) -> Callable[[Doc, Any], None]:
    return lambda doc, value: doc_fields(doc).__setitem__(name, value)


def register_doc_extensions(*names: str) -> None:
    """Declare `doc._.<name>` for each name (None until set, kept in `doc_fields`), once
    per process."""
    for name in names:
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=_field_getter(name), setter=_field_setter(name))


class BatchComponent:
    """A spaCy component processing `nlp.pipe`'s docs a batch at a time: each component
    runs over a whole batch before the next one starts, so its code and word caches stay
    in the processor's caches (a tenth of the annotate time, against doc by doc)."""

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            yield from list(map(self, batch))
