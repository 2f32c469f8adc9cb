"""Site-wide pieces of the Datasette configuration that depend on the served files.

`db/metadata.yaml` describes the databases under the name `rekomendacje`; a database
served under another file name (e.g. `rekomendacje-internal.db`) gets the same table
descriptions, facets and canned queries; the internal one its own description. The
landing page learns which database is the public one, and the districts and themes
for its forms.
"""

from functools import cache

from datasette import hookimpl

from pipeline.analysis import research_queries
from pipeline.publish.serve import audience_of
from pipeline.vocabulary import districts, taxonomy

TEMPLATE_DATABASE = "rekomendacje"
PLUGIN = "rekomendacje-site"

# The databases are immutable while served, so each file's audience is read once.
_audience = cache(audience_of)


def _served(datasette):
    return [
        (name, database)
        for name, database in datasette.databases.items()
        if database.path and not name.startswith("_")
    ]


@hookimpl
def get_metadata(datasette, key, database, table):
    local = datasette._metadata_local or {}
    template = (local.get("databases") or {}).get(TEMPLATE_DATABASE)
    if not template:
        return {}
    internal = {**template, **_internal_overrides(datasette)}
    return {
        "databases": {
            name: internal if _audience(served.path) == "internal" else template
            for name, served in _served(datasette)
            if name != TEMPLATE_DATABASE
        }
    }


def _internal_overrides(datasette) -> dict:
    # Read from the local metadata: plugin_config() would call this hook again.
    config = ((datasette._metadata_local or {}).get("plugins") or {}).get(PLUGIN) or {}
    description = config.get("internal_description")
    return {"description": description} if description else {}


COUNTS_SQL = """
select (select count(*) from notes) as notes,
       (select count(*) from items) as items,
       (select count(*) from recommendations where kind = 'recommendation') as recommendations,
       (select count(*) from recommendations where kind = 'problem') as problems,
       (select count(*) from recommendations where kind = 'good_practice') as good_practices,
       (select count(*) from partnerships) as partnerships,
       (select count(*) from partnerships where cross_sector = 1) as cross_sector
"""


@hookimpl
def extra_template_vars(template, datasette):
    public = [name for name, db in _served(datasette) if _audience(db.path) == "public"]
    internal = [name for name, db in _served(datasette) if _audience(db.path) == "internal"]
    public_database = public[0] if public else TEMPLATE_DATABASE

    async def template_vars():
        counts = None
        # Only the landing page shows the counts; other pages do not pay for the query.
        if template == "index.html" and public_database in datasette.databases:
            result = await datasette.get_database(public_database).execute(COUNTS_SQL)
            counts = dict(result.first())
        return {
            "public_database": public_database,
            "internal_database": internal[0] if internal else None,
            "district_choices": [(d.code, d.name) for d in districts().values()],
            "theme_choices": [(label.code, label.pl) for label in taxonomy()["themes"].values()],
            "counts": counts,
        }

    return template_vars


@hookimpl
def canned_queries(datasette, database):
    """The researchers' example SQL (db/research-queries.yaml) beside the policymakers' queries."""
    served = dict(_served(datasette))
    if database not in served or _audience(served[database].path) != "public":
        return {}
    # Copies: Datasette adds keys to the queries it is given.
    return {name: dict(query) for name, query in _research_canned_queries().items()}


@cache
def _research_canned_queries() -> dict[str, dict]:
    # Parsing the YAML took 40 ms, on every query page and every search.
    return {
        name: {
            "title": query.title,
            "description": f"{query.question_pl} / {query.question_en}",
            "sql": query.sql,
        }
        for name, query in research_queries().items()
    }
