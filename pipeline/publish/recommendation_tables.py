"""The rows a cluster owns: its recommendation, the recommendation's links, its dedupe links.

`recommendation_tables(audience, cluster_ids)` gives the recommendation rows for some
clusters (all when `cluster_ids` is None), `dedupe_link_tables` their dedupe links, each
table sorted as a full build writes it (recommendations in the order of their rowids,
most groups first: `pipeline/publish/rowids.py`). `CLUSTER_DELETES` and `LINK_DELETES` remove
them, for the clusters listed in the temporary tables `changed_clusters` and
`changed_links`. The two are apart because a link's similarity moves with the whole
corpus (TF-IDF weights) while what a recommendation row shows moves only with its items.
"""

from __future__ import annotations

from collections.abc import Collection

from pipeline.publish.audience import Audience
from pipeline.publish.rowids import recommendation_rowid
from pipeline.publish.rows import TableRows, by_id, in_order, to_json
from pipeline.records import Cluster
from pipeline.vocabulary import codes

RECOMMENDATION_LINKS = ("theme", "district", "sector")

_CHANGED = "(SELECT id FROM changed_clusters)"
CLUSTER_DELETES = (
    *(
        f"DELETE FROM recommendation_{field}s WHERE recommendation_id IN {_CHANGED}"
        for field in RECOMMENDATION_LINKS
    ),
    f"DELETE FROM recommendations WHERE id IN {_CHANGED}",
)
LINK_DELETES = (
    "DELETE FROM dedupe_links WHERE recommendation_id IN (SELECT id FROM changed_links)",
)


def _chosen(audience: Audience, cluster_ids: Collection[str] | None) -> list[Cluster]:
    if cluster_ids is None:
        return sorted(audience.kb.clusters, key=by_id)
    clusters = audience.index.clusters
    return sorted((clusters[c] for c in cluster_ids if c in clusters), key=by_id)


def recommendation_tables(
    audience: Audience, cluster_ids: Collection[str] | None = None
) -> list[TableRows]:
    """The recommendations of the clusters `cluster_ids` (all when None) and their labels."""
    clusters = _chosen(audience, cluster_ids)
    labels = {cluster.id: _labels(audience, cluster) for cluster in clusters}
    rows = sorted((recommendation_row(audience, c) for c in clusters), key=lambda r: r["rowid"])
    return [
        TableRows("recommendations", rows, "id"),
        *(
            TableRows(
                f"recommendation_{field}s",
                [
                    {"recommendation_id": cluster.id, field: code}
                    for cluster in clusters
                    for code in sorted(labels[cluster.id][field])
                ],
                ("recommendation_id", field),
            )
            for field in RECOMMENDATION_LINKS
        ),
    ]


def dedupe_link_tables(
    audience: Audience, cluster_ids: Collection[str] | None = None
) -> list[TableRows]:
    """The links that joined the items of the clusters `cluster_ids` (all when None)."""
    return [
        TableRows(
            "dedupe_links",
            (
                {
                    "recommendation_id": cluster.id,
                    "item_a": link.item_a,
                    "item_b": link.item_b,
                    "similarity": link.similarity,
                    "shared": to_json(audience.shared_terms(link)),
                    "method": link.method,
                }
                for cluster in _chosen(audience, cluster_ids)
                for link in cluster.links
            ),
            ("recommendation_id", "item_a", "item_b"),
        ),
    ]


def _labels(audience: Audience, cluster: Cluster) -> dict[str, set[str]]:
    """The themes, districts and sectors of a cluster's items."""
    found: dict[str, set[str]] = {field: set() for field in RECOMMENDATION_LINKS}
    for annotation in filter(None, map(audience.annotation, cluster.item_ids)):
        for field in RECOMMENDATION_LINKS:
            found[field].update(getattr(annotation, field + "s"))
    return found


def recommendation_row(audience: Audience, cluster: Cluster) -> dict:
    members = [audience.items[i] for i in cluster.item_ids if i in audience.items]
    annotations = [a for a in map(audience.annotation, cluster.item_ids) if a is not None]
    canonical = audience.items.get(cluster.canonical_item_id)
    canonical_annotation = audience.annotation(cluster.canonical_item_id)
    lemmas = dict.fromkeys(lemma for item in members for lemma in audience.item_lemmas(item))
    groups = len({audience.group_of(item) for item in members})
    return {
        "rowid": recommendation_rowid(groups, cluster.id),
        "id": cluster.id,
        "text": audience.text(canonical.text) if canonical else None,
        "kind": canonical_annotation.kind if canonical_annotation else None,
        "themes": to_json(in_order((t for a in annotations for t in a.themes), codes("themes"))),
        "districts": to_json(sorted({d for a in annotations for d in a.districts})),
        "sectors": to_json(in_order((s for a in annotations for s in a.sectors), codes("sectors"))),
        "languages": to_json(sorted({a.language for a in annotations if a.language})),
        "mentions": len(members),
        "groups": groups,
        "meetings": len({item.note_id for item in members}),
        "canonical_item_id": cluster.canonical_item_id if canonical else None,
        "lemmas": " ".join(lemmas),
    }
