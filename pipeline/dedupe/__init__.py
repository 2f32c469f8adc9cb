"""Deduplication: items that state the same thing, in any language or spelling, share a cluster.

See `deduplicate.cluster_items` for the entry point, `similarity` for how items are
compared, `clustering` for how pairs become clusters, `canonical` for the wording chosen.
"""

from pipeline.dedupe.deduplicate import cluster_id, cluster_items
from pipeline.dedupe.overrides import Overrides, load_overrides

__all__ = ["Overrides", "cluster_id", "cluster_items", "load_overrides"]
