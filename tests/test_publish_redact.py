"""publish.redact: personal data out, organisations, officials and helplines in."""

import pytest

from pipeline.publish.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kontakt: Anna Kowalska, tel. 601 234 567, anna.kowalska@gmail.com",
            "Kontakt: [osoba], tel. [telefon], [e-mail]",
        ),
        (
            "Pani Natalia Piotrowska-Nowak i Tomasz Zieliński z Bielan",
            "Pani [osoba] i [osoba] z Bielan",
        ),
        (
            "Ołena Bondarenko prowadzi zajęcia, Marta też pomaga",
            "[osoba] prowadzi zajęcia, Marta też pomaga",
        ),
        ("tel. (22) 123 45 67 lub +48 601-234-567", "tel. [telefon] lub [telefon]"),
        (
            "Олена Шевченко, +380 67 123 45 67, паспорт FX123456",
            "[osoba], [telefon], паспорт [nr dokumentu]",
        ),
        ("телефон 067 123 45 67, пошта olena.sh@ukr.net", "телефон [telefon], пошта [e-mail]"),
        (
            "PESEL 44051401359, dowód osobisty ABC123456",
            "PESEL [PESEL], dowód osobisty [nr dokumentu]",
        ),
        ("nr paszportu EA1234567", "nr paszportu [nr dokumentu]"),
        ("Lista obecności: Kowalska Anna (OPS).", "Lista obecności: [osoba] (OPS)."),
        (
            "zgłoszenie: NATALIIA BOYKO, Grochów dla Ukrainy",
            "zgłoszenie: [osoba], Grochów dla Ukrainy",
        ),
        ("Шевченко Олена, волонтерка", "[osoba], волонтерка"),
        ("na Woli Anna Kowalska prowadzi zbiórkę", "na Woli [osoba] prowadzi zbiórkę"),
    ],
)
def test_personal_data_is_replaced(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fundacja Ocalenie i Polska Akcja Humanitarna prowadzą punkt na Woli",
        "burmistrz Woli Jan Nowak zaprosił organizacje",
        "Telefon zaufania 116 111 i infolinia 800 100 100 działają całą dobę",
        "Szkoła Podstawowa im. Jana Pawła II na Ursynowie",
        "Budżet 100 000 000 zł na lata 2022-2023, spotkanie 2022-05-27",
        "Kasia i Olena z Pragi-Południe organizują zbiórkę",
        "Na Woli Anna z OPS koordynuje dyżury",
        "Grupa 6 (Beata Sz.): UNHCR Polska, OPS Wola, SP nr 103",
        "Fundacja Ocalenie, KRS 0000212321, NIP: 525-22-89-450",
        "Caritas Polska i UNHCR wspierają Centrum Wielokulturowe",
    ],
)
def test_organisations_officials_helplines_and_first_names_stay(text):
    assert redact(text) == text


def test_empty_text_stays_empty():
    assert redact("") == ""
