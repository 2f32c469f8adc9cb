"""Character-level helpers shared by the annotation components: folding and word spans."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc

# Polish letters fold to ASCII one character for one character, so offsets in the
# folded text are offsets in the original (Cyrillic is only lower-cased).
_POLISH_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")

# A word: letters and digits; an apostrophe inside Ukrainian words ("м'ясо") is kept.
WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")


def fold(text: str) -> str:
    """Lower-case and strip Polish diacritics, keeping the length of the text."""
    return text.translate(_POLISH_FOLD).lower()


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of every word of the text, in order."""
    for match in WORD.finditer(text):
        yield match.start(), match.end(), match.group()


def is_capitalised(word: str) -> bool:
    """True when the word starts with an upper-case letter."""
    return word[:1].isupper()


def text_of(doc: Doc) -> str:
    """The doc's text, computed once per doc (spaCy rebuilds `doc.text` from its tokens)."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


# Folded forms per word, shared by all docs: words repeat far more than texts do.
_FOLDED_WORDS: dict[str, str] = {}
_FOLDED_WORDS_LIMIT = 500_000


def fold_word(word: str) -> str:
    """`fold(word)`, cached per word."""
    folded = _FOLDED_WORDS.get(word)
    if folded is None:
        if len(_FOLDED_WORDS) >= _FOLDED_WORDS_LIMIT:
            _FOLDED_WORDS.clear()
        folded = _FOLDED_WORDS[word] = fold(word)
    return folded


def word_keys(doc: Doc) -> tuple[list[tuple[int, int, str]], list[str]]:
    """The doc's words (start, end, word) and their folded forms, computed once per doc."""
    cached = doc.user_data.get("word_keys")
    if cached is None:
        spans = list(words(text_of(doc)))
        cached = doc.user_data["word_keys"] = (spans, [fold_word(word) for _, _, word in spans])
    return cached


def register_doc_extensions(*names: str) -> None:
    """Declare `doc._.<name>` for each name (default None), once per process."""
    for name in names:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
