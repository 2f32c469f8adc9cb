"""A synthetic folder of facilitator notes for build benchmarks: varied notes, not copies.

Each note is one working group's meeting in one district: front matter (event, date,
group, facilitator, participants, language, district), then a note in one of three
styles: headed Markdown ("Problemy", "Rekomendacje", "Dobre praktyki", "Partnerstwa /
ustalenia", "Następne kroki", or their Ukrainian and English counterparts), prose
paragraphs, or a terse flipchart transcript without diacritics. The item sentences come
from `benchmarks.synthetic.generate` (its vocabulary of ideas, wordings and languages);
partnerships and tasks name organisations of the registry. About `items_per_note`
items per note on average.

    python benchmarks/corpus.py OUT_DIR --notes 1000 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import DISTRICT_NAMES, generate  # noqa: E402
from pipeline.nlp.text import fold  # noqa: E402
from pipeline.vocabulary import data_path  # noqa: E402

HEADINGS: dict[str, dict[str, str]] = {
    "pl": {
        "problem": "Problemy",
        "good_practice": "Dobre praktyki",
        "recommendation": "Rekomendacje",
        "partnership": "Partnerstwa / ustalenia",
        "task": "Następne kroki",
    },
    "uk": {
        "problem": "Проблеми",
        "good_practice": "Добрі практики",
        "recommendation": "Рекомендації",
        "partnership": "Партнерства / домовленості",
        "task": "Наступні кроки",
    },
    "en": {
        "problem": "Problems",
        "good_practice": "Good practices",
        "recommendation": "Recommendations",
        "partnership": "Partnerships / agreements",
        "task": "Next steps",
    },
}
GROUPS = (
    "Potrzeby podstawowe",
    "Informacja i język polski",
    "Rynek pracy",
    "Integracja obywatelska",
    "Edukacja",
    "Sieciowanie systemowe",
    "Zdrowie",
    "Integracja sąsiedzka",
)
# Note languages and their weights, as in synthetic.generate's item mix.
NOTE_LANGUAGES = {"pl": 0.6, "uk": 0.2, "en": 0.2}
FIRST_NAMES = ("Anna", "Marta", "Olena", "Piotr", "Kateryna", "Tomasz", "Joanna", "Iryna")
PARTNERSHIP_PHRASES = (
    "{a} i {b} uruchomią wspólnie {what} {where}.",
    "{a} razem z {b} zorganizuje {what} {where} od września.",
    "Ustalono: {a} udostępni salę, a {b} poprowadzi {what}.",
    "{a} + {b} → {what} {where} (partnerstwo do potwierdzenia)",
)
TASK_PHRASES = (
    "{a} przygotuje listę kontaktów do {day} {month}.",
    "Następne spotkanie grupy {day} {month} w siedzibie {a}.",
    "{a} roześle notatkę wszystkim uczestnikom do {day} {month}.",
)
WHATS = (
    "punkt informacyjny",
    "kurs języka polskiego",
    "dyżury psychologa",
    "klub konwersacyjny",
    "targi pracy",
    "zbiórkę rzeczową",
    "porady prawne",
)
MONTHS = ("czerwca", "lipca", "sierpnia", "września", "października")
PROSE_LINKS = (
    "Uczestnicy zgodzili się, że",
    "W dyskusji padło, że",
    "Zwrócono uwagę, że",
    "Przedstawicielka OPS dodała, że",
    "Kilka osób podkreśliło, że",
)
NOISE = (
    "Przerwa na kawę.",
    "Lista obecności w załączniku.",
    "<!-- do uzupełnienia przez moderatora -->",
    "---",
    "(zdjęcie flipchartu)",
)


def organization_names() -> list[str]:
    """Names of the organisations in the registry, for partnerships and participants."""
    with data_path("organizations.csv").open(encoding="utf-8") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


def write_corpus(folder: Path, notes: int, seed: int = 0, items_per_note: int = 56) -> int:
    """Write `notes` note files under `folder` (in event subfolders); returns the file count."""
    rng = random.Random(seed)
    organizations = organization_names()
    pools: dict[str, list] = {code: [] for code in NOTE_LANGUAGES}
    for entry in generate(int(notes * items_per_note * 1.3), seed=seed):
        pools[entry.item.annotation.language].append(entry.item)
    cursors = dict.fromkeys(pools, 0)
    start = date(2022, 5, 27)
    for number in range(notes):
        count = max(8, int(rng.gauss(items_per_note, items_per_note / 4)))
        language = rng.choices(list(NOTE_LANGUAGES), weights=list(NOTE_LANGUAGES.values()))[0]
        chunk = []
        for _ in range(count):
            # Most of a note is in its language; a few items are quoted in another one.
            code = language if rng.random() < 0.93 else rng.choice(list(NOTE_LANGUAGES))
            pool = pools[code]
            chunk.append(pool[cursors[code] % len(pool)])
            cursors[code] += 1
        district = rng.choice(sorted(DISTRICT_NAMES))
        day = start + timedelta(days=rng.randrange(200))
        group = rng.choice(GROUPS)
        lines = _front_matter(number, day, group, district, language, organizations, rng)
        style = rng.choices(("headed", "prose", "flipchart"), weights=(6, 2, 2))[0]
        body = {"headed": _headed, "prose": _prose, "flipchart": _flipchart}[style]
        lines += body(chunk, language, organizations, rng)
        folder_name = f"{day.isoformat()}-{district.replace('_', '-')}"
        suffix = ".txt" if style == "flipchart" else ".md"
        name = f"grupa-{number:04d}-{fold(group).lower().replace(' ', '-')}{suffix}"
        path = folder / folder_name / name
        path.parent.mkdir(parents=True, exist_ok=True)
        newline = "\r\n" if rng.random() < 0.1 else "\n"  # some notes come from Windows
        path.write_text(newline.join(lines) + newline, encoding="utf-8")
    return notes


def _front_matter(number, day, group, district, language, organizations, rng) -> list[str]:
    participants = rng.sample(organizations, rng.randint(2, 7))
    return [
        "---",
        f'event: "Spotkanie robocze nr {number + 1} – {group}"',
        f"date: {day.isoformat()}",
        f'group: "{group}"',
        f'facilitator: "{rng.choice(FIRST_NAMES)} (CWK)"',
        "participants:",
        *[f'  - "{name}"' for name in participants],
        f"language: {language}",
        f"district: {district}",
        "---",
        "",
    ]


def _organization_lines(kind: str, organizations, rng, count: int) -> list[str]:
    phrases = PARTNERSHIP_PHRASES if kind == "partnership" else TASK_PHRASES
    lines = []
    for _ in range(count):
        first, second = rng.sample(organizations, 2)
        place = rng.choice(sorted(DISTRICT_NAMES.values()))[0]
        lines.append(
            rng.choice(phrases).format(
                a=first,
                b=second,
                what=rng.choice(WHATS),
                where=place,
                day=rng.randint(1, 28),
                month=rng.choice(MONTHS),
            )
        )
    return lines


def _headed(chunk, language, organizations, rng) -> list[str]:
    by_kind: dict[str, list[str]] = {}
    for item in chunk:
        by_kind.setdefault(item.annotation.kind, []).append(item.text)
    partnerships = rng.randint(1, 4)
    by_kind["partnership"] = _organization_lines("partnership", organizations, rng, partnerships)
    by_kind["task"] = _organization_lines("task", organizations, rng, rng.randint(0, 3))
    lines = [f"# {rng.choice(GROUPS)}", ""]
    marker = rng.choice(("-", "*", "•", "1."))
    for kind in ("problem", "good_practice", "recommendation", "partnership", "task"):
        if not by_kind.get(kind):
            continue
        heading_language = language if rng.random() < 0.8 else "pl"
        lines += [f"## {HEADINGS[heading_language][kind]}", ""]
        for text in by_kind[kind]:
            lines.append(f"{marker} {text}")
            if rng.random() < 0.05:
                lines.append(f"  {rng.choice(PROSE_LINKS).lower()} to pilne.")
        lines.append("")
        if rng.random() < 0.2:
            lines += [rng.choice(NOISE), ""]
    return lines


def _prose(chunk, language, organizations, rng) -> list[str]:
    texts = [item.text.rstrip(".") + "." for item in chunk]
    texts += _organization_lines("partnership", organizations, rng, rng.randint(1, 3))
    lines: list[str] = []
    while texts:
        size = rng.randint(2, 6)
        paragraph, texts = texts[:size], texts[size:]
        if language == "pl" and rng.random() < 0.5:
            paragraph[0] = f"{rng.choice(PROSE_LINKS)} {paragraph[0][:1].lower()}{paragraph[0][1:]}"
        lines += [" ".join(paragraph), ""]
    return lines


def _flipchart(chunk, language, organizations, rng) -> list[str]:
    lines = ["FLIPCHART", ""]
    for item in chunk:
        text = fold(item.text).rstrip(".") if item.annotation.language == "pl" else item.text
        lines.append(f"{rng.choice(('-', '->', '*'))} {text}")
    lines += ["", "USTALENIA"]
    lines += [f"- {line}" for line in _organization_lines("partnership", organizations, rng, 2)]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--items-per-note", type=int, default=56)
    arguments = parser.parse_args()
    count = write_corpus(
        arguments.out_dir, arguments.notes, arguments.seed, arguments.items_per_note
    )
    print(f"{count} notes written to {arguments.out_dir}")


if __name__ == "__main__":
    main()
