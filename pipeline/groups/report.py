"""The proposal told to organisers: summary lines to print and the CSV working file.

The printed summary carries no personal data: groups, sizes, sector mixes and scores; with
`verbose`, one line per participant with organisation and sector only. The CSV is the
organisers' working file (who sits where) and holds names: keep it out of public folders.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pipeline.config import section
from pipeline.groups.proposal import GroupProposal

CSV_COLUMNS = ["group", "group_name", "choice", "name", "organization", "sector", "district"]


def satisfaction_met(proposal: GroupProposal) -> bool:
    """Whether the first-choice share reaches the target, or the most the limits allow."""
    target = min(section("groups")["target_satisfaction"], proposal.best_satisfaction)
    return proposal.satisfaction >= target - 1e-9


def describe_proposal(proposal: GroupProposal, verbose: bool = False) -> list[str]:
    """Lines to print: each group's size and sector mix, the "inne" subjects, the scores."""
    people = len(proposal.assignments)
    lines = [
        f"Propozycja grup / group proposal: {people} osób / participants, "
        f"{len(proposal.groups)} grup / groups, rozmiar / size "
        f"{proposal.min_size}–{proposal.max_size}",
    ]
    for group in proposal.groups:
        mix = ", ".join(f"{sector} {count}" for sector, count in group.sectors) or "—"
        lines.append(
            f"{group.code:<22} {group.size:>3} osób / people  "
            f"{len(group.sectors)} sektorów / sectors: {mix}"
        )
        lines.append(f"  {group.pl} / {group.en}")
        if verbose:
            members = [a for a in proposal.assignments if a.group == group.code]
            for assignment in sorted(
                members, key=lambda a: (a.registration.organization or "", a.registration.line)
            ):
                registration = assignment.registration
                choice = (
                    f"wybór / choice {assignment.choice}"
                    if assignment.choice
                    else "spoza wyborów / not chosen"
                )
                lines.append(
                    f"    {registration.organization or '(bez organizacji / none)'} "
                    f"({registration.sector or '?'}) – {choice}"
                )
    below = [s for s in proposal.subjects if len(s.lines) < proposal.min_size]
    if below:
        lines.append(
            'Tematy „inne” za małe na grupę / "other" subjects too small for a group: '
            + "; ".join(f"{s.subject} ({len(s.lines)})" for s in below)
        )
    if proposal.left_out:
        lines.append(
            "Pominięte grupy (za mało chętnych) / groups left out (too few chose them): "
            + ", ".join(proposal.left_out)
        )
    first = sum(1 for a in proposal.assignments if a.choice == 1)
    target = section("groups")["target_satisfaction"]
    lines.append(
        f"Satysfakcja / satisfaction: {proposal.satisfaction:.2f} ({first}/{people} "
        f"w 1. wyborze / in first choice; cel / target ≥ {target:.2f}, maksimum przy limitach "
        f"/ best possible under the limits {proposal.best_satisfaction:.2f}): "
        f"{'OK' if satisfaction_met(proposal) else 'NIE / NO'}"
    )
    mixed = proposal.groups_meeting_sector_target()
    lines.append(
        f"Grupy z ≥ {proposal.sector_target} sektorami / groups with ≥ "
        f"{proposal.sector_target} sectors: {mixed}/{len(proposal.groups)}: "
        f"{'OK' if mixed == len(proposal.groups) else 'NIE / NO'}"
    )
    return lines


def write_proposal_csv(proposal: GroupProposal, path: Path) -> int:
    """Write the organisers' working file (UTF-8 with BOM, for spreadsheets); returns rows."""
    names = {group.code: group.pl for group in proposal.groups}
    order = {group.code: index for index, group in enumerate(proposal.groups)}
    rows = sorted(
        proposal.assignments,
        key=lambda a: (order[a.group], a.registration.name, a.registration.line),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for assignment in rows:
            registration = assignment.registration
            writer.writerow(
                [
                    assignment.group,
                    names[assignment.group],
                    assignment.choice or "",
                    registration.name,
                    registration.organization or "",
                    registration.sector or "",
                    registration.district or "",
                ]
            )
    return len(rows)
