"""A synthetic corpus of annotated items with known duplicates, for benchmarks.

An *idea* is a kind with an action, a target, an audience, a place (a district or
every district), a venue (library, school, online …) and a partner organisation. Each
idea is written several times, as different participants would: in Polish, Ukrainian
or English, with different openings, synonyms, word orders and extra details, sometimes
as a flipchart line without Polish diacritics. Items of one idea share a gold cluster;
ideas differing in a single slot are the hard negatives. Lemmas come from the
generator's own vocabulary (each phrase carries its lemmas), so benchmarks measure
deduplication, not annotation.

    from benchmarks.synthetic import generate
    corpus = generate(1000, seed=1)   # list[SyntheticItem]
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipeline.nlp.text import fold
from pipeline.records import AnnotatedItem, Annotation

# A phrase: (surface text, its lemmas separated by spaces).
Phrase = tuple[str, str]

OPENINGS: dict[str, list[Phrase]] = {
    "pl": [
        ("Należy", "należeć"),
        ("Rekomendujemy", "rekomendować"),
        ("Warto", "warto"),
        ("Postulujemy", "postulować"),
        ("Trzeba", "trzeba"),
        ("Potrzeba", ""),
    ],
    "uk": [
        ("Потрібно", "потрібно"),
        ("Рекомендуємо", "рекомендувати"),
        ("Варто", "варто"),
        ("Треба", "треба"),
    ],
    "en": [
        ("We recommend to", "recommend"),
        ("The city should", "city should"),
        ("It is necessary to", "necessary"),
        ("Please", ""),
    ],
}
ACTIONS: dict[str, dict[str, list[Phrase]]] = {
    "create": {
        "pl": [
            ("utworzyć", "utworzyć"),
            ("uruchomić", "uruchomić"),
            ("stworzyć", "stworzyć"),
            ("otworzyć", "otworzyć"),
        ],
        "uk": [("створити", "створити"), ("відкрити", "відкрити"), ("запустити", "запустити")],
        "en": [("create", "create"), ("open", "open"), ("launch", "launch")],
    },
    "increase": {
        "pl": [
            ("zwiększyć liczbę miejsc w", "zwiększyć liczba miejsce"),
            ("rozszerzyć", "rozszerzyć"),
            ("wzmocnić", "wzmocnić"),
        ],
        "uk": [("розширити", "розширити"), ("збільшити", "збільшити")],
        "en": [("expand", "expand"), ("strengthen", "strengthen")],
    },
    "fund": {
        "pl": [
            ("zapewnić stałe finansowanie dla", "zapewnić stały finansowanie"),
            ("sfinansować na stałe", "finansować stały"),
        ],
        "uk": [("забезпечити постійне фінансування для", "забезпечити постійний фінансування")],
        "en": [
            ("provide stable funding for", "provide stable funding"),
            ("fund on a permanent basis", "fund permanent"),
        ],
    },
    "inform": {
        "pl": [
            ("przygotować ulotkę o", "przygotować ulotka"),
            ("przygotować broszurę o", "przygotować broszura"),
        ],
        "uk": [("підготувати листівку про", "підготувати листівка")],
        "en": [("prepare a leaflet about", "prepare leaflet")],
    },
}
TARGETS: dict[str, dict[str, list[Phrase]]] = {
    "housing_point": {
        "pl": [
            ("punkt mieszkaniowy", "punkt mieszkaniowy"),
            ("punkt pomocy mieszkaniowej", "punkt pomoc mieszkaniowy"),
        ],
        "uk": [
            ("житловий пункт", "житловий пункт"),
            ("пункт допомоги з житлом", "пункт допомога житло"),
        ],
        "en": [("housing desk", "housing desk"), ("accommodation point", "accommodation point")],
    },
    "polish_courses": {
        "pl": [
            ("kursy języka polskiego", "kurs język polski"),
            ("lekcje polskiego", "lekcja polski"),
        ],
        "uk": [
            ("курси польської мови", "курс польська мова"),
            ("уроки польської", "урок польська"),
        ],
        "en": [
            ("Polish language courses", "polish language course"),
            ("Polish lessons", "polish lesson"),
        ],
    },
    "psychologist": {
        "pl": [
            ("dyżury psychologa", "dyżur psycholog"),
            ("wsparcie psychologiczne", "wsparcie psychologiczny"),
        ],
        "uk": [
            ("консультації психолога", "консультація психолог"),
            ("психологічну підтримку", "психологічний підтримка"),
        ],
        "en": [
            ("psychological support", "psychological support"),
            ("psychologist hours", "psychologist hour"),
        ],
    },
    "info_point": {
        "pl": [
            ("punkt informacyjny", "punkt informacyjny"),
            ("punkt informacji", "punkt informacja"),
        ],
        "uk": [("інформаційний пункт", "інформаційний пункт")],
        "en": [("information point", "information point"), ("info desk", "info desk")],
    },
    "food_parcels": {
        "pl": [
            ("wydawanie paczek żywnościowych", "wydawanie paczka żywnościowy"),
            ("dystrybucję żywności", "dystrybucja żywność"),
        ],
        "uk": [("видачу продуктових наборів", "видача продуктовий набір")],
        "en": [("food parcel distribution", "food parcel distribution")],
    },
    "job_fair": {
        "pl": [("targi pracy", "targi praca"), ("giełdę ofert pracy", "giełda oferta praca")],
        "uk": [("ярмарок вакансій", "ярмарок вакансія")],
        "en": [("job fair", "job fair"), ("employment fair", "employment fair")],
    },
    "childcare": {
        "pl": [
            ("opiekę nad dziećmi", "opieka dziecko"),
            ("miejsca w przedszkolach", "miejsce przedszkole"),
        ],
        "uk": [("догляд за дітьми", "догляд дитина"), ("місця в садочках", "місце садочок")],
        "en": [("childcare", "childcare"), ("kindergarten places", "kindergarten place")],
    },
    "legal_advice": {
        "pl": [
            ("bezpłatne porady prawne", "bezpłatny porada prawny"),
            ("dyżury prawnika", "dyżur prawnik"),
        ],
        "uk": [("безкоштовні юридичні консультації", "безкоштовний юридичний консультація")],
        "en": [("free legal advice", "free legal advice"), ("lawyer hours", "lawyer hour")],
    },
    "conversation_club": {
        "pl": [
            ("klub rozmów po polsku", "klub rozmowa polski"),
            ("klub konwersacyjny", "klub konwersacyjny"),
        ],
        "uk": [("розмовний клуб польської", "розмовний клуб польська")],
        "en": [("Polish conversation club", "polish conversation club")],
    },
    "volunteer_supervision": {
        "pl": [("superwizję dla wolontariuszy", "superwizja wolontariusz")],
        "uk": [("супервізію для волонтерів", "супервізія волонтер")],
        "en": [("supervision for volunteers", "supervision volunteer")],
    },
    "material_aid": {
        "pl": [("magazyn darów", "magazyn dar"), ("zbiórkę rzeczową", "zbiórka rzeczowy")],
        "uk": [("склад речової допомоги", "склад речовий допомога")],
        "en": [("donation warehouse", "donation warehouse")],
    },
    "vaccination": {
        "pl": [("punkt szczepień", "punkt szczepienie"), ("akcję szczepień", "akcja szczepienie")],
        "uk": [("пункт щеплень", "пункт щеплення")],
        "en": [("vaccination point", "vaccination point")],
    },
}
AUDIENCES: dict[str, dict[str, list[Phrase]]] = {
    "adults": {
        "pl": [("dla dorosłych", "dorosły"), ("dla osób dorosłych", "osoba dorosły")],
        "uk": [("для дорослих", "дорослий")],
        "en": [("for adults", "adult")],
    },
    "children": {
        "pl": [("dla dzieci", "dziecko"), ("dla uczniów", "uczeń")],
        "uk": [("для дітей", "дитина")],
        "en": [("for children", "child")],
    },
    "seniors": {
        "pl": [("dla seniorów", "senior"), ("dla osób starszych", "osoba starszy")],
        "uk": [("для літніх людей", "літній людина")],
        "en": [("for older people", "older")],
    },
    "women": {
        "pl": [("dla kobiet", "kobieta"), ("dla matek z dziećmi", "matka dziecko")],
        "uk": [("для жінок", "жінка")],
        "en": [("for women", "woman")],
    },
    "disabled": {
        "pl": [("dla osób z niepełnosprawnościami", "osoba niepełnosprawność")],
        "uk": [("для людей з інвалідністю", "людина інвалідність")],
        "en": [("for disabled people", "disabled")],
    },
    "youth": {
        "pl": [("dla młodzieży", "młodzież")],
        "uk": [("для молоді", "молодь")],
        "en": [("for young people", "young")],
    },
}
DISTRICT_NAMES: dict[str, tuple[str, str, str, str]] = {
    # code: Polish locative, its lemma, Ukrainian locative, English
    "bemowo": ("na Bemowie", "bemowo", "на Бемові", "in Bemowo"),
    "bialoleka": ("na Białołęce", "białołęka", "на Білоленці", "in Białołęka"),
    "bielany": ("na Bielanach", "bielany", "на Бєлянах", "in Bielany"),
    "mokotow": ("na Mokotowie", "mokotów", "на Мокотові", "in Mokotów"),
    "ochota": ("na Ochocie", "ochota", "на Охоті", "in Ochota"),
    "praga_poludnie": (
        "na Pradze-Południe",
        "praga-południe",
        "на Празі-Південь",
        "in Praga-Południe",
    ),
    "praga_polnoc": ("na Pradze-Północ", "praga-północ", "на Празі-Північ", "in Praga-Północ"),
    "rembertow": ("w Rembertowie", "rembertów", "у Рембертові", "in Rembertów"),
    "srodmiescie": ("w Śródmieściu", "śródmieście", "у Середмісті", "in Śródmieście"),
    "targowek": ("na Targówku", "targówek", "на Таргувку", "in Targówek"),
    "ursus": ("w Ursusie", "ursus", "в Урсусі", "in Ursus"),
    "ursynow": ("na Ursynowie", "ursynów", "на Урсинові", "in Ursynów"),
    "wawer": ("w Wawrze", "wawer", "у Вавері", "in Wawer"),
    "wesola": ("w Wesołej", "wesoła", "у Весолій", "in Wesoła"),
    "wilanow": ("w Wilanowie", "wilanów", "у Вілянові", "in Wilanów"),
    "wlochy": ("we Włochach", "włochy", "у Влохах", "in Włochy"),
    "wola": ("na Woli", "wola", "на Волі", "in Wola"),
    "zoliborz": ("na Żoliborzu", "żoliborz", "на Жолібожі", "in Żoliborz"),
}
EVERY_DISTRICT: dict[str, list[Phrase]] = {
    "pl": [("w każdej dzielnicy", "każdy dzielnica")],
    "uk": [("у кожній дільниці", "кожний дільниця"), ("в кожному районі", "кожний район")],
    "en": [("in every district", "every district")],
}
PROBLEM_OPENINGS: dict[str, list[Phrase]] = {
    "pl": [("Brakuje", "brakować"), ("Brak", "brak"), ("Nie ma", "")],
    "uk": [("Бракує", "бракувати"), ("Немає", "")],
    "en": [("There is no", ""), ("There is a lack of", "lack")],
}
EXTRAS: dict[str, list[Phrase]] = {
    "pl": [
        ("", ""),
        ("", ""),
        ("od września", "wrzesień"),
        ("jak najszybciej", "szybko"),
        ("we współpracy z NGO", "współpraca ngo"),
        ("bo kolejki są bardzo długie", "kolejka długi"),
        ("– zgłaszało to wiele osób", "zgłaszać osoba"),
        ("także w weekendy", "weekend"),
    ],
    "uk": [
        ("", ""),
        ("з вересня", "вересень"),
        ("якнайшвидше", "швидко"),
        ("разом з організаціями", "разом організація"),
    ],
    "en": [
        ("", ""),
        ("from September", "september"),
        ("as soon as possible", "soon"),
        ("together with NGOs", "together ngo"),
    ],
}
VENUES: dict[str, dict[str, list[Phrase]]] = {
    "library": {
        "pl": [("przy bibliotece", "biblioteka"), ("w filii biblioteki", "filia biblioteka")],
        "uk": [("при бібліотеці", "бібліотека")],
        "en": [("at the library", "library")],
    },
    "school": {
        "pl": [("przy szkole", "szkoła"), ("w szkole podstawowej", "szkoła podstawowy")],
        "uk": [("при школі", "школа")],
        "en": [("at a school", "school")],
    },
    "office": {
        "pl": [("w urzędzie dzielnicy", "urząd dzielnica"), ("w urzędzie", "urząd")],
        "uk": [("в управі дільниці", "управа дільниця")],
        "en": [("in the district office", "district office")],
    },
    "culture": {
        "pl": [("w domu kultury", "dom kultura"), ("w ośrodku kultury", "ośrodek kultura")],
        "uk": [("у будинку культури", "будинок культура")],
        "en": [("in the culture centre", "culture centre")],
    },
    "parish": {
        "pl": [("przy parafii", "parafia"), ("w salce parafialnej", "salka parafialny")],
        "uk": [("при парафії", "парафія")],
        "en": [("at the parish", "parish")],
    },
    "hostel": {
        "pl": [
            ("w hostelu", "hostel"),
            ("w ośrodku zbiorowego zakwaterowania", "ośrodek zbiorowy zakwaterowanie"),
        ],
        "uk": [("у хостелі", "хостел")],
        "en": [("in the hostel", "hostel")],
    },
    "online": {
        "pl": [("online", "online"), ("przez internet", "internet")],
        "uk": [("онлайн", "онлайн")],
        "en": [("online", "online")],
    },
    "mall": {
        "pl": [
            ("w centrum handlowym", "centrum handlowy"),
            ("w galerii handlowej", "galeria handlowy"),
        ],
        "uk": [("у торговому центрі", "торговий центр")],
        "en": [("in a shopping centre", "shopping centre")],
    },
}
# Partner organisations: names stay the same in every language.
PARTNERS: list[Phrase] = [
    ("z PAH", "pah"),
    ("z Caritas", "caritas"),
    ("z UNHCR", "unhcr"),
    ("z CWK", "cwk"),
    ("z Fundacją Ocalenie", "fundacja ocalenie"),
    ("z IOM", "iom"),
    ("z UNICEF", "unicef"),
    ("z PCK", "pck"),
    ("z Habitat for Humanity", "habitat humanity"),
    ("z SIP", "sip"),
    ("z Chlebem i Solą", "chleb sól"),
    ("z Domem Ukraińskim", "dom ukraiński"),
]
PARTNER_WORD = {"pl": "razem", "uk": "разом", "en": "together"}
LANGUAGES = ("pl", "pl", "pl", "pl", "pl", "pl", "uk", "uk", "en", "en")
KINDS = ("recommendation",) * 6 + ("problem",) * 3 + ("good_practice",)


@dataclass(frozen=True)
class SyntheticItem:
    item: AnnotatedItem
    cluster: str  # the idea it states


def _idea(rng: random.Random) -> tuple[str, ...]:
    kind = rng.choice(KINDS)
    action = rng.choice(sorted(ACTIONS)) if kind == "recommendation" else "-"
    place = "every" if rng.random() < 0.15 else rng.choice(sorted(DISTRICT_NAMES))
    target, audience = rng.choice(sorted(TARGETS)), rng.choice(sorted(AUDIENCES))
    venue, partner = rng.choice(sorted(VENUES)), rng.randrange(len(PARTNERS))
    return kind, action, target, audience, place, venue, str(partner)


def _place(place: str, language: str, rng: random.Random) -> Phrase:
    if place == "every":
        return rng.choice(EVERY_DISTRICT[language])
    polish, lemma, ukrainian, english = DISTRICT_NAMES[place]
    return {"pl": (polish, lemma), "uk": (ukrainian, ""), "en": (english, fold(lemma))}[language]


def _write(idea: tuple[str, ...], language: str, rng: random.Random) -> list[Phrase]:
    """The phrases of one wording of the idea, in one of a few orders."""
    kind, action, target, audience, place, venue, partner = idea
    name, name_lemmas = PARTNERS[int(partner)]
    together = (f"{PARTNER_WORD[language]} {name.split(' ', 1)[1]}", name_lemmas)
    what = rng.choice(TARGETS[target][language])
    at = rng.choice(VENUES[venue][language])
    whom = rng.choice(AUDIENCES[audience][language])
    where = _place(place, language, rng)
    extra = rng.choice(EXTRAS[language])
    if kind == "problem":
        head = [rng.choice(PROBLEM_OPENINGS[language])]
    elif kind == "good_practice":
        head = [
            (
                {"pl": "Dzielnica prowadzi", "uk": "Дільниця проводить", "en": "The district runs"}[
                    language
                ],
                "prowadzić",
            )
        ]
    else:
        head = [rng.choice(OPENINGS[language]), rng.choice(ACTIONS[action][language])]
    orders = [
        head + [what, at, whom, where, together, extra],
        [where] + head + [what, whom, at, together, extra],
        head + [what, together, where, at, whom, extra],
    ]
    return rng.choice(orders)


def _flipchart(phrases: list[Phrase]) -> list[Phrase]:
    """A flipchart line: no opening, no Polish letters, lemmas as a lemmatiser guesses them."""
    return [
        (fold(text), " ".join(fold(word) for word in lemmas.split()))
        for text, lemmas in phrases[1:]
        if text
    ]


def generate(count: int, seed: int = 0, mean_cluster_size: float = 4.0) -> list[SyntheticItem]:
    """`count` items stating about count / mean_cluster_size ideas, shuffled."""
    rng = random.Random(seed)
    ideas = sorted({_idea(rng) for _ in range(int(count / mean_cluster_size))})
    corpus: list[SyntheticItem] = []
    for number in range(count):
        idea = ideas[number % len(ideas)] if number < len(ideas) else rng.choice(ideas)
        language = rng.choice(LANGUAGES)
        phrases = _write(idea, language, rng)
        if language == "pl" and rng.random() < 0.25:
            phrases = _flipchart(phrases)
        text = " ".join(text for text, _ in phrases if text).strip()
        text = text[:1].upper() + text[1:] + ("." if rng.random() < 0.7 else "")
        lemmas = [lemma.lower() for _, lemmas in phrases for lemma in lemmas.split()]
        place = idea[4]
        annotation = Annotation(
            language=language,
            kind=idea[0],
            themes=["other"],
            districts=[] if place == "every" else [place],
            lemmas=lemmas,
        )
        item = AnnotatedItem(f"syn-{seed}-{number:07d}", text, annotation, f"group-{number % 97}")
        corpus.append(SyntheticItem(item, "|".join(idea)))
    rng.shuffle(corpus)
    return corpus
