"""Personal-data redaction for the public database.

`redact(text)` replaces a private person's e-mail, phone number, PESEL, identity or
passport number and full name with a placeholder. Helplines (116 111, toll-free 800/801
numbers), first names alone, organisation names and public officials named in their role
("burmistrz Woli Jan Nowak") stay. Names are found with Morfeusz (Polish: `imię`,
`nazwisko`) and pymorphy3 (Ukrainian: `Name`, `Patr`, `Surn`).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from pipeline.nlp.lemmas import ukrainian_analyser
from pipeline.nlp.polish import polish_analyser
from pipeline.vocabulary import data_yaml

PERSON = "[osoba]"
PHONE = "[telefon]"
EMAIL = "[e-mail]"
PESEL = "[PESEL]"
DOCUMENT = "[nr dokumentu]"

EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PESEL_PATTERN = re.compile(r"(?<!\d)(\d{11})(?!\d)")
LABELLED_PESEL = re.compile(r"(?i)\b(PESEL\s*(?:nr\.?|:)?\s*)\d{11}\b")
# Polish ID card (ABC123456), passports (EA1234567, FX123456, АА123456), after an optional label.
DOCUMENT_PATTERN = re.compile(r"(?<![\w-])[A-ZА-ЯІЇЄҐ]{2,3}\s?\d{6,7}(?![\w-])")
LABELLED_DOCUMENT = re.compile(
    r"(?i)\b((?:nr\.?\s+)?(?:paszport\w*|dowod\w*|dowód\w*|passport|паспорт\w*|id-картк\w*)"
    r"(?:\s+osobist\w+)?(?:\s+(?:nr\.?|numer|№))?[:\s]\s*)[A-ZА-ЯІЇЄҐ]{0,3}\s?\d{6,9}\b"
)
PHONE_PATTERN = re.compile(
    r"""(?<![\w+/.,-])(?:
        (?:\+|00)\s?(?:48|380)[\s-]?\(?\d{2,3}\)?(?:[\s-]?\d){6,7}   # +48 …, +380 …
      | \(?0\d{2}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}               # 067 123 45 67
      | 0\d{2}[\s-]?\d{3}[\s-]?\d{4}                                 # 067 123 4567
      | \(\d{2}\)\s?\d{3}[\s-]?\d{2}[\s-]?\d{2}                      # (22) 123 45 67
      | \d{2}\s\d{3}[\s-]\d{2}[\s-]\d{2}                             # 22 123 45 67
      | \d{3}[\s-]?\d{3}[\s-]?\d{3}                                  # 601 234 567
    )(?![\w-])(?!\s*(?:zł|pln|eur|euro|usd|uah|грн|osób|os\.|%))""",
    re.VERBOSE | re.IGNORECASE,
)
TOLL_FREE_PREFIXES = ("800", "801")
REGISTER_LABEL = re.compile(r"(?i)\b(?:krs|nip|regon)\b[\s:.nr]*$")
SURNAME_ROLES = ("surname", "only_surname", "unknown")
WORD_PATTERN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


@cache
def _rules() -> dict:
    return data_yaml("redaction.yaml")


def _is_pesel(digits: str) -> bool:
    """True when 11 digits carry a valid PESEL check digit."""
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    total = sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=False))
    return (10 - total % 10) % 10 == int(digits[10])


def _replace_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    national = re.sub(r"^(?:00)?(?:48|380)", "", digits) if len(digits) > 10 else digits
    if national.startswith(TOLL_FREE_PREFIXES):
        return match.group(0)
    # An organisation's register number (KRS 0000123456, NIP, REGON) is public.
    if REGISTER_LABEL.search(match.string[max(0, match.start() - 12) : match.start()]):
        return match.group(0)
    return PHONE


@lru_cache(maxsize=65536)
def _name_role(word: str) -> str | None:
    """'first' for a first name, 'surname' for a surname that is also a place or a common
    noun, 'only_surname' for one that is not, 'unknown' for a word no dictionary knows,
    None for anything else (capitalised words only; "NATALIIA BOYKO" as "Nataliia Boyko")."""
    if word.isupper() and len(word) >= 3:
        word = word.capitalize()
    if not word[:1].isupper() or word.isupper():
        return None
    if any("а" <= char.lower() <= "я" or char.lower() in "іїєґ" for char in word):
        tags = {str(parse.tag) for parse in ukrainian_analyser().parse(word) if parse.score > 0.0}
        if any("Name" in tag or "Patr" in tag for tag in tags):
            return "first"
        if any("Surn" in tag for tag in tags):
            return "only_surname"
        return None
    if word in _rules()["first_names"]:
        return "first"
    qualifiers: set[str] = set()
    known = False
    for part in re.split(r"[-'’]", word):
        for analysis in polish_analyser().analyse(part):
            tag = analysis[2][2]
            if tag != "ign":
                known = True
            qualifiers.update(analysis[2][3])
    if "imię" in qualifiers:
        return "first"
    if "nazwisko" in qualifiers:
        # "Woli", "Nowak" are also places or common nouns: never a surname before a first name.
        return (
            "surname" if qualifiers & {"nazwa_geograficzna", "nazwa_pospolita"} else "only_surname"
        )
    # An initial ("Beata Sz.") is not a surname: a first name and an initial stay.
    return None if known or len(word) < 3 else "unknown"


def _keeps_name(preceding: list[str]) -> bool:
    """True when the words before a name say it is an official in a role, a patron or a street."""
    rules = _rules()
    for word in preceding[-3:]:
        lowered = word.lower()
        if lowered in rules["patron_markers"]:
            return True
        if any(lowered.startswith(stem) for stem in rules["public_roles"]):
            return True
    return False


def _person_length(roles: list[str | None], adjacent: list[bool], start: int) -> int:
    """How many words from `start` make a private person's name (0 when they do not).

    First names (or a patronymic) then a surname or a word no dictionary knows
    ("Anna Kowalska", "Ołena Bondarenko", "Олена Петрівна Шевченко"), or a surname then
    first names as on a sign-in list ("Kowalska Anna").
    """
    end = start
    while end < len(roles) and roles[end] == "first" and (end == start or adjacent[end]):
        end += 1
    if start < end < len(roles) and adjacent[end] and roles[end] in SURNAME_ROLES:
        return end - start + 1
    if roles[start] == "only_surname" and start + 1 < len(roles) and adjacent[start + 1]:
        end = start + 1
        while end < len(roles) and roles[end] == "first" and adjacent[end]:
            end += 1
        followed_by_surname = end < len(roles) and adjacent[end] and roles[end] in SURNAME_ROLES
        if end > start + 1 and not followed_by_surname:
            return end - start
    return 0


def _redact_names(text: str) -> str:
    words = list(WORD_PATTERN.finditer(text))
    roles = [_name_role(word.group(0)) for word in words]
    # adjacent[i]: word i follows word i-1 after spaces only, on the same line.
    adjacent = [False] + [
        (gap := text[before.end() : after.start()]).isspace() and "\n" not in gap
        for before, after in zip(words, words[1:], strict=False)
    ]
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(words):
        length = _person_length(roles, adjacent, index)
        if length and not _keeps_name([word.group(0) for word in words[max(0, index - 3) : index]]):
            spans.append((words[index].start(), words[index + length - 1].end()))
        index += length or 1
    for begin, end in reversed(spans):
        text = text[:begin] + PERSON + text[end:]
    return text


def redact(text: str) -> str:
    """The text with private persons' contact data, identifiers and full names replaced."""
    if not text:
        return text
    text = EMAIL_PATTERN.sub(EMAIL, text)
    text = LABELLED_PESEL.sub(lambda match: match.group(1) + PESEL, text)
    text = PESEL_PATTERN.sub(
        lambda match: PESEL if _is_pesel(match.group(1)) else match.group(0), text
    )
    text = LABELLED_DOCUMENT.sub(lambda match: match.group(1) + DOCUMENT, text)
    text = DOCUMENT_PATTERN.sub(DOCUMENT, text)
    text = PHONE_PATTERN.sub(_replace_phone, text)
    return _redact_names(text)
