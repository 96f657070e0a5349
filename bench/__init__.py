"""On-demand benchmarks (`make bench`, `make bench-quick`); results in bench/RESULTS.md."""
