"""Lemma search in Datasette: `?_search=mieszkań` also finds "mieszkaniach".

Datasette passes the search box through the SQL function `escape_fts`; this plugin
registers its own after Datasette's (trylast), which escapes the same way and adds each
word's lemmas (`pipeline.publish.search.fts_query`). Canned queries use `lemma_query(:q)`
and `passage(text, :q)` for the matched words in context.
"""

from datasette import hookimpl

from pipeline.publish.search import fts_query, passage


@hookimpl
def startup(datasette):
    # Loading the Polish and Ukrainian lemmatisers takes about a second: do it before
    # the first visitor searches, not during their request.
    fts_query("mieszkanie житло")


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("lemma_query", 1, fts_query, deterministic=True)
    conn.create_function("passage", 2, passage, deterministic=True)
