"""report: the policy brief from a small public database written by publish."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from knowledge_base_builders import (
    annotated,
    make_knowledge_base,
    make_note,
    make_partnership,
    write_public_and_internal,
)

from pipeline.cli import cli
from pipeline.errors import RekomendacjeError
from pipeline.publish import write_databases
from pipeline.records import Actor, Cluster, KnowledgeBase
from pipeline.report import ReportSettings, load_brief, print_pdf, render_brief
from pipeline.report.query import polish_order, primary_theme, source_name
from pipeline.report.render import CHROMIUM, plural

WOLA_OFFICE = Actor("Urząd Dzielnicy Wola", "local_government", "urzad-dzielnicy-wola")
PCPM = Actor("PCPM", "ngo", "pcpm")
# Thresholds for a corpus of ten items: every word is "rare" here.
SMALL_CORPUS = ReportSettings(
    max_lemma_share=1.0,
    min_shared_lemmas=2,
    min_score=0.5,
    per_recommendation=3,
    key_min_groups=2,
    key_recommendations=10,
)


HOUSING = "Należy uruchomić punkt mieszkaniowy na Woli dla rodzin z hosteli."
ASSISTANTS = "Szkoły w Ursusie potrzebują asystentów <script>alert('x')</script> międzykulturowych."
ITEMS = {
    "g1-a": ("g1", HOUSING, annotated("recommendation", ["basic_needs"], ["wola"])),
    "g2-a": (
        "g2",
        "Potrzebny jest punkt mieszkaniowy na Woli.",
        annotated("recommendation", ["basic_needs"], ["wola"]),
    ),
    "u-a": (
        "u",
        "Punkt mieszkaniowy na Woli – pilnie.",
        annotated("recommendation", ["basic_needs"], ["wola"]),
    ),
    "g2-b": (
        "g2",
        ASSISTANTS,
        annotated(
            "recommendation",
            ["information_language", "education_awareness"],
            ["ursus"],
            scores={"themes": {"information_language": 0.5, "education_awareness": 0.9}},
        ),
    ),
    "g1-b": (
        "g1",
        "Brakuje mieszkań w Ursusie, pisz do Anny: anna.kowalska@gmail.com.",
        annotated("problem", ["basic_needs"], ["ursus"]),
    ),
    "g1-c": (
        "g1",
        "Urząd Dzielnicy Wola i PCPM uruchomią punkt mieszkaniowy na Woli.",
        annotated(
            "partnership", ["basic_needs", "networking_systemic"], ["wola"], [WOLA_OFFICE, PCPM]
        ),
    ),
    "g2-c": (
        "g2",
        "Parafia w Ursusie prowadzi spotkania seniorów z Polski i Ukrainy.",
        annotated("good_practice", ["civic_integration"], ["ursus"]),
    ),
    "u-b": (
        "u",
        "UD Ursus złoży wniosek o grant na kurs polskiego do 15 lipca.",
        annotated("task", ["information_language"], ["ursus"]),
    ),
    "u-c": ("u", "Lista obecności w załączniku.", annotated("other", ["other"])),
    # Names no district, but was said at Ursus's own meeting.
    "u-d": (
        "u",
        "Kurs polskiego dla dorosłych powinien odbywać się wieczorem.",
        annotated("recommendation", ["information_language"]),
    ),
}


def knowledge_base() -> KnowledgeBase:
    facilitator = "Katarzyna Wiśniewska"
    return make_knowledge_base(
        notes=[
            make_note(
                "g1",
                "Grupa 1: Potrzeby podstawowe",
                path="2022-05-27/grupa-1.md",
                facilitator=facilitator,
            ),
            make_note(
                "g2", None, path="2022-05-27/grupa-2-zdrowie-edukacja.md", facilitator=facilitator
            ),
            make_note(
                "u",
                "Spotkanie w Ursusie",
                path="2022-06-ursus/notatka.md",
                date="2022-06-21",
                district="ursus",
                facilitator=facilitator,
            ),
        ],
        entries=ITEMS,
        clusters=[Cluster("r-housing", ("g1-a", "g2-a", "u-a"), "g1-a")],
        partnerships=[make_partnership("g1-c", ITEMS["g1-c"][2], lead=True)],
    )


@pytest.fixture(scope="module")
def databases(tmp_path_factory) -> tuple[Path, Path]:
    return write_public_and_internal(knowledge_base(), tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def html(databases) -> str:
    return render_brief(load_brief(databases[0], date(2022, 7, 1), SMALL_CORPUS))


def section(html: str, element_id: str) -> str:
    """The HTML of the <section> or <li> with this id, up to the next one of its kind."""
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    end = html.find(f"<{name} id=", start)
    return html[tag : end if end > 0 else len(html)]


def test_themes_have_sections_with_their_recommendations(html):
    basic_needs = section(html, "obszar-basic_needs")
    assert "Ochrona / potrzeby podstawowe I" in basic_needs
    assert 'lang="en">Basic needs I (housing, food, material aid, social assistance)' in basic_needs
    assert HOUSING in basic_needs
    # Listed under the theme its canonical item scored highest, the other named beside it.
    education = section(html, "obszar-education_awareness")
    assert "Szkoły w Ursusie potrzebują asystentów" in education
    assert "Informacja / orientacja / język polski" in education
    information = section(html, "obszar-information_language")
    assert "Kurs polskiego dla dorosłych" in information
    assert "Szkoły w Ursusie" not in information
    assert 'id="obszar-health_protection"' not in html  # no recommendation there


def test_support_counts_and_sources_are_printed(html):
    housing = section(html, "r-housing")
    assert "<strong>3 wzmianki</strong>" in housing
    assert "<strong>3 grupy / spotkania</strong>" in housing
    assert "3 mentions, 3 groups" in housing
    assert (
        "Grupa 1: Potrzeby podstawowe; 2022-05-27 / grupa 2 zdrowie edukacja; Spotkanie w Ursusie"
        in housing
    )
    single = section(html, "r-g2-b")
    assert "<strong>1 wzmianka</strong>" in single and "1 mention, 1 group" in single


def test_in_brief_lists_recommendations_of_several_groups(html):
    in_brief = section(html, "w-skrocie")
    assert f'<a href="#r-housing">{HOUSING}</a>' in in_brief
    assert "1 partnerstwo odpowiada" in in_brief
    assert "Szkoły w Ursusie" not in in_brief  # raised by one group only


def test_answering_partnership_is_printed_under_the_recommendation(html):
    housing = section(html, "r-housing")
    assert "Urząd Dzielnicy Wola i PCPM uruchomią punkt mieszkaniowy na Woli." in housing
    assert (
        "uzgodnione" in housing and 'PCPM <span class="sector">(organizacja pozarządowa)' in housing
    )
    assert "Partnerstwa, które na nią odpowiadają" not in section(html, "r-g2-b")


def test_one_page_per_district_with_its_items(html):
    assert html.count('class="district"') == 2
    ursus = section(html, "dzielnica-ursus")
    assert "Ursus" in ursus
    for text in (
        "Szkoły w Ursusie potrzebują asystentów",
        "Brakuje mieszkań w Ursusie",
        "Parafia w Ursusie prowadzi spotkania seniorów",
        "UD Ursus złoży wniosek o grant",
    ):
        assert text in ursus
    for heading in ("Rekomendacje", "Problemy i wyzwania", "Dobre praktyki", "Następne kroki"):
        assert f"<h4>{heading} " in ursus
    assert "Kurs polskiego dla dorosłych" in ursus  # from the meeting held in Ursus
    assert HOUSING not in ursus  # raised in Ursus too, but that item names Wola
    wola = section(html, "dzielnica-wola")
    assert HOUSING in wola and "Partnerstwa i ustalenia" in wola
    assert "Kurs polskiego dla dorosłych" not in wola
    quiet = html.split('id="dzielnice-title"')[1].split("</p>")[0]
    assert "Bez wpisów" in quiet and "Mokotów" in quiet and "Ursus" not in quiet
    assert "Lista obecności" not in html  # kind "other" is not in the brief


def test_text_from_notes_is_escaped(html):
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_public_database_only_and_personal_data_stays_redacted(databases, html):
    assert "anna.kowalska@gmail.com" not in html
    assert "pisz do Anny: [e-mail]" in html
    assert "Katarzyna" not in html  # facilitators are not in the public database
    with pytest.raises(RekomendacjeError, match="not the public database"):
        load_brief(databases[1])


def test_brief_is_self_contained_and_printable(html):
    assert html.startswith("<!DOCTYPE html>") and '<html lang="pl">' in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "break-before: page" in html and "@page" in html
    assert "Stan na 2022-07-01" in html


def test_empty_database_gives_a_brief_that_says_so(tmp_path):
    path = tmp_path / "rekomendacje.db"
    write_databases(KnowledgeBase(notes=[], items=[], annotations={}, clusters=[]), path)
    brief = load_brief(path, settings=SMALL_CORPUS)
    assert (brief.themes, brief.districts, len(brief.quiet_districts)) == ([], [], 18)
    assert "Baza nie zawiera jeszcze rekomendacji." in render_brief(brief)


def test_cli_writes_the_brief_and_reports_bad_input(databases, tmp_path):
    out = tmp_path / "reports" / "brief.html"
    result = CliRunner().invoke(cli, ["report", "--db", str(databases[0]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "district pages" in result.output
        and out.read_text(encoding="utf-8").count('class="district"') == 2
    )
    missing = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2
    assert "database not found" in missing.output
    assert "Example:" in CliRunner().invoke(cli, ["report", "--help"]).output


def test_helpers():
    assert [plural(n, "grupa", "grupy", "grup") for n in (1, 2, 5, 12, 22, 25)] == [
        "grupa",
        "grupy",
        "grup",
        "grup",
        "grupy",
        "grup",
    ]
    assert sorted(["Żoliborz", "Śródmieście", "Targówek", "Bemowo", "Ursus"], key=polish_order) == [
        "Bemowo",
        "Śródmieście",
        "Targówek",
        "Ursus",
        "Żoliborz",
    ]
    assert primary_theme(["a", "b"], {"themes": {"a": 0.2, "b": 0.8}}) == "b"
    assert primary_theme(["a", "b"], {}) == "a"
    assert source_name(None, "2022-05-27/99-sesja-podsumowujaca.txt") == (
        "2022-05-27 / sesja podsumowujaca"
    )
    assert source_name("Grupa 3", "x.md") == "Grupa 3"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_pdf_is_printed(html, tmp_path):
    page = tmp_path / "brief.html"
    page.write_text(html, encoding="utf-8")
    print_pdf(page, tmp_path / "brief.pdf")
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF")


def test_pdf_without_chromium_says_how_to_install_it(tmp_path):
    page = tmp_path / "brief.html"
    page.write_text("<!DOCTYPE html><p>x</p>", encoding="utf-8")
    with pytest.raises(RekomendacjeError, match="apt-get install -y chromium"):
        print_pdf(page, tmp_path / "brief.pdf", chromium=tmp_path / "no-chromium")
