"""Regular expressions tried only on texts holding the strings every match must contain.

Lexicon patterns such as `\\bdo\\s+\\d{1,2}[./]\\d{1,2}` start with a word boundary, so
Python's engine tries them at every position of every text; most texts lack the literal
parts ("do", "." or "/") altogether, and finding that out is a few substring tests.
The literal parts are read from the pattern's parse by the standard library's own
parser (`re._parser`); what it cannot tell (character categories, negated sets, case
folding) simply adds no condition, so the pre-test never rejects a text that matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as regex_constants  # type: ignore[attr-defined]
from re import _parser as regex_parser  # type: ignore[attr-defined]

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


@dataclass(frozen=True)
class PrefilteredPattern:
    """Alternatives joined into one expression, searched only when one of them may match.

    A text is searched with each alternative whose strings it contains, on its own:
    one of them matches exactly when the joined expression does, and a text holding
    the strings of a few alternatives ("do") is not tried with all of them.
    """

    expression: re.Pattern[str]  # the alternatives joined
    alternatives: tuple[tuple[tuple[Requirement, ...], re.Pattern[str]], ...]

    @classmethod
    def join(cls, patterns: list[str], flags: int = 0) -> PrefilteredPattern:
        expression = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), flags)
        if flags & re.IGNORECASE:
            return cls(expression, (((), expression),))  # case folded: no literal is certain
        return cls(
            expression,
            tuple(
                (tuple(requirements(pattern)), re.compile(pattern, flags)) for pattern in patterns
            ),
        )

    def search(self, text: str) -> bool:
        """Whether one of the alternatives matches somewhere in the text."""
        # Plain loops, not generators or helper calls: this runs for every pattern of
        # every text, and most texts fail the first test of each alternative.
        for needs, alternative in self.alternatives:
            for need in needs:
                for part in need:
                    if part in text:
                        break
                else:
                    break  # this need is missing: the alternative cannot match
            else:
                if alternative.search(text) is not None:
                    return True
        return False
