"""Organisation names the registry does not know, found by their form: a head word
("Fundacja X", "Parafia św. Y", "SP nr 12") or a type word last ("X Foundation").

The patterns are lexicon/actor-context.yaml's `named_organizations`; a text is tried
only with the patterns whose first word it has, which most texts have none of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.nlp.lexicons import read_yaml
from pipeline.nlp.text import APOSTROPHE, WORD, WordCache
from pipeline.records import Actor

ACTOR_CONTEXT = "lexicon/actor-context.yaml"

CAPITAL = r"[A-ZĄĆĘŁŃÓŚŹŻА-ЯІЇЄҐ]"
# A quoted name starts with a capital ("grupa „Ursus Razem”", not "grupa „inne”").
QUOTED = rf"[„\"«“]{CAPITAL}[^„\"«»“”\n]{{0,60}}[”\"»“]"


@dataclass(frozen=True)
class NamePattern:
    """A regular expression finding one kind of organisation name, and its sector.

    The expression is compiled when first used: a build annotating a few texts needs few
    of the patterns, and compiling them all costs more than annotating the texts.
    """

    source: str
    sector: str
    head_end: int  # the match group ending where the name proper starts (0: none)
    anchor: re.Pattern[str]  # the head's (or suffix's) first word: no such word, no match

    @property
    def expression(self) -> re.Pattern[str]:
        return _compiled(self.source)


@cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _first_word(pattern: str) -> re.Pattern[str]:
    """The part of a head's expression up to its first space or escaped full stop outside
    brackets ("Ochotnicz\\w* Straż…" → "Ochotnicz\\w*", "sp\\. z o\\.o\\." → "sp"): what one
    word of the text must match for the head to start there."""
    depth, position = 0, 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            if depth == 0 and pattern[position + 1] == ".":
                break
            position += 1
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == " " and depth == 0:
            break
        position += 1
    return re.compile(pattern[:position])


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
        patterns.append(NamePattern(expression, head["sector"], 1, _first_word(head["pattern"])))
    for suffix in raw["suffixes"]:
        # "The" opens a sentence, not the name ("The Open Society Foundation").
        expression = rf"(?<!\w)(?!The\s)(?:{word}\s+){{1,4}}{suffix['pattern']}(?!\w)"
        patterns.append(
            NamePattern(expression, suffix["sector"], 0, _first_word(suffix["pattern"]))
        )
    return tuple(patterns)


@cache
def _any_anchor() -> re.Pattern[str]:
    """One expression matching what any name pattern's first word matches."""
    return re.compile("|".join(f"(?:{pattern.anchor.pattern})" for pattern in name_patterns()))


def _anchored_patterns(word: str) -> tuple[int, ...]:
    """Indices of the name patterns whose first word this word (or, split at an
    apostrophe, a part of it) is."""
    parts = APOSTROPHE.split(word)
    if not any(_any_anchor().fullmatch(part) for part in parts):
        return ()  # most words: one test instead of one per pattern
    return tuple(
        index
        for index, pattern in enumerate(name_patterns())
        if any(pattern.anchor.fullmatch(part) for part in parts)
    )


_ANCHORED_PATTERNS = WordCache(_anchored_patterns)


def find_unknown_names(
    text: str, known: list[tuple[int, int]], words: list[str] | None = None
) -> list[tuple[int, Actor]]:
    """(start, actor) of organisation names by their form ("Fundacja X", "Parafia św. Y",
    "SP nr 12", "X Foundation") that no registry mention (known spans) covers.

    A name running into a registry mention stops before it ("Parafia św. Zygmunta i PCK").
    Only the patterns whose first word the text has are tried (words: its `WORD`
    matches, when already known): most texts name no organisation this way.
    """
    found_words = WORD.findall(text) if words is None else words
    anchored_patterns = _ANCHORED_PATTERNS.__getitem__
    if not any(map(anchored_patterns, found_words)):
        return []  # most texts: no word a pattern starts with
    anchored: set[int] = set().union(*map(anchored_patterns, found_words))
    patterns = name_patterns()
    candidates: list[tuple[int, int, str]] = []
    for pattern in (patterns[index] for index in sorted(anchored)):
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
