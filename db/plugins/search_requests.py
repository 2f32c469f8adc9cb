"""Cheap full-text search on the big tables: matches only, no facets and no exact count.

A search of `items` or `recommendations` (`?_search=…`, page or JSON) would otherwise
count every match and compute the table's facets over all of them: on a million items a
common word matches over 100,000 rows, and facets queue behind Datasette's few SQL
threads. Such requests get `_nocount=1&_nofacet=1` added (the table pages without a
search keep their facets, and a visitor who asks for a facet with `_facet=` gets it).
Every connection also maps the immutable database into memory (`serve.mmap_size_mb`),
so its threads share the operating system's page cache instead of each reading pages.
"""

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from pipeline.config import section

CHEAP_SEARCH_TABLES = ("items", "recommendations")
CHEAP_SEARCH_ARGUMENTS = (("_nocount", "1"), ("_nofacet", "1"))


def cheap_search_query(path: str, query_string: str) -> str | None:
    """The query string with `_nocount`/`_nofacet` added, or None when the request is not a
    plain search of one of the big tables."""
    table = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    if path.count("/") != 2 or table not in CHEAP_SEARCH_TABLES:
        return None
    arguments = parse_qsl(query_string, keep_blank_values=True)
    names = {name for name, _value in arguments}
    if not any(name == "_search" and value.strip() for name, value in arguments):
        return None
    # _facet, _facet_array, _facet_date: the visitor asked for facets of the matches.
    asked_for_facets = any(name.startswith("_facet") for name in names)
    if asked_for_facets or names >= {name for name, _value in CHEAP_SEARCH_ARGUMENTS}:
        return None
    added = [argument for argument in CHEAP_SEARCH_ARGUMENTS if argument[0] not in names]
    return urlencode(arguments + added)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def cheap_search(scope, receive, send):
            if scope.get("type") == "http":
                query = cheap_search_query(
                    scope.get("path", ""), scope.get("query_string", b"").decode("latin-1")
                )
                if query is not None:
                    scope = {**scope, "query_string": query.encode("latin-1")}
            await app(scope, receive, send)

        return cheap_search

    return wrap


@hookimpl
def prepare_connection(conn):
    megabytes = int(section("serve").get("mmap_size_mb", 0))
    if megabytes:
        conn.execute(f"PRAGMA mmap_size = {megabytes * 2**20}")
