"""Benchmarks: each reports ratios to a floor measured in the same run."""
