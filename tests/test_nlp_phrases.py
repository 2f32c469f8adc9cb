"""The phrase index: phrases by first and second key, matched in the order they were added."""

from pipeline.nlp.phrases import PhraseIndex


def index() -> PhraseIndex:
    phrases = PhraseIndex()
    phrases.add(["osrodek", "pomocy", {"spolecznej", "spol"}], "ops")
    phrases.add(["osrodek", "kultury"], "dom-kultury")
    phrases.add(["osrodek"], "generic")
    phrases.add([{"urzad", "urzedu"}, "dzielnicy", "wola"], "ud-wola")
    phrases.add([{"urzad", "urzedu"}, "dzielnicy"], "ud")
    return phrases


def test_every_phrase_found_in_the_order_it_was_added():
    keys = "w osrodek pomocy spol i osrodek kultury".split()
    assert [(m.start, m.end, m.value) for m in index().find(keys)] == [
        (1, 4, "ops"),
        (1, 2, "generic"),
        (5, 7, "dom-kultury"),
        (5, 6, "generic"),
    ]


def test_longest_matches_only():
    keys = "z urzedu dzielnicy wola i urzad dzielnicy".split()
    assert [m.value for m in index().find(keys, longest=True)] == ["ud-wola", "ud"]


def test_a_phrase_cut_by_the_end_of_the_text_is_no_match():
    assert [m.value for m in index().find(["urzad", "dzielnicy"])] == ["ud"]
    assert index().find(["urzad"]) == []


def test_could_match_tells_texts_without_a_first_key():
    assert index().could_match(["w", "osrodek"])
    assert not index().could_match(["w", "dzielnicy", "wola"])


def test_a_phrase_added_later_is_found():
    phrases = index()
    assert phrases.find(["osrodek", "zdrowia"])[0].value == "generic"
    phrases.add(["osrodek", "zdrowia"], "clinic")
    assert [m.value for m in phrases.find(["osrodek", "zdrowia"], longest=True)] == ["clinic"]


def test_two_phrases_of_one_value_over_the_same_words_give_one_match():
    phrases = PhraseIndex()
    phrases.add(["osrodek", "pomocy"], "ops")
    phrases.add(["osrodek", {"pomocy", "pomoc"}], "ops")
    phrases.add(["pomocy"], "help")
    keys = ["osrodek", "pomocy"]
    assert [(m.start, m.end, m.value) for m in phrases.find(keys)] == [
        (0, 2, "ops"),
        (1, 2, "help"),
    ]
