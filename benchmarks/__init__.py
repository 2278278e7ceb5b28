"""Benchmarks of the running system (see benchmarks/README.md); not part of the test suite."""
