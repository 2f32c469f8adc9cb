"""The canonical item of a cluster: the wording the public `recommendations` table shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pipeline.records import AnnotatedItem

POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def choose_canonical(
    items: Sequence[AnnotatedItem], terms: Sequence[Sequence[str]], max_chars: int
) -> int:
    """Index of the clearest, most complete Polish item among a cluster's items.

    Criteria, in order (the first that differs decides):

    1. Polish: the knowledge base is read by Warsaw's offices and NGOs in Polish, and
       full-text search with Polish stemming finds it.
    2. Written with Polish letters: a line without any ą, ę, ł, ó … in a Polish item is
       flipchart shorthand ("kursy polskiego dla doroslych"), harder to read and to quote.
    3. Complete: it carries the most terms (concepts, lemmas, districts) that other
       members of the cluster share too, so it states the common idea most fully rather
       than one participant's detail.
    4. A sentence: it starts with a capital letter, as edited notes do.
    5. Length up to `max_chars`: more words say more; past it, shorter is clearer.
    6. The smallest id, so the choice never depends on input order.
    """
    support = Counter(term for item_terms in terms for term in set(item_terms))
    common = {term for term, count in support.items() if count > 1 or len(items) == 1}

    def key(index: int) -> tuple:
        item = items[index]
        text = item.text.strip()
        length = len(text)
        return (
            item.annotation.language != "pl",
            not POLISH_LETTERS.intersection(text),
            -len(common.intersection(terms[index])),
            not text[:1].isupper(),
            -(min(length, max_chars) - max(0, length - max_chars)),
            item.id,
        )

    return min(range(len(items)), key=key)
