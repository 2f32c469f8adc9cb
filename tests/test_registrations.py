from pathlib import Path

import pytest

from pipeline.errors import RekomendacjeError
from pipeline.records import Registration
from pipeline.registrations import (
    map_district,
    map_sector,
    parse_choice,
    read_registrations,
    registration_organizations,
)

SAMPLE = Path(__file__).parent.parent / "notes" / "registrations" / "rejestracja-2022-05-27.csv"
HEADER = (
    '"Sygnatura czasowa","Imię i nazwisko","Adres e-mail","Organizacja / instytucja",'
    '"Sektor","Dzielnica","Preferowana grupa robocza (1. wybór)",'
    '"Preferowana grupa robocza (2. wybór)","Potrzeby i pomysły"\n'
)


@pytest.fixture(scope="module")
def sample():
    return read_registrations(SAMPLE)


def by_organization(rows, name):
    return [row for row in rows if row.organization == name]


def write_csv(tmp_path, *rows: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "form.csv"
    # The header stays UTF-8, so a row in another encoding is found on its own line.
    path.write_bytes(HEADER.encode() + "".join(row + "\n" for row in rows).encode(encoding))
    return path


def test_sample_has_120_participants_after_one_repeated_registration(sample):
    assert len(sample.rows) == 120
    assert sample.duplicates == 1
    assert len({row.email for row in sample.rows}) == 120


def test_repeated_registration_keeps_the_latest_answers(sample):
    wawer = by_organization(sample.rows, "Fundacja Wawer")
    assert len(wawer) == 1
    assert wawer[0].line == 118
    assert wawer[0].timestamp == "2022-05-25T22:07:45"
    assert wawer[0].choices == ("education_awareness", "information_language")
    assert wawer[0].email == "k.pawlowska@fundacjawawer.example.org"  # lower-cased
    assert any(w.line == 104 and "118" in w.message for w in sample.warnings)


def test_line_numbers_point_at_the_row_despite_blank_and_multi_line_records(sample):
    raw_lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    assert raw_lines[64] == ""  # the blank line of the export
    for row in sample.rows:
        date, time = row.timestamp.split("T")
        assert raw_lines[row.line - 1].startswith('"' + date.replace("-", "/"))
    multi_line = by_organization(sample.rows, "Fundacja Kobiety Wędrowne")
    assert multi_line[0].needs.count("\n") == 2


def test_google_timestamp_becomes_iso_local_time(sample):
    first = min(sample.rows, key=lambda row: row.line)
    assert first.line == 2
    assert first.timestamp == "2022-05-09T07:02:39"
    last = max(sample.rows, key=lambda row: row.line)
    assert last.timestamp == "2022-05-26T13:58:12"  # "1:58:12 PM CEST"


def test_sector_answers_map_to_codes(sample):
    sectors = {row.sector for row in sample.rows}
    assert sectors == {
        "local_government",
        "central_government",
        "ngo",
        "grassroots",
        "refugee_led",
        "international",
        "business",
        "faith",
        "academia",
        None,
    }
    # No answer in "Sektor": the organisation's name tells.
    assert by_organization(sample.rows, "Fundacja Rubikus")[0].sector == "ngo"
    # Answered in Ukrainian ("українська громада"): the organisation's name tells.
    mothers = by_organization(sample.rows, "Stowarzyszenie Ukraińskich Matek w Warszawie")
    assert mothers[0].sector == "refugee_led"


def test_unmapped_answers_are_kept_with_a_warning(sample):
    grochow = by_organization(sample.rows, "Grochów dla Ukrainy")[0]
    assert grochow.sector is None
    assert grochow.name == "NATALIIA BOYKO"  # surrounding spaces removed
    private = [row for row in sample.rows if row.line == 127][0]
    assert private.organization is None  # "osoba prywatna"
    assert private.sector == "grassroots"  # "wolontariuszka"
    assert private.district is None  # "Otwock"
    assert [w.line for w in sample.warnings] == [35, 104, 127]


def test_inne_requests_keep_their_subject(sample):
    dialog = by_organization(sample.rows, "Fundacja w Stronę Dialogu")[0]
    assert dialog.choices == ("other", "health_protection")
    assert dialog.other_request == "Romowie z Ukrainy – dyskryminacja w punktach recepcyjnych"
    assert sum(1 for row in sample.rows if row.other_request) == 18


@pytest.mark.parametrize(
    "answer,sector",
    [
        ("NGO", "ngo"),
        ("fundacja", "ngo"),
        ("trzeci sektor", "ngo"),
        ("samorząd", "local_government"),
        ("urząd dzielnicy", "local_government"),
        ("OPS", "local_government"),
        ("biznes", "business"),
        ("firma", "business"),
        ("organizacja międzynarodowa", "international"),
        ("międzynarodowa NGO", "international"),
        ("inicjatywa oddolna", "grassroots"),
        ("diaspora", "refugee_led"),
        ("kościół", "faith"),
        ("uczelnia", "academia"),
        ("administracja rządowa", "central_government"),
        ("osoba prywatna", None),
        ("", None),
    ],
)
def test_map_sector(answer, sector):
    assert map_sector(answer) == sector


@pytest.mark.parametrize(
    "answer,expected",
    [
        ("Praga-Południe", ("praga_poludnie", True)),
        ("Praga Płn.", ("praga_polnoc", True)),
        ("Bialoleka", ("bialoleka", True)),
        ("Mokotów / Ursynów", ("mokotow", True)),
        ("cała Warszawa", (None, True)),
        ("", (None, True)),
        ("Otwock", (None, False)),
    ],
)
def test_map_district(answer, expected):
    assert map_district(answer) == expected


def test_parse_choice_reads_form_options_and_inne():
    assert parse_choice("Ochrona/ potrzeby podstawowe II (wsparcie medyczne, …)") == (
        "health_protection",
        None,
    )
    assert parse_choice("Ochrona / potrzeby podstawowe I") == ("basic_needs", None)
    assert parse_choice("Inne: rodziny romskie") == ("other", "rodziny romskie")
    assert parse_choice("third-country nationals") == ("other", "third-country nationals")
    assert parse_choice("Inne") == ("other", None)
    assert parse_choice("  ") is None


def test_polish_locale_timestamp(tmp_path):
    path = write_csv(
        tmp_path,
        '"20.05.2022 21:41:03","Jan Nowak","jan@example.org",'
        '"Fundacja X","fundacja","Wola","Sieciowanie i działania systemowe",'
        '"",""',
    )
    row = read_registrations(path).rows[0]
    assert row.timestamp == "2022-05-20T21:41:03"
    assert row.choices == ("networking_systemic",)


@pytest.mark.parametrize(
    "rows,encoding,line,message",
    [
        (
            ['"bad time","A B","a@example.org","X","NGO","","Inne: x",""," "'],
            "utf-8",
            2,
            "timestamp",
        ),
        (
            ['"20.05.2022 21:41:03","A B","a@example.org","X","NGO","","Inne","","","extra"'],
            "utf-8",
            2,
            "fields",
        ),
        (
            ['"20.05.2022 21:41:03","Łucja","a@example.org","X","NGO","","Inne","",""'],
            "cp1250",
            2,
            "UTF-8",
        ),
    ],
)
def test_broken_file_raises_with_line(tmp_path, rows, encoding, line, message):
    path = write_csv(tmp_path, *rows, encoding=encoding)
    with pytest.raises(RekomendacjeError) as raised:
        read_registrations(path)
    assert raised.value.line == line
    assert message in raised.value.message


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text(
        '"Sygnatura czasowa","Imię i nazwisko"\n"20.05.2022 21:41:03","A B"\n', encoding="utf-8"
    )
    with pytest.raises(RekomendacjeError, match="Adres e-mail") as raised:
        read_registrations(path)
    assert raised.value.line == 1


def test_organizations_carry_no_personal_data(sample):
    organizations = registration_organizations(sample.rows)
    assert len(organizations) == 95
    people = [word for row in sample.rows for word in (row.name, row.email)]
    for organization in organizations:
        assert organization.source == "registration"
        values = [
            organization.id,
            organization.name,
            *organization.aliases,
            organization.short_name or "",
        ]
        assert not any("@" in value for value in values)
        assert not any(person.lower() in value.lower() for person in people for value in values)
    wawer = [o for o in organizations if o.id == "fundacja-wawer"][0]
    assert (wawer.name, wawer.sector, wawer.districts) == ("Fundacja Wawer", "ngo", ("wawer",))


def test_organization_naming_the_person_is_left_out():
    def registration(organization: str, name: str = "Anna Nowak") -> Registration:
        return Registration(
            "2022-05-20T10:00:00",
            name,
            "anna@example.org",
            organization,
            "grassroots",
            "wola",
            ("basic_needs",),
            None,
            "",
            2,
        )

    rows = [
        registration("Anna Nowak – wolontariuszka"),
        registration("tel. 600 100 200"),
        registration("anna@example.org"),
        registration("Wola Pomaga"),
    ]
    assert [o.id for o in registration_organizations(rows)] == ["wola-pomaga"]
