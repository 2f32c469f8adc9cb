from pipeline.partnerships import detect_role, detect_status, find_partnerships
from pipeline.records import Actor, Annotation, Item

WOLA = Actor("UD Wola", "local_government", "urzad-dzielnicy-wola")
OCALENIE = Actor("Fundacja Ocalenie", "ngo", "fundacja-ocalenie")
UNHCR = Actor("UNHCR", "international", "unhcr")
DIASPORA = Actor("Fundacja Ukraina", "refugee_led", "fundacja-ukraina")


def item(text: str, number: int = 1) -> Item:
    return Item(id=f"n-{number}", note_id="n", position=number, text=text, line=number)


def annotation(kind: str, actors: list[Actor], districts=()) -> Annotation:
    sectors = sorted({a.sector for a in actors})
    return Annotation(
        language="pl",
        kind=kind,
        themes=["networking_systemic"],
        actors=actors,
        sectors=sectors,
        districts=list(districts),
        partnership_type="+".join(sectors) if kind == "partnership" and len(actors) > 1 else None,
    )


def test_agreed_cross_sector_partnership_becomes_a_record():
    text = (
        "UD Wola (lider) i Fundacja Ocalenie uzgodniły wspólny punkt informacyjny, UNHCR finansuje."
    )
    items = [item(text)]
    found = find_partnerships(
        items, {"n-1": annotation("partnership", [WOLA, OCALENIE, UNHCR], ["wola"])}
    )
    assert len(found) == 1
    partnership = found[0]
    assert partnership.id == "p-n-1"
    assert partnership.partnership_type == "international+local_government+ngo"
    assert partnership.status == "agreed"
    assert partnership.scope == "district"
    assert partnership.districts == ("wola",)
    assert [m.role for m in partnership.members] == ["lead", "partner", "funder"]
    assert not partnership.with_refugees


def test_running_cooperation_with_refugee_led_member_is_co_created():
    text = "Od marca Fundacja Ukraina i Fundacja Ocalenie współpracują przy kursach."
    found = find_partnerships(
        [item(text)], {"n-1": annotation("good_practice", [DIASPORA, OCALENIE])}
    )
    assert found[0].status == "running"
    assert found[0].with_refugees
    assert found[0].scope == "city"


def test_items_that_are_not_cooperation_are_not_partnerships():
    items = [item("Brakuje miejsc w hostelach na Woli.", 1), item("UD Wola prowadzi punkt.", 2)]
    annotations = {
        "n-1": annotation("problem", [WOLA, OCALENIE]),
        "n-2": annotation("good_practice", [WOLA]),
    }
    assert find_partnerships(items, annotations) == []


def test_status_and_role_cues_without_diacritics_and_in_ukrainian():
    assert detect_status("UD i NGO ustalily wspolny dyzur", "partnership") == "agreed"
    assert detect_status("Пропонуємо спільний проєкт з ОПС", "partnership") == "proposed"
    assert (
        detect_role("Caritas finansuje paczki, OPS rozdaje", Actor("Caritas", "faith")) == "funder"
    )
