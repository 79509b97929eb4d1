"""Benchmarks (printed figures, never timed tests)."""
