"""Benchmarks: synthetic corpora, timings and ratios against baselines measured in the same run."""
