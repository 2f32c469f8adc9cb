"""The internal database (original texts, facilitators) is for the signed-in analyst only.

A database is internal when its `build_info` table says so, whatever its file name;
everyone but the actor `analyst` (datasette-auth-passwords, password hash from the
environment) is refused every view of it, its tables, queries, SQL and download.
"""

from functools import cache

from datasette import hookimpl

from pipeline.publish.serve import ANALYST, audience_of

GUARDED_ACTIONS = {
    "view-database",
    "view-database-download",
    "view-table",
    "view-query",
    "execute-sql",
}


@cache
def _is_internal(path: str) -> bool:
    return audience_of(path) == "internal"


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    if action not in GUARDED_ACTIONS or resource is None:
        return None
    name = resource[0] if isinstance(resource, tuple) else resource
    database = datasette.databases.get(name)
    if database is None or not database.path or not _is_internal(database.path):
        return None
    if actor and actor.get("id") == ANALYST:
        return True
    return False
