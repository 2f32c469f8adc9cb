"""The organisation registry: loading, alias resolution, district offices, the aliases file."""

from pathlib import Path

import pytest

from pipeline.errors import RekomendacjeError
from pipeline.organizations import (
    build_registry,
    find_organizations,
    load_aliases,
    registry,
    resolve_organization,
)


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
        "Klub Mam,Klub Mam z Ursusa,grassroots\n",
        encoding="utf-8",
    )
    rows = {row.id: row for row in load_aliases(path)}
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
