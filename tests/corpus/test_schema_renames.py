"""Column names that say what they hold (schema version 13): document_counts.trend_date and
the trends' n_words, with the old names kept for one release as deprecated columns that
carry the same values; a version-12 file is carried forward to them."""

from __future__ import annotations

import re

import duckdb
import pytest

from marketspeak.corpus.db import SCHEMA_VERSION, connect

# Old name -> the name that replaces it, per relation.
DEPRECATED = {
    "document_counts.published": "trend_date",
    "trend_yearly.n_tokens": "n_words",
    "v_index.n_tokens": "n_words",
}
DEPRECATION = re.compile(r"^deprecated: use (\w+); removed in 0\.3\b")


def add_counted_document(con: duckdb.DuckDBPyConnection) -> None:
    """One council document of 10 words dated by its JSON-LD, with one market role hit and
    one relational hit, and one document dated only by htmldate (undated for trends)."""
    con.execute("INSERT INTO sources VALUES ('s', 'council', ['http://127.0.0.1/'], now())")
    con.execute(
        "INSERT INTO documents (doc_id, source, url, published, date_source, content_type,"
        " content_sha256, text, n_chars, n_tokens, n_words, first_seen, last_seen) VALUES"
        " ('d1', 's', 'http://127.0.0.1/a', '2020-03-01', 'json-ld', 'html', 'h1', 'x', 1,"
        " 12, 10, now(), now()),"
        " ('d2', 's', 'http://127.0.0.1/b', '2021-06-01', 'htmldate', 'html', 'h2', 'y', 1,"
        " 7, 5, now(), now())"
    )
    con.execute(
        "INSERT INTO document_urls VALUES ('http://127.0.0.1/a', 'd1', 's', now(), now(),"
        " NULL, NULL), ('http://127.0.0.1/b', 'd2', 's', now(), now(), NULL, NULL)"
    )
    con.execute(
        "INSERT INTO term_hits VALUES ('d1', 'market', 'customer', 'role', 0, 1, 'customer',"
        " true, ''), ('d1', 'relational', 'community', 'place', 3, 1, 'community', true, '')"
    )


# document_counts as schema version 12 defined it.
VERSION_12_DOCUMENT_COUNTS = """
CREATE OR REPLACE VIEW document_counts AS
SELECT d.doc_id, d.source, s.kind AS source_kind, d.trend_date AS published,
       d.english_words AS n_words,
       count(h.doc_id) FILTER (WHERE h.lexicon = 'market') AS market_hits,
       count(h.doc_id) FILTER (WHERE h.lexicon = 'relational') AS relational_hits,
       count(h.doc_id) FILTER (WHERE h.lexicon = 'market' AND h.category = 'role')
           AS market_role_hits,
       count(h.doc_id) FILTER (WHERE h.lexicon = 'relational' AND h.category = 'role')
           AS relational_role_hits
FROM english_documents d
LEFT JOIN sources s ON s.name = d.source
LEFT JOIN english_hits h USING (doc_id)
GROUP BY ALL
"""


@pytest.fixture()
def version_12_file(tmp_path):
    """A file as version 12 left it: document_counts has published and no trend_date, and
    the version-13 macros do not exist."""
    path = tmp_path / "v12.duckdb"
    connect(path).close()
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM schema_migrations WHERE version > 12")
    con.execute("DROP MACRO TABLE period_documents")
    con.execute("DROP MACRO trend_measures")
    con.execute(VERSION_12_DOCUMENT_COUNTS)
    add_counted_document(con)
    con.close()
    return path


def test_a_version_12_file_is_carried_forward_to_the_new_names(version_12_file):
    connect(version_12_file).close()

    con = duckdb.connect(str(version_12_file), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == (
        SCHEMA_VERSION
    )
    rows = con.execute(
        "SELECT doc_id, trend_date, published, n_words FROM document_counts ORDER BY doc_id"
    ).fetchall()
    assert [(d, str(t), str(p), n) for d, t, p, n in rows] == [
        ("d1", "2020-03-01", "2020-03-01", 10),
        ("d2", "None", "None", 5),
    ]
    years = con.execute(
        "SELECT year(period_start), n_documents, n_words, n_tokens, naming_index,"
        " market_share_index FROM trend('year')"
    ).fetchall()
    assert years == [(2020, 1, 10, 10, 1.0, 0.5), (None, 1, 5, 5, None, None)]


def test_every_deprecated_column_says_what_replaces_it_and_holds_the_same_values(tmp_path):
    path = tmp_path / "fresh.duckdb"
    con = connect(path)
    add_counted_document(con)
    found = {
        f"{table}.{column}": comment
        for table, column, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns()"
            " WHERE comment LIKE 'deprecated%'"
        ).fetchall()
    }
    assert set(found) == set(DEPRECATED)
    for name, comment in found.items():
        relation, old = name.split(".")
        replacement = DEPRECATION.match(comment)
        assert replacement and replacement.group(1) == DEPRECATED[name], comment
        new = replacement.group(1)
        differ = con.execute(
            f"SELECT count(*) FROM {relation} WHERE {old} IS DISTINCT FROM {new}"  # noqa: S608
        ).fetchone()[0]
        assert differ == 0, name
    con.close()


@pytest.mark.parametrize("macro", ["trend", "trend_by_source", "trend_by_kind"])
def test_trend_macros_name_words_n_words_and_keep_n_tokens_last(tmp_path, macro):
    con = connect(tmp_path / "fresh.duckdb")
    add_counted_document(con)
    frame = con.execute(f"SELECT * FROM {macro}('year')").df()  # noqa: S608 (our names)
    assert frame.columns[-1] == "n_tokens"
    assert frame["n_tokens"].tolist() == frame["n_words"].tolist() == [10, 5]
    con.close()
