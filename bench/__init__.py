"""Benchmarks that print figures; results go in bench/RESULTS.md."""
