"""Embedding drift: Procrustes alignment recovers a rotation; per-period models run."""

from __future__ import annotations

import numpy as np
import pytest

from marketspeak.analysis.embeddings import neighbour_drift, procrustes


def test_procrustes_undoes_a_rotation():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(40, 6))
    rotation, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    rotated = base @ rotation
    found = procrustes(base, rotated)
    assert rotated @ found == pytest.approx(base, abs=1e-9)
    assert found @ found.T == pytest.approx(np.eye(6), abs=1e-9)


def test_per_period_models_are_reproducible_and_report_their_size(read_db):
    first = neighbour_drift(read_db, "customer", by="year", k=5, vector_size=20)
    again = neighbour_drift(read_db, "customer", by="year", k=5, vector_size=20)
    assert len(first) == 20 and (first["tokens"] > 0).all()
    assert first["neighbours"].tolist() == again["neighbours"].tolist()
    similarities = first["similarity_to_previous"].dropna()
    assert ((similarities >= -1) & (similarities <= 1)).all()
