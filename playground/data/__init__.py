"""Datasets: generators, bundled real data, user files, splits and transforms."""
