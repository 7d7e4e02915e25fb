"""Benchmark settings: the portal's settings with one extra trivial view as the reference."""

from intranet.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
