"""Regular expressions tried only on texts holding the strings every match must contain.

Lexicon patterns such as `\\bdo\\s+\\d{1,2}[./]\\d{1,2}` start with a word boundary, so
Python's engine tries them at every position of every text; most texts lack the literal
parts ("do", "." or "/") altogether, and finding that out is a few substring tests.
The literal parts are read from the pattern's parse by the standard library's own
parser (`re._parser`); what it cannot tell (character categories, negated sets, case
folding) simply adds no condition, so the pre-test never rejects a text that matches.
A text that passes is searched from the first place a match can begin (the pattern's
leading literal, or the set of its first character), also read from the parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as regex_constants  # type: ignore[attr-defined]
from re import _parser as regex_parser  # type: ignore[attr-defined]
from typing import NamedTuple

Requirement = frozenset[str]  # a match contains at least one of these strings


def _requirements(items) -> list[Requirement]:
    """What every match of a parsed sequence contains: all of the returned sets, each
    through one of its strings."""
    needs: list[Requirement] = []
    run: list[str] = []
    for op, argument in [*items, (None, None)]:
        if op is regex_constants.LITERAL:
            run.append(chr(argument))
            continue
        if run:
            needs.append(frozenset(["".join(run)]))
            run = []
        if op is regex_constants.SUBPATTERN:
            _group, add_flags, _del_flags, inner = argument
            if not add_flags & re.IGNORECASE:
                needs += _requirements(inner)
        elif op in (regex_constants.MAX_REPEAT, regex_constants.MIN_REPEAT):
            low, _high, inner = argument
            if low >= 1:
                needs += _requirements(inner)
        elif op is regex_constants.IN:
            if all(kind is regex_constants.LITERAL for kind, _ in argument):
                needs.append(frozenset(chr(char) for _, char in argument))
        elif op is regex_constants.BRANCH:
            alternatives = [_requirements(alternative) for alternative in argument[1]]
            if all(alternatives):
                # One condition of each alternative: a match passes through one of them.
                needs.append(frozenset().union(*(max(a, key=_selectivity) for a in alternatives)))
    return needs


def _selectivity(requirement: Requirement) -> int:
    return min(len(text) for text in requirement)


def requirements(pattern: str) -> list[Requirement]:
    """The string sets every match of the pattern contains one of (empty: none known)."""
    parsed = regex_parser.parse(pattern)
    return [] if parsed.state.flags & re.IGNORECASE else _requirements(parsed.data)


_CATEGORIES = {
    regex_constants.CATEGORY_DIGIT: r"\d",
    regex_constants.CATEGORY_NOT_DIGIT: r"\D",
    regex_constants.CATEGORY_SPACE: r"\s",
    regex_constants.CATEGORY_NOT_SPACE: r"\S",
    regex_constants.CATEGORY_WORD: r"\w",
    regex_constants.CATEGORY_NOT_WORD: r"\W",
}


def _character_class(items) -> str | None:
    """A parsed character set written back as a pattern ("[\\d]"), or None."""
    parts = []
    for op, argument in items:
        if op is regex_constants.LITERAL:
            parts.append(re.escape(chr(argument)))
        elif op is regex_constants.RANGE:
            parts.append(f"{re.escape(chr(argument[0]))}-{re.escape(chr(argument[1]))}")
        elif op is regex_constants.CATEGORY and argument in _CATEGORIES:
            parts.append(_CATEGORIES[argument])
        elif op is regex_constants.NEGATE and not parts:
            parts.append("^")
        else:
            return None
    return f"[{''.join(parts)}]"


def _start(items) -> str | None:
    """A pattern every match of a parsed sequence begins with a match of (its leading
    literal characters, or its first character's set), or None when that cannot be told."""
    run = ""
    for op, argument in items:
        if op is regex_constants.LITERAL:
            run += chr(argument)
            continue
        if run:
            break
        if op is regex_constants.AT:
            continue  # takes no character: "\\b", "^"
        if op is regex_constants.IN:
            return _character_class(argument)
        if op in (regex_constants.MAX_REPEAT, regex_constants.MIN_REPEAT):
            low, _high, inner = argument
            return _start(inner) if low >= 1 else None
        if op is regex_constants.SUBPATTERN:
            _group, add_flags, _del_flags, inner = argument
            return None if add_flags & re.IGNORECASE else _start(inner)
        if op is regex_constants.BRANCH:
            starts = [_start(alternative) for alternative in argument[1]]
            return "|".join(starts) if all(starts) else None
        return None
    return re.escape(run) if run else None


def start(pattern: str) -> str | None:
    """A pattern every match of the pattern begins with a match of (None: not known)."""
    parsed = regex_parser.parse(pattern)
    return None if parsed.state.flags & re.IGNORECASE else _start(parsed.data)


class Alternative(NamedTuple):
    """One alternative of a PrefilteredPattern, with what its texts are tested for."""

    needs: tuple[Requirement, ...]  # besides the string it is listed under
    start: re.Pattern[str] | None  # what a match begins with
    pattern: re.Pattern[str]


Probe = tuple[str, tuple[Alternative, ...]]  # a string, the alternatives to try when found


def _probes(patterns: list[str], flags: int) -> tuple[Probe, ...]:
    """Each string of each alternative's first requirement, with the alternatives
    requiring it first; an alternative without requirements under "" (in every text)."""
    grouped: dict[Requirement, list[Alternative]] = {}
    for pattern in patterns:
        first, *needs = requirements(pattern) or [frozenset([""])]
        begins = start(pattern)
        grouped.setdefault(first, []).append(
            Alternative(
                tuple(needs),
                None if begins is None else re.compile(begins, flags),
                re.compile(pattern, flags),
            )
        )
    return tuple(
        (part, tuple(alternatives))
        for first, alternatives in grouped.items()
        for part in sorted(first)
    )


@dataclass(frozen=True)
class PrefilteredPattern:
    """Alternatives joined into one expression, searched only when one of them may match.

    A text is searched with each alternative whose strings it contains, on its own:
    one of them matches exactly when the joined expression does, and a text holding
    the strings of a few alternatives ("do") is not tried with all of them. The
    alternatives needing the same strings first are listed under each of them, so a
    text is tested for each string once; an alternative is searched from the first
    place a match can begin ("\\bdo\\s+…": the first "do"; "\\b\\d{3}…": the first
    digit), if there is one.
    """

    expression: re.Pattern[str]  # the alternatives joined
    probes: tuple[Probe, ...]

    @classmethod
    def join(cls, patterns: list[str], flags: int = 0) -> PrefilteredPattern:
        expression = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), flags)
        if flags & re.IGNORECASE:
            # Case folded: no literal is certain.
            return cls(expression, (("", (Alternative((), None, expression),)),))
        return cls(expression, _probes(patterns, flags))

    def search(self, text: str) -> bool:
        """Whether one of the alternatives matches somewhere in the text."""
        # Plain loops, not generators or helper calls: this runs for every pattern of
        # every text, and most texts hold none of the strings probed. (Alternatives
        # listed under two strings found are tried twice, in vain: rare and harmless.)
        for part, alternatives in self.probes:
            if part not in text:
                continue
            for needs, begins, alternative in alternatives:
                for need in needs:
                    for other in need:
                        if other in text:
                            break
                    else:
                        break  # this need is missing: the alternative cannot match
                else:
                    if begins is None:
                        if alternative.search(text) is not None:
                            return True
                    else:
                        # A match begins at or after the first place its start is
                        # found; searching from there finds the same matches.
                        first = begins.search(text)
                        if (
                            first is not None
                            and alternative.search(text, first.start()) is not None
                        ):
                            return True
        return False
