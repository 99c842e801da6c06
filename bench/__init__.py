"""Podium's benchmarks: ``make bench`` (``python -m bench``) runs every ``*_bench.py``."""
