"""Subjects of "inne" requests grouped by common words, so a shared subject can become a group.

A subject becomes a set of keys: its words folded, stop words dropped, each word cut to a
stem, and words naming the same subject in other forms ("Romowie", "romskie", "romscy")
mapped to one key by the synonym prefixes of working-groups.yaml. Two requests share a
subject when their keys overlap enough; clusters are the connected components.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.records import Registration
from pipeline.registrations import form_vocabulary, normalise_answer


@dataclass(frozen=True)
class SubjectCluster:
    """Requests for an "inne" group that share a subject."""

    subject: str  # the request that shares most words with the others, as written
    lines: tuple[int, ...]  # CSV lines of the registrations, in file order
    keys: tuple[str, ...]  # the subject keys the requests have in common most often


@cache
def _synonym_prefixes() -> tuple[tuple[str, str, bool], ...]:
    """(prefix, key, whole word only), longest prefixes first."""
    entries = []
    for key, patterns in form_vocabulary()["subject_synonyms"].items():
        for pattern in patterns:
            entries.append((pattern.rstrip("*"), key, not pattern.endswith("*")))
    return tuple(sorted(entries, key=lambda entry: (-len(entry[0]), entry[0])))


def subject_keys(subject: str, stem_chars: int) -> frozenset[str]:
    """The keys of one subject: stems of its words, synonyms mapped to one key."""
    stop_words = set(form_vocabulary()["subject_stop_words"])
    keys = set()
    for word in normalise_answer(subject).split():
        if word in stop_words or len(word) < 3 and word.isalpha() and word != "tcn":
            continue
        for prefix, key, whole in _synonym_prefixes():
            if word == prefix or (not whole and word.startswith(prefix)):
                keys.add(key)
                break
        else:
            keys.add(word[:stem_chars])
    return frozenset(keys)


def _overlap(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def cluster_subjects(
    registrations: Sequence[Registration], min_overlap: float, stem_chars: int
) -> list[SubjectCluster]:
    """Every registration's "inne" subject in exactly one cluster, largest clusters first."""
    requests = [
        (r, subject_keys(r.other_request, stem_chars)) for r in registrations if r.other_request
    ]
    parent = list(range(len(requests)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i in range(len(requests)):
        for j in range(i + 1, len(requests)):
            if _overlap(requests[i][1], requests[j][1]) >= min_overlap:
                parent[max(root(i), root(j))] = min(root(i), root(j))
    members: dict[int, list[int]] = {}
    for index in range(len(requests)):
        members.setdefault(root(index), []).append(index)
    clusters = []
    for indexes in members.values():

        def shared(i: int, among: list[int] = indexes) -> float:
            return sum(_overlap(requests[i][1], requests[j][1]) for j in among if j != i)

        # The most typical wording names the cluster; ties go to the earliest request.
        central = max(indexes, key=lambda i: (shared(i), -requests[i][0].line))
        counts: dict[str, int] = {}
        for i in indexes:
            for key in requests[i][1]:
                counts[key] = counts.get(key, 0) + 1
        keys = tuple(sorted(counts, key=lambda key: (-counts[key], key))[:3])
        clusters.append(
            SubjectCluster(
                subject=requests[central][0].other_request or "",
                lines=tuple(sorted(requests[i][0].line for i in indexes)),
                keys=keys,
            )
        )
    return sorted(clusters, key=lambda cluster: (-len(cluster.lines), cluster.lines[0]))
