"""The working-group proposal: every participant in one group, choices kept, sectors mixed.

1. "inne" requests that share a subject become an extra group when at least min_size
   people asked for it (as first or second choice).
2. Groups that too few people chose (fewer than min_size) are left out, smallest demand
   first, also while the groups cannot all reach min_size.
3. Placement is an assignment problem (scipy's linear_sum_assignment) over max_size seats
   per group: first choice costs 0, second choice more, a group not chosen most; the
   first min_size seats of each group carry a bonus so every group reaches min_size; a
   small cost per occupied seat balances sizes; a tiny cost per registration position lets
   earlier registrations keep their first choice when two placements are otherwise equal.
4. Sector repair: while a group has fewer sectors than the target (min_sectors, or the
   number of sectors among all registrations when smaller), the cheapest move or swap that
   brings it a new sector without taking another group below the target is applied.

Everything is deterministic: same registrations and settings, same proposal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from pipeline.config import section
from pipeline.errors import RekomendacjeError
from pipeline.groups.subjects import SubjectCluster, cluster_subjects
from pipeline.records import Registration
from pipeline.registrations import OTHER, working_groups


@dataclass(frozen=True)
class ProposedGroup:
    """One group of the proposal with its size and sector mix."""

    code: str  # a theme code, or "other_1", "other_2" … for groups proposed from "inne"
    pl: str
    en: str
    size: int
    sectors: tuple[tuple[str, int], ...]  # (sector code, members), most common first
    first_choice_demand: int  # registrations that chose it first
    subject: str | None = None  # for a group proposed from "inne": the shared subject


@dataclass(frozen=True)
class Assignment:
    """Where one participant goes and which of their choices that is."""

    registration: Registration
    group: str
    choice: int | None  # 1 = first choice, 2 = second; None = a group they did not choose


@dataclass(frozen=True)
class GroupProposal:
    """The proposal: groups, one assignment per participant, and how well choices were kept."""

    groups: tuple[ProposedGroup, ...]
    assignments: tuple[Assignment, ...]  # in the order of the registrations given
    satisfaction: float  # share of participants in their first choice
    best_satisfaction: float  # the share the group limits allow at most
    sector_target: int  # sectors every group should hold
    subjects: tuple[SubjectCluster, ...]  # every "inne" subject, whether it became a group
    left_out: tuple[str, ...]  # groups of the programme left out for too little demand
    min_size: int
    max_size: int

    def groups_meeting_sector_target(self) -> int:
        """How many groups hold at least sector_target sectors."""
        return sum(1 for group in self.groups if len(group.sectors) >= self.sector_target)


# cost(person index, group code): what placing that person in that group costs.
CostFunction = Callable[[int, str], float]


@dataclass(frozen=True)
class _Costs:
    second_choice: float
    no_choice: float
    balance: float
    registration_order: float


def propose_groups(
    registrations: Sequence[Registration],
    min_size: int,
    max_size: int,
    min_sectors: int | None = None,
) -> GroupProposal:
    """Propose working groups of min_size…max_size people for the registrations of one file.

    Registrations are told apart by their line in that file (as the "inne" subjects are).
    `min_sectors` defaults to groups.min_sectors of config.yaml.
    """
    settings = section("groups")
    if min_size < 1 or max_size < min_size:
        raise RekomendacjeError(
            f"group sizes must satisfy 1 ≤ min ≤ max (got min {min_size}, max {max_size})"
        )
    people = list(registrations)
    if len(people) < min_size:
        raise RekomendacjeError(
            f"{len(people)} registrations are fewer than one group of {min_size}; lower --min-size"
        )
    costs = _Costs(
        settings["second_choice_cost"],
        settings["no_choice_cost"],
        settings["balance_cost"],
        settings["registration_order_cost"],
    )
    subjects = cluster_subjects(people, settings["subject_overlap"], settings["subject_stem_chars"])
    names = {
        code: (group.pl, group.en, None)
        for code, group in working_groups().items()
        if code != OTHER
    }
    extra_by_line: dict[int, str] = {}
    for number, cluster in enumerate((c for c in subjects if len(c.lines) >= min_size), 1):
        code = f"{OTHER}_{number}"
        names[code] = (
            f"Inne: {cluster.subject}",
            f"Other (proposed): {cluster.subject}",
            cluster.subject,
        )
        extra_by_line.update((line, code) for line in cluster.lines)
    preferences = [_preferences(person, extra_by_line) for person in people]
    groups = _open_groups(list(names), preferences, min_size, max_size)
    # Earlier registrations first: position in the order of (timestamp, line).
    order = sorted(range(len(people)), key=lambda i: (people[i].timestamp, people[i].line))
    rank = {person: position for position, person in enumerate(order)}
    priority = [len(people) - rank[i] for i in range(len(people))]

    def cost(person: int, group: str) -> float:
        return _placement_cost(preferences[person], group, priority[person], costs)

    placement = _assign(len(people), groups, cost, min_size, max_size, costs.balance)
    sectors = [person.sector for person in people]
    target = min(
        min_sectors if min_sectors is not None else settings["min_sectors"],
        len({sector for sector in sectors if sector}),
    )
    _repair_sectors(placement, sectors, groups, cost, target, min_size, max_size)
    assignments = tuple(
        Assignment(
            person,
            placement[i],
            preferences[i].index(placement[i]) + 1 if placement[i] in preferences[i] else None,
        )
        for i, person in enumerate(people)
    )
    first_demand = Counter(p[0] for p in preferences if p)
    proposed = tuple(
        ProposedGroup(
            code,
            names[code][0],
            names[code][1],
            placement.count(code),
            _mix(placement, sectors, code),
            first_demand[code],
            names[code][2],
        )
        for code in groups
    )
    return GroupProposal(
        groups=proposed,
        assignments=assignments,
        satisfaction=sum(1 for a in assignments if a.choice == 1) / len(people),
        best_satisfaction=sum(min(first_demand[code], max_size) for code in groups) / len(people),
        sector_target=target,
        subjects=tuple(subjects),
        left_out=tuple(code for code in names if code not in groups),
        min_size=min_size,
        max_size=max_size,
    )


def _preferences(person: Registration, extra_by_line: dict[int, str]) -> tuple[str, ...]:
    """The person's choices as group codes, in order.

    An "inne" choice whose subject became no group stays as "" (no group has that code), so
    the position of each choice, and with it the choice number, is kept.
    """
    return tuple(
        extra_by_line.get(person.line, "") if code == OTHER else code for code in person.choices
    )


def _open_groups(
    candidates: list[str], preferences: list[tuple[str, ...]], min_size: int, max_size: int
) -> list[str]:
    """The groups to hold: those enough people chose, as many as can all reach min_size."""
    groups = list(candidates)
    while groups:
        demand = {code: sum(1 for p in preferences if code in p) for code in groups}
        if len(groups) * min_size <= len(preferences) and min(demand.values()) >= min_size:
            break
        # Least chosen first; among equals the later one in the programme.
        groups.remove(min(groups, key=lambda code: (demand[code], -groups.index(code))))
    if not groups:
        raise RekomendacjeError(
            f"no working group was chosen by {min_size} people; lower --min-size"
        )
    if len(groups) * max_size < len(preferences):
        raise RekomendacjeError(
            f"{len(preferences)} participants do not fit in {len(groups)} groups of at most "
            f"{max_size}; raise --max-size"
        )
    return groups


def _placement_cost(
    preferences: tuple[str, ...], group: str, priority: int, costs: _Costs
) -> float:
    if preferences and preferences[0] == group:
        return 0.0
    # Losing the first choice costs an earlier registration a little more.
    tie_break = costs.registration_order * priority if any(preferences) else 0.0
    if group in preferences:
        return costs.second_choice * preferences.index(group) + tie_break
    return costs.no_choice + tie_break


def _assign(
    people: int, groups: list[str], cost: CostFunction, min_size: int, max_size: int, balance: float
) -> list[str]:
    """Each person's group by the cheapest assignment of people to seats."""
    seats = [(code, seat) for code in groups for seat in range(max_size)]
    # The bonus outweighs any placement cost, so every group's first min_size seats fill.
    bonus = 2 * (
        max(cost(i, code) for i in range(people) for code in groups) + balance * max_size + 1
    )
    matrix = np.empty((people, len(seats)))
    for person in range(people):
        by_group = {code: cost(person, code) for code in groups}
        for column, (code, seat) in enumerate(seats):
            matrix[person, column] = (
                by_group[code] + balance * seat - (bonus if seat < min_size else 0.0)
            )
    rows, columns = linear_sum_assignment(matrix)
    placement = [""] * people
    for person, column in zip(rows, columns, strict=True):
        placement[person] = seats[column][0]
    return placement


def _mix(
    placement: list[str],
    sectors: list[str | None],
    group: str,
) -> tuple[tuple[str, int], ...]:
    counts = Counter(s for g, s in zip(placement, sectors, strict=True) if g == group and s)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _repair_sectors(
    placement: list[str],
    sectors: list[str | None],
    groups: list[str],
    cost: CostFunction,
    target: int,
    min_size: int,
    max_size: int,
) -> None:
    """Moves and swaps, cheapest first, until every group holds `target` sectors (in place)."""
    # Each applied change adds a sector to a group short of the target and takes no other
    # group below it, so the total shortfall falls; the bound only guards the loop.
    for _ in range(len(placement) * len(groups)):
        counts = {code: Counter() for code in groups}
        for group, sector in zip(placement, sectors, strict=True):
            if sector:
                counts[group][sector] += 1
        sizes = Counter(placement)
        short = sorted(
            (code for code in groups if len(counts[code]) < target),
            key=lambda code: (len(counts[code]), groups.index(code)),
        )
        change = next(
            (
                c
                for code in short
                if (
                    c := _best_change(
                        code, placement, sectors, counts, sizes, cost, target, min_size, max_size
                    )
                )
            ),
            None,
        )
        if change is None:
            return
        for person, group in change:
            placement[person] = group


def _sectors_after(counts: Counter, leaving: str | None, joining: str | None) -> int:
    after = Counter(counts)
    if leaving:
        after[leaving] -= 1
    if joining:
        after[joining] += 1
    return sum(1 for value in after.values() if value > 0)


def _best_change(
    group: str,
    placement: list[str],
    sectors: list[str | None],
    counts: dict[str, Counter],
    sizes: Counter,
    cost: CostFunction,
    target: int,
    min_size: int,
    max_size: int,
) -> tuple[tuple[int, str], ...] | None:
    """The cheapest move into `group`, or swap with it, that brings it a new sector."""
    members = [i for i, g in enumerate(placement) if g == group]
    best: tuple[float, int, int] | None = None
    change = None
    for newcomer, other in enumerate(placement):
        sector = sectors[newcomer]
        if other == group or not sector or sector in counts[group]:
            continue
        keep = min(target, len(counts[other]))
        if (
            sizes[other] > min_size
            and sizes[group] < max_size
            and _sectors_after(counts[other], sector, None) >= keep
        ):
            key = (cost(newcomer, group) - cost(newcomer, other), newcomer, -1)
            if best is None or key < best:
                best, change = key, ((newcomer, group),)
        for member in members:
            leaving = sectors[member]
            if (
                _sectors_after(counts[group], leaving, sector) <= len(counts[group])
                or _sectors_after(counts[other], sector, leaving) < keep
            ):
                continue
            key = (
                cost(newcomer, group)
                + cost(member, other)
                - cost(newcomer, other)
                - cost(member, group),
                newcomer,
                member,
            )
            if best is None or key < best:
                best, change = key, ((newcomer, group), (member, other))
    return change
