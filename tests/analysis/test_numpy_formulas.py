"""The numpy forms of the schema's formulas, which analysis.changes and the audit's corrected
naming index use, are the schema's macros to the digit: index_share, and per_million."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from marketspeak.analysis.uncertainty import index_share, per_million
from marketspeak.corpus.db import schema_sql

SCHEMA = duckdb.connect()
SCHEMA.execute(schema_sql())
# Counts, and counts weighted by a precision below 1 (the audit's corrected index).
amounts = st.one_of(st.integers(0, 5000).map(float), st.floats(0, 5000, allow_nan=False))
pairs = st.lists(st.tuples(amounts, amounts), min_size=1, max_size=50)


INDEX_SHARE = "SELECT index_share(a, b) AS v FROM pairs"
PER_MILLION = "SELECT per_million(a, b) AS v FROM pairs"


def macro(statement: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A schema macro, as `statement` calls it over columns a and b, on each pair."""
    SCHEMA.register("pairs", pa.table({"a": a, "b": b}))
    try:
        got = SCHEMA.execute(statement).df()
    finally:
        SCHEMA.unregister("pairs")
    return got["v"].to_numpy(float)


@settings(max_examples=60, deadline=None)
@given(pairs)
def test_index_share_is_the_schema_macro_to_the_digit(rows):
    part, other = (np.array(column, float) for column in zip(*rows, strict=True))
    expected = macro(INDEX_SHARE, part, other)
    assert np.array_equal(index_share(part, other), expected, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 10**9)), min_size=1, max_size=50))
def test_per_million_is_the_schema_macro_to_the_digit(rows):
    hits, words = (np.array(column, float) for column in zip(*rows, strict=True))
    expected = macro(PER_MILLION, hits, words)
    assert np.array_equal(per_million(hits, words), expected, equal_nan=True)


def test_a_rate_without_words_is_nan():
    got = per_million(np.array([[3.0, 0.0], [1.0, 2.0]]), np.array([[1_000.0], [0.0]]))
    assert got[0].tolist() == [3_000.0, 0.0] and np.isnan(got[1]).all()


def test_an_index_without_a_denominator_is_nan_and_scalars_work():
    got = index_share(np.array([3.0, 0.0, 0.0]), np.array([1.0, 0.0, 2.0]))
    assert got[0] == 0.75 and np.isnan(got[1]) and got[2] == 0.0
    assert float(index_share(0.9 * 30, 1.0 * 10)) == 27 / 37
    assert np.isnan(float(index_share(0.0, 0.0)))
