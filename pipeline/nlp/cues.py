"""Lexicon cues of kind and theme: counts of cue phrases and patterns found in a doc."""

from __future__ import annotations

from collections import Counter
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.language import detect_language
from pipeline.nlp.lemmas import SUPPORTED_LANGUAGES, lemma_pipeline
from pipeline.nlp.lexicons import add_lexicon, kind_patterns, label_index, lemma_keys
from pipeline.nlp.model_cache import derived
from pipeline.nlp.patterns import PrefilteredPattern
from pipeline.nlp.phrases import PhraseIndex
from pipeline.nlp.text import (
    BatchComponent,
    doc_fields,
    fold,
    register_doc_extensions,
    text_of,
)
from pipeline.vocabulary import codes

register_doc_extensions("cues")

KIND_LEXICON = "lexicon/kinds.yaml"
THEME_LEXICON = "lexicon/themes.yaml"


@cache
@derived("cues")
def cue_index(language: str) -> PhraseIndex:
    """The kind and theme lexicons in one index (one look-up per word, not two), giving
    cue names: "kind:problem", "theme:basic_needs"."""
    index = add_lexicon(PhraseIndex(), KIND_LEXICON, language, "kind:")
    return add_lexicon(index, THEME_LEXICON, language, "theme:")


# Whether a cue is a theme cue ("theme:…" sorts after every "kind:…"), as a sort key
# called in C rather than a Python function.
_is_theme_cue = "theme:".__le__


def find_cues(doc: Doc, language: str) -> Counter[str]:
    """{"kind:problem": 2, "theme:basic_needs": 1, …} for one lemmatised doc."""
    found = [value for _, _, value in cue_index(language).find(lemma_keys(doc))]
    # Kind cues first, as when the lexicons had an index each: the cues' order is the
    # order of a training row's meta features, which the fitted model depends on.
    if len(found) > 1:
        found.sort(key=_is_theme_cue)  # stable: each group keeps its text order
    cues = Counter(found)
    folded = fold(text_of(doc))
    for cue, pattern in kind_pattern_cues():
        if pattern.search(folded):
            cues[cue] += 1
    return cues


@cache
def kind_pattern_cues() -> tuple[tuple[str, PrefilteredPattern], ...]:
    """(cue name, pattern) of each kind's patterns: ("kind:task", …)."""
    return tuple((f"kind:{kind}", pattern) for kind, pattern in kind_patterns())


class CueDetector(BatchComponent):
    """Sets `doc._.cues`, the counts of kind and theme cues (features for the classifier)."""

    def __init__(self, nlp: Language, name: str, language: str) -> None:
        self.name = name
        self.language = language
        cue_index(language)  # compile now, not on the first document

    def __call__(self, doc: Doc) -> Doc:
        doc_fields(doc)["cues"] = find_cues(doc, self.language)
        return doc


@Language.factory("cue_detector", default_config={"language": "pl"})
def make_cue_detector(nlp: Language, name: str, language: str) -> CueDetector:
    return CueDetector(nlp, name, language)


HEADING_LEXICON = "lexicon/headings.yaml"


def kind_of_heading(heading: str | None) -> str | None:
    """The kind a heading (or a kind code given as hint) suggests, or None."""
    if not heading:
        return None
    heading = heading.strip()
    if heading in codes("kinds"):
        return heading
    language = detect_language(heading)
    language = language if language in SUPPORTED_LANGUAGES else "pl"
    # Headings are often in capitals, which the lemmatiser would take for acronyms.
    keys = [fold(token.lemma_) for token in lemma_pipeline(language)(heading.lower())]
    votes = Counter(match.value for match in label_index(HEADING_LEXICON, language).find(keys))
    return votes.most_common(1)[0][0] if votes else None
