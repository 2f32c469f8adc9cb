"""The organisation registry: loading, alias resolution, district offices, the aliases file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from pipeline.build import build, internal_path_for
from pipeline.errors import RekomendacjeError
from pipeline.organizations import (
    apply_aliases,
    build_registry,
    find_organizations,
    load_aliases,
    registry,
    resolve_organization,
    with_registered,
)
from pipeline.records import Actor, Annotation, Item, Organization


def ids(text: str) -> list[str]:
    return [mention.organization_id for mention in find_organizations(text)]


def test_registry_has_reference_rows_and_one_office_per_district():
    organizations = registry().organizations
    assert organizations["polska-akcja-humanitarna-pah"].sector == "ngo"
    assert organizations["urzad-dzielnicy-wola"].districts == ("wola",)
    district_offices = [o for o in organizations.values() if o.name.startswith("Urząd Dzielnicy ")]
    assert len(district_offices) == 18


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UD Wola + UNHCR", ["urzad-dzielnicy-wola", "unhcr-polska"]),
        ("OPS-u na Bielanach", ["osrodek-pomocy-spolecznej-dzielnicy-bielany"]),
        ("w Urzędzie Dzielnicy Bielany", ["urzad-dzielnicy-bielany"]),
        ("targi (UD Mokotow + UP)", ["urzad-dzielnicy-mokotow", "urzad-pracy-m-st-warszawy"]),
        ("PAH i Polskiej Akcji Humanitarnej", ["polska-akcja-humanitarna-pah"]),
        (
            "nostryfikacja -> MEN + MNiSW",
            ["ministerstwo-edukacji-i-nauki", "ministerstwo-nauki-i-szkolnictwa-wyzszego"],
        ),
        ("Український дім проводить зустрічі", ["ukrainski-dom-fundacja-nasz-wybor"]),
        (
            "Our Choice Foundation and SWPS University",
            ["ukrainski-dom-fundacja-nasz-wybor", "uniwersytet-swps"],
        ),
    ],
)
def test_find_organizations(text, expected):
    assert ids(text) == expected


def test_common_words_and_lower_case_acronyms_are_not_organisations():
    assert ids("men nie ma, ocalenie życia") == []


def test_ops_without_district_is_the_city_wide_row():
    assert ids("OPS bez tłumaczy") == ["osrodki-pomocy-spolecznej-ops-m-st-warszawy"]


def test_resolve_organization():
    assert resolve_organization("Urzędu Pracy m.st. Warszawy").id == "urzad-pracy-m-st-warszawy"
    assert resolve_organization("Kowalski") is None


def test_aliases_file_adds_names(tmp_path: Path):
    path = tmp_path / "aliases.csv"
    path.write_text(
        "alias,organization,sector\nFDDS Warszawa,Fundacja Dajemy Dzieciom Siłę,ngo\n"
        "Klub Mam,Klub Mam z Ursusa,grassroots\n"
        "Asy Wawra,fundacja-wawer,ngo\n",
        encoding="utf-8",
    )
    rows = {row.id: row for row in load_aliases(path)}
    assert "Asy Wawra" in rows["fundacja-wawer"].aliases
    assert "FDDS Warszawa" in rows["fundacja-dajemy-dzieciom-sile"].aliases
    assert rows["klub-mam-z-ursusa"].sector == "grassroots"
    assert {"klub-mam-z-ursusa", "urzad-dzielnicy-wola"} <= {
        row.id for row in build_registry([], path)
    }


def test_aliases_file_with_unknown_sector_is_an_error(tmp_path: Path):
    path = tmp_path / "aliases.csv"
    path.write_text("alias,organization,sector\nX,Y,church\n", encoding="utf-8")
    with pytest.raises(RekomendacjeError, match="unknown sector"):
        load_aliases(path)


def test_generic_actor_types_are_registry_rows_with_stable_ids(tmp_path: Path):
    rows = {row.id: row for row in build_registry([], tmp_path / "aliases.csv")}
    ngo = rows["generic-ngo-organizacje-pozarzadowe"]
    assert (ngo.name, ngo.sector, ngo.generic, ngo.source) == (
        "organizacje pozarządowe",
        "ngo",
        True,
        "generic",
    )
    assert rows["generic-faith-koscioly-i-parafie"].sector == "faith"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Homo Faber (Lublin) - dobry model", ["stowarzyszenie-homo-faber"]),
        ("uczelnie (UW, PW) - program", ["uniwersytet-warszawski", "politechnika-warszawska"]),
        (
            "Na Bielanach OPS ma kontakt tylko z częścią",
            ["osrodek-pomocy-spolecznej-dzielnicy-bielany"],
        ),
        (
            "szkolenie dla pracowników OPS z Wawra i Wesołej",
            [
                "osrodek-pomocy-spolecznej-dzielnicy-wawer",
                "osrodek-pomocy-spolecznej-dzielnicy-wesola",
            ],
        ),
        ("UNHCR's 4W mapping", ["unhcr-polska"]),
        ("Зустріч проходила українською мовою", []),
    ],
)
def test_short_names_and_district_context(text, expected):
    assert ids(text) == expected


def test_with_registered_adds_only_organisations_the_registry_lacks():
    registered = [
        Organization(
            "fundacja-ocalenie-warszawa", "Fundacji Ocalenie", "ngo", source="registration"
        ),
        Organization("klub-mam-z-ursusa", "Klub Mam z Ursusa", "grassroots", source="registration"),
    ]
    rows = with_registered(list(registry().organizations.values()), registered)
    ids_found = {row.id for row in rows}
    assert "klub-mam-z-ursusa" in ids_found
    assert "fundacja-ocalenie-warszawa" not in ids_found


def test_alias_resolves_a_name_left_unresolved(tmp_path: Path):
    item = Item("n-1", "n", 0, "Parafia św. Zygmunta i PCK: dowóz paczek", 1)
    unresolved = Annotation(
        "pl",
        "partnership",
        ["basic_needs"],
        actors=[
            Actor("Parafia św. Zygmunta", "faith"),
            Actor("PCK", "ngo", "polski-czerwony-krzyz-pck"),
        ],
        sectors=["faith", "ngo"],
        partnership_type="faith+ngo",
    )
    path = tmp_path / "aliases.csv"
    assert apply_aliases([item], {"n-1": unresolved}, path)["n-1"] is unresolved
    path.write_text(
        "alias,organization,sector\n"
        "Parafia św. Zygmunta,Parafia św. Zygmunta na Bielanach,faith\n"
        "Caritas przy parafii,Caritas,faith\n",
        encoding="utf-8",
    )
    resolved = apply_aliases([item], {"n-1": unresolved}, path)["n-1"]
    assert [actor.organization_id for actor in resolved.actors] == [
        "parafia-sw-zygmunta-na-bielanach",
        "polski-czerwony-krzyz-pck",
    ]
    assert resolved.partnership_type == "faith+ngo"


def test_alias_inflected_in_an_item_becomes_an_actor(tmp_path: Path):
    item = Item("n-2", "n", 0, "Grupa spotyka się u Mam z Saskiej Kępy co tydzień", 1)
    path = tmp_path / "aliases.csv"
    path.write_text(
        "alias,organization,sector\nMamy z Saskiej Kępy,Mamy z Saskiej Kępy,grassroots\n",
        encoding="utf-8",
    )
    annotation = Annotation("pl", "good_practice", ["civic_integration"])
    resolved = apply_aliases([item], {"n-2": annotation}, path)["n-2"]
    assert [(a.name, a.organization_id) for a in resolved.actors] == [
        ("Mam z Saskiej Kępy", "mamy-z-saskiej-kepy")
    ]
    assert resolved.sectors == ["grassroots"]


def test_name_unresolved_in_one_build_is_resolved_after_an_alias(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "spotkanie.md").write_text(
        "# Dobre praktyki\n\n- Parafia św. Zygmunta prowadzi punkt wydawania żywności z PCK.\n",
        encoding="utf-8",
    )
    database = tmp_path / "rekomendacje.db"

    def unresolved_and_rows() -> tuple[list[str], set[str]]:
        # With the build cache: the second build re-uses the first one's annotations.
        build(notes, database, cache_path=tmp_path / "cache.sqlite")
        internal = sqlite_utils.Database(internal_path_for(database))
        public = sqlite_utils.Database(database)
        return (
            [row["name"] for row in internal["unresolved_organizations"].rows],
            {row["id"] for row in public["organizations"].rows},
        )

    unresolved, rows = unresolved_and_rows()
    assert unresolved == ["Parafia św. Zygmunta"]
    assert "generic-ngo-organizacje-pozarzadowe" in rows
    (notes / "aliases.csv").write_text(
        "alias,organization,sector\nParafia św. Zygmunta,Parafia św. Zygmunta,faith\n",
        encoding="utf-8",
    )
    unresolved, rows = unresolved_and_rows()
    assert unresolved == []
    assert "parafia-sw-zygmunta" in rows


_REGISTRY_ORDER = """
import hashlib
from pipeline.organizations import registry
index = registry.__wrapped__.__wrapped__().index  # compiled afresh, not from the disk cache
order = [(key, [value for _, value in index.by_first[key]]) for key in sorted(index.by_first)]
print(hashlib.sha256(repr(order).encode()).hexdigest())
"""


def test_registry_index_order_does_not_depend_on_string_hashing():
    """Which pattern a shared first word tries first decides some matches: it must be
    the same in every process, whatever PYTHONHASHSEED."""
    digests = {
        subprocess.run(
            [sys.executable, "-c", _REGISTRY_ORDER],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1
