"""The site's search page, where the landing page's search box goes: `/DATABASE/-/szukaj?q=…`.

It runs the two search queries declared in `db/metadata.yaml` — `wyszukiwanie`
(recommendations) and `wyszukiwanie_wypowiedzi` (items) — with the visitor's words and
shows both lists on one page (`/DATABASE/-/szukaj.json?q=…` gives them as JSON). The
queries read a bounded number of matches from the full-text index in its own (rowid)
order, so a search costs about a millisecond of SQL however many items a common word
matches. Rowids follow from each row's content (pipeline/publish/rowids.py), the same
after a full and an incremental build: items come by meeting date (oldest first), then
note, then position in the note; recommendations are read most groups first, and the
20 most supported of the first 1,000 are shown. Datasette's table search
(`items?_search=`) sorts every match by primary key first (docs/scaling.md). Access is
that of the two canned queries: the internal database's search is the signed-in
analyst's only (db/plugins/access.py).
"""

from datasette import NotFound, Response, hookimpl
from datasette.utils import tilde_encode

# (key in the page and the JSON, canned query of db/metadata.yaml)
SEARCHES = (("recommendations", "wyszukiwanie"), ("items", "wyszukiwanie_wypowiedzi"))


async def search_page(datasette, request):
    database = request.url_vars["database"]
    if database not in datasette.databases:
        raise NotFound("Nie ma takiej bazy / No such database")
    words = request.args.get("q", "").strip()
    results = {}
    for key, name in SEARCHES:
        await datasette.ensure_permissions(
            request.actor,
            [("view-query", (database, name)), ("view-database", database), "view-instance"],
        )
        query = await datasette.get_canned_query(database, name, request.actor)
        rows = []
        if words:
            rows = (await datasette.get_database(database).execute(query["sql"], {"q": words})).rows
        results[key] = [dict(row) for row in rows]
    if request.url_vars.get("format") == "json":
        return Response.json({"q": words, **results})
    linked = {key: _with_links(datasette, database, key, rows) for key, rows in results.items()}
    context = {"database": database, "q": words, "queries": dict(SEARCHES), **linked}
    return Response.html(await datasette.render_template("szukaj.html", context, request=request))


def _with_links(datasette, database: str, table: str, rows: list[dict]) -> list[dict]:
    """The rows, each with the URL of its row page (`urls.row` per row in the template
    took a third of the page's time)."""
    base = datasette.urls.table(database, table)
    return [{**row, "url": f"{base}/{tilde_encode(row['id'])}"} for row in rows]


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/-/szukaj(\.(?P<format>json))?$", search_page)]
