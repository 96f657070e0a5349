"""Run every benchmark: `python -m bench.run [--quick]` (make bench, make bench-quick)."""

from __future__ import annotations

import sys

from bench import (
    crawl,
    end_to_end,
    ingest,
    language,
    long_document,
    pagination,
    partitions,
    pdf,
    precision,
    prefect_startup,
    query,
    tokenise,
)

BENCHMARKS = (
    tokenise,
    long_document,
    ingest,
    query,
    crawl,
    pagination,
    end_to_end,
    partitions,
    pdf,
    language,
    precision,
    prefect_startup,
)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = ["--quick"] if "--quick" in argv else []
    for module in BENCHMARKS:
        print(f"== {module.__name__}", flush=True)
        module.main(quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
