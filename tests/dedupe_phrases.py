"""Polish phrases (as written, and their lemmas) the dedupe tests build items from."""

TARGETS = [
    ("punkt mieszkaniowy", "punkt mieszkaniowy"),
    ("kursy języka polskiego", "kurs język polski"),
    ("dyżury psychologa", "dyżur psycholog"),
    ("punkt informacyjny", "punkt informacyjny"),
    ("targi pracy", "targi praca"),
    ("porady prawne", "porada prawny"),
    ("klub rozmów", "klub rozmowa"),
    ("magazyn darów", "magazyn dar"),
]
