"""Near-duplicate documents on the real corpora: clusters found, how alike their members
are, a reading of some of them, and the time of a first run (every signature) against a
second (stored signatures, clusters rebuilt), measured in the same run.

    python -m bench.duplicates --db-dir DIR [--show 10]

DIR holds the databases bench.precision builds (DIR/pm-transcripts.duckdb,
DIR/uk-gov-pdfs.duckdb); each is copied before it is written to.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from marketspeak.corpus.db import connect, schema_sql
from marketspeak.corpus.duplicates import find_duplicates

CORPORA = ("pm-transcripts", "uk-gov-pdfs")
SUMMARY = """
SELECT relation, count(*), round(min(jaccard), 3), round(min(containment), 3)
FROM duplicate_clusters GROUP BY ALL ORDER BY ALL
"""
SHOWN = """
SELECT c.cluster_id, c.doc_id, c.relation, round(c.jaccard, 3), round(c.containment, 3),
       c.reason, d.published, d.n_words, regexp_extract(d.url, '[^/]+$'),
       left(regexp_replace(d.text, '\\s+', ' ', 'g'), 90)
FROM duplicate_clusters c JOIN documents d USING (doc_id)
WHERE c.cluster_id IN (SELECT DISTINCT cluster_id FROM duplicate_clusters
                       ORDER BY hash(cluster_id) LIMIT $show)
ORDER BY c.cluster_id, NOT c.is_representative, c.doc_id
"""
HITS = "SELECT excluded_by = 'duplicate', count(*) FROM hit_status GROUP BY ALL ORDER BY ALL"


def measure(db: Path, show: int) -> None:
    con = connect(db)
    con.execute(schema_sql())  # the signature and cluster tables, on a file built before them
    con.execute("DELETE FROM document_signatures")
    documents = con.execute("SELECT count(*) FROM current_documents").fetchone()[0]
    start = time.perf_counter()
    first = find_duplicates(con)
    first_time = time.perf_counter() - start
    start = time.perf_counter()
    second = find_duplicates(con)
    second_time = time.perf_counter() - start
    print(f"\n## {db.stem}: {documents} current documents")
    print(
        f"first run {first_time:.1f} s ({first}); second run {second_time:.1f} s ({second}); "
        f"ratio {second_time / first_time:.2f}"
    )
    print("relation, members, min jaccard, min containment:")
    for row in con.execute(SUMMARY).fetchall():
        print("  ", row)
    print("hits set aside as duplicate (True) and others:", con.execute(HITS).fetchall())
    for row in con.execute(SHOWN, {"show": show}).fetchall():
        print("  ", " | ".join(str(v) for v in row))
    con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-dir", type=Path, required=True)
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as work:
        for name in CORPORA:
            source = args.db_dir / f"{name}.duckdb"
            if not source.exists():
                print(f"{source}: not built (run bench.precision --db-dir first)", file=sys.stderr)
                continue
            copy = Path(work) / source.name
            shutil.copyfile(source, copy)
            measure(copy, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
