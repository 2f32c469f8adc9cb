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
from pipeline.nlp.text import WORD, words

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
    # Called for every row a search shows: one pass over the words, forms cached.
    wanted = _query_forms(query or "")
    spans = list(WORD.finditer(text))
    marked = [not wanted.isdisjoint(word_forms(span.group())) for span in spans]
    first = max(0, marked.index(True) - width // 2) if True in marked else 0
    shown = range(first, min(first + width, len(spans)))
    if not shown:
        return text
    pieces = []
    cursor = spans[first].start()
    for index in shown:
        span = spans[index]
        pieces.append(text[cursor : span.start()])
        pieces.append(f"«{span.group()}»" if marked[index] else span.group())
        cursor = span.end()
    prefix = "…" if first > 0 else ""
    suffix = "…" if first + width < len(spans) else text[cursor:]
    return prefix + "".join(pieces) + suffix


@lru_cache(maxsize=4096)
def _query_forms(query: str) -> frozenset[str]:
    return frozenset(form for _start, _end, word in words(query) for form in word_forms(word))


def search_lemmas(text: str, language: str | None) -> str:
    """The lemmas of a text, space-joined, for the `lemmas` column of the FTS index."""
    return " ".join(lemmas_of(text, language))
