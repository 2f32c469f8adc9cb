"""Annotate stage: texts → language, kind, themes, actors, sectors, districts, partnership type.

Each text is routed by `detect_language` to its language's spaCy pipeline
(`pipeline/nlp/pipelines.py`, built when the first text of the language comes); each
language's texts go through `nlp.pipe` in batches and the results are put back in input
order. The kind/theme model is trained once per process, when the Annotator is
constructed, on `pipeline/data/training/*.jsonl` plus any extra examples (analysts'
corrections). The fitted model is cached under `.cache/annotator/` (config
`annotate.model_cache`), keyed by a hash of the training data, extra examples,
settings, vocabulary and annotation code, so a changed training file or lexicon
retrains and an unchanged one loads in a moment; the indexes the components compile
from the data are cached beside it (`model_cache.derived`). With both cached, an
Annotator costs about 0.05 s to construct and its first texts 0.2–0.4 s more.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import islice

from spacy.tokens import Doc

from pipeline.config import section
from pipeline.memory import collector_paused_then_aged
from pipeline.nlp.actors import venue_actors
from pipeline.nlp.classifier import Features, KindThemeModel, features_of
from pipeline.nlp.cues import kind_of_heading
from pipeline.nlp.language import detect_language
from pipeline.nlp.lemmas import SUPPORTED_LANGUAGES
from pipeline.nlp.model_cache import load_model, model_key, save_model
from pipeline.nlp.pipelines import CLASSIFIER, Pipelines
from pipeline.nlp.readings import content_lemmas
from pipeline.nlp.text import WORD, doc_fields, prepare_doc
from pipeline.records import Actor, Annotation
from pipeline.themes import ThemeRules
from pipeline.vocabulary import data_path

CLASSIFIER_SETTINGS = "classifier"  # the section of config annotate: with the model settings


def training_examples() -> list[dict]:
    """The labelled examples of pipeline/data/training/*.jsonl, in file order."""
    folder = data_path("training")
    examples = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.endswith(".jsonl"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    examples.append(json.loads(line))
    return examples


@lru_cache(maxsize=4096)
def _hint(heading: str | None) -> str | None:
    return kind_of_heading(heading)


class Annotator:
    """Annotates texts; construct once (it trains the kind/theme model) and reuse."""

    def __init__(self, extra_training: Sequence[tuple[str, dict]] = ()) -> None:
        self.settings = section("annotate")
        self.theme_rules = ThemeRules(self.settings[CLASSIFIER_SETTINGS], self.settings["rules"])
        # Each language's pipeline is built when a text of it comes (`Pipelines`).
        self.pipelines = Pipelines()
        self.model = KindThemeModel(self.settings[CLASSIFIER_SETTINGS])
        key = model_key(extra_training)
        cached = load_model(key)
        if isinstance(cached, KindThemeModel):
            self.model = cached
        else:
            self._train(
                training_examples() + [{"text": text, **labels} for text, labels in extra_training]
            )
            save_model(key, self.model)
        self.pipelines.set_model(self.model)

    def _train(self, examples: list[dict]) -> None:
        hints = [example.get("kind_hint") or example.get("heading") for example in examples]
        texts = [example["text"] for example in examples]
        rows: list[Features] = []
        kinds: list[str] = []
        themes: list[list[str]] = []
        for index, doc in self._process(texts, hints, classify=False):
            example = examples[index]
            if "kind" not in example or "themes" not in example:
                continue
            features = features_of(doc)
            variants = [features]
            if self.model.settings["train_without_hint"] and features.hint:
                variants.append(replace(features, hint=None))
            for row in variants:
                rows.append(row)
                kinds.append(example["kind"])
                themes.append(list(example["themes"]))
        self.model.fit(rows, kinds, themes)

    def _process(
        self,
        texts: Sequence[str],
        hints: Sequence[str | None],
        classify: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[int, Doc]]:
        """(input index, doc) for each text, through its language's pipeline.

        Texts are grouped by language, so the order is by language, then by input; docs
        are made and processed lazily, in batches, so memory stays flat.
        """
        batch_size = self.settings.get("batch_size", 256)
        by_language: dict[str, list[int]] = {}
        # The words found for the language are the docs' words too (`prepare_doc`).
        found: list[list[str] | None] = [WORD.findall(text) for text in texts]
        detected = [detect_language(text, words) for text, words in zip(texts, found, strict=True)]
        for index, language in enumerate(detected):
            pipeline_language = (
                language if language in SUPPORTED_LANGUAGES else _script_language(language)
            )
            by_language.setdefault(pipeline_language, []).append(index)
        disable = [] if classify else [CLASSIFIER]
        for language, indices in by_language.items():
            nlp = self.pipelines[language]

            def prepared(make_doc=nlp.make_doc, indices=indices) -> Iterator[Doc]:
                for index in indices:
                    text = texts[index]
                    # The words are held by the doc now, and let go with it.
                    words, found[index] = found[index], None
                    fields = {"language": detected[index], "kind_hint": _hint(hints[index])}
                    yield prepare_doc(make_doc(text), text, words, fields)

            processed = nlp.pipe(prepared(), batch_size=batch_size, disable=disable)
            for index, doc in zip(indices, processed, strict=True):
                yield index, doc
                if progress:
                    progress(1)

    def annotate(
        self,
        texts: Sequence[str],
        kind_hints: Sequence[str | None] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[Annotation]:
        """One Annotation per text, same order. kind_hints: kind codes or headings, or None."""
        hints = list(kind_hints) if kind_hints is not None else [None] * len(texts)
        annotations: list[Annotation | None] = [None] * len(texts)
        with collector_paused_then_aged():
            for index, doc in self._process(texts, hints, True, progress):
                annotations[index] = self._annotation(doc)
        return annotations  # type: ignore[return-value]

    def _annotation(self, doc: Doc) -> Annotation:
        rules = self.settings["rules"]
        fields = doc_fields(doc)
        kind = fields["kind"]
        actors: list[Actor] = fields["actors"]
        if kind == rules["other_kind"]:
            # A meeting's venue ("sala konferencyjna UD") is no actor (codebook rule 6).
            venues = venue_actors(doc)
            actors = [actor for i, actor in enumerate(actors) if i not in venues]
        sectors = sorted({actor.sector for actor in actors}) if actors else []
        partnership_type = None
        if kind == rules["partnership_kind"] and len(actors) >= 2:
            partnership_type = "+".join(sectors)
        scores = fields["scores"]
        # Positional, in the fields' order: half the time of the same call with keywords.
        return Annotation(
            fields["language"],
            kind,
            self.theme_rules.themes(scores["themes"], kind, sectors),
            actors,
            sectors,
            fields["districts"],
            partnership_type,
            scores,
            content_lemmas(doc),
        )


def _script_language(language: str) -> str:
    """The pipeline for a language without its own: Cyrillic ones go to Ukrainian."""
    return "uk" if language in {"ru", "be", "bg"} else "pl"


def annotation_fields(annotation: Annotation) -> dict:
    """The contract's JSON Lines fields of an annotation."""
    actors = []
    for actor in annotation.actors:
        entry: dict = {"name": actor.name, "sector": actor.sector}
        if actor.organization_id:
            entry["organization_id"] = actor.organization_id
        if actor.generic:
            entry["generic"] = True
        actors.append(entry)
    return {
        "language": annotation.language,
        "kind": annotation.kind,
        "themes": annotation.themes,
        "actors": actors,
        "sectors": annotation.sectors,
        "districts": annotation.districts,
        "partnership_type": annotation.partnership_type,
        "scores": annotation.scores,
    }


def annotate_records(records: Iterable[dict], annotator: Annotator | None = None) -> Iterator[dict]:
    """Each record with the annotate fields added, same order; other fields pass through.

    The record's "kind_hint" or "heading" is the hint. Records are read in chunks, so a
    long stream is annotated without holding it all in memory.
    """
    annotator = annotator or Annotator()
    chunk_size = section("annotate").get("records_chunk", 4096)
    iterator = iter(records)
    while chunk := list(islice(iterator, chunk_size)):
        hints = [record.get("kind_hint") or record.get("heading") for record in chunk]
        annotations = annotator.annotate([record["text"] for record in chunk], hints)
        for record, annotation in zip(chunk, annotations, strict=True):
            yield {**record, **annotation_fields(annotation)}
