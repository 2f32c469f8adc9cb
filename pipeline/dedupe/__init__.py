"""Deduplication: items that state the same thing, in any language or spelling, share a cluster.

See `deduplicate.cluster_items` for the entry point, `similarity` for how items are
compared, `clustering` for how pairs become clusters, `canonical` for the wording chosen,
`store` and `incremental` for how a build redoes only what changed items touch.
"""

from pipeline.dedupe.deduplicate import cluster_id, cluster_items
from pipeline.dedupe.overrides import Overrides, load_overrides
from pipeline.dedupe.store import DedupeStore

__all__ = ["DedupeStore", "Overrides", "cluster_id", "cluster_items", "load_overrides"]
