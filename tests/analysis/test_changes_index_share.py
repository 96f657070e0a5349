"""The numpy form of the index formula that analysis.changes and the audit's corrected
naming index use is the schema's index_share macro, to the digit."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from marketspeak.analysis.uncertainty import index_share
from marketspeak.corpus.db import schema_sql

SCHEMA = duckdb.connect()
SCHEMA.execute(schema_sql())
# Counts, and counts weighted by a precision below 1 (the audit's corrected index).
amounts = st.one_of(st.integers(0, 5000).map(float), st.floats(0, 5000, allow_nan=False))
pairs = st.lists(st.tuples(amounts, amounts), min_size=1, max_size=50)


def macro_share(part: np.ndarray, other: np.ndarray) -> np.ndarray:
    SCHEMA.register("shares", pa.table({"part": part, "other": other}))
    try:
        got = SCHEMA.execute("SELECT index_share(part, other) AS v FROM shares").df()
    finally:
        SCHEMA.unregister("shares")
    return got["v"].to_numpy(float)


@settings(max_examples=60, deadline=None)
@given(pairs)
def test_index_share_is_the_schema_macro_to_the_digit(rows):
    part, other = (np.array(column, float) for column in zip(*rows, strict=True))
    assert np.array_equal(index_share(part, other), macro_share(part, other), equal_nan=True)


def test_an_index_without_a_denominator_is_nan_and_scalars_work():
    got = index_share(np.array([3.0, 0.0, 0.0]), np.array([1.0, 0.0, 2.0]))
    assert got[0] == 0.75 and np.isnan(got[1]) and got[2] == 0.0
    assert float(index_share(0.9 * 30, 1.0 * 10)) == 27 / 37
    assert np.isnan(float(index_share(0.0, 0.0)))
