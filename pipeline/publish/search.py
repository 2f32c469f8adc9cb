"""Lemma search: full-text queries that find a word in any of its inflected forms.

The databases store each item's lemmas beside its text (`items.lemmas`), and the FTS
index covers both columns; `fts_query` turns what a person typed into an FTS5 query
that matches each word as written or in its dictionary form, so "mieszkań" finds
"mieszkaniach" (through the lemma "mieszkanie"). Lemmas come from the annotator's own
lemmatiser, `pipeline.nlp.lemmas.lemmas_of`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.nlp.lemmas import lemmas_of
from pipeline.nlp.text import words

PHRASE = re.compile(r'"([^"]*)"?')
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def query_language(text: str) -> str:
    """'uk' for a query in Cyrillic, else 'pl' (the notes' two main languages)."""
    return "uk" if CYRILLIC.search(text) else "pl"


@lru_cache(maxsize=4096)
def word_forms(word: str) -> tuple[str, ...]:
    """The word lower-cased and its lemmas, without repeats, in that order."""
    forms = [word.lower()]
    for lemma in lemmas_of(word, query_language(word)):
        if lemma.lower() not in forms:
            forms.append(lemma.lower())
    return tuple(forms)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_query(query: str) -> str:
    """An FTS5 query: every word must match as written or as a lemma; quoted phrases stay exact.

    'mieszkań na Woli' → '("mieszkań" OR "mieszkanie") AND "na" AND ("woli" OR "wola")'
    """
    terms: list[str] = []
    position = 0
    for phrase in PHRASE.finditer(query):
        terms.extend(_word_terms(query[position : phrase.start()]))
        if phrase.group(1).strip():
            terms.append(_quoted(phrase.group(1).strip()))
        position = phrase.end()
    terms.extend(_word_terms(query[position:]))
    # An empty phrase matches nothing, where an empty query would be an FTS5 syntax error.
    return " AND ".join(terms) or '""'


def _word_terms(text: str) -> list[str]:
    terms = []
    for _start, _end, word in words(text):
        forms = word_forms(word)
        alternatives = " OR ".join(_quoted(form) for form in forms)
        terms.append(f"({alternatives})" if len(forms) > 1 else alternatives)
    return terms


def passage(text: str | None, query: str | None, width: int = 12) -> str | None:
    """The words of the text around the first word matching the query (as written or by
    lemma), matches marked «like this»; the text's beginning when nothing matches."""
    if not text:
        return text
    wanted = {form for _start, _end, word in words(query or "") for form in word_forms(word)}
    spans = list(words(text))
    hits = [index for index, (_s, _e, word) in enumerate(spans) if wanted & set(word_forms(word))]
    first = max(0, hits[0] - width // 2) if hits else 0
    shown = spans[first : first + width]
    if not shown:
        return text
    pieces = []
    cursor = shown[0][0]
    for start, end, word in shown:
        pieces.append(text[cursor:start])
        pieces.append(f"«{word}»" if wanted & set(word_forms(word)) else word)
        cursor = end
    prefix = "…" if first > 0 else ""
    suffix = "…" if first + width < len(spans) else text[cursor:]
    return prefix + "".join(pieces) + suffix


def search_lemmas(text: str, language: str | None) -> str:
    """The lemmas of a text, space-joined, for the `lemmas` column of the FTS index."""
    return " ".join(lemmas_of(text, language))
