"""A bounded HTTP load generator for the benchmarks: N concurrent users, a fixed number of
requests, latencies per request. Not a benchmark itself (run_all skips helper modules).

Each simulated user may carry its own session cookie (`cookies`), so the portal sees N
logged-in people, not one person in N tabs (sessions, rate limits and caches are per person).
"""

import asyncio
import time
from collections import Counter

import httpx

from bench.common import percentile


def summary(
    latencies: list[float], seconds: float, errors: int, statuses: Counter | None = None
) -> dict:
    return {
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "rps": len(latencies) / seconds if seconds else float("nan"),
        "errors": errors,
        "error_statuses": dict(statuses or {}),
        "count": len(latencies),
        "seconds": seconds,
        "latencies": latencies,
    }


async def _load(
    client: httpx.AsyncClient,
    paths: list[str],
    headers: list[dict],
    concurrency: int,
    requests: int,
    offset: int = 0,
) -> dict:
    """`requests` GETs spread over `concurrency` users; user i sends headers[i]."""
    latencies: list[float] = []
    errors = 0
    statuses: Counter = Counter()
    counter = iter(range(offset, offset + requests))

    async def user(number: int):
        nonlocal errors
        for index in counter:  # shared: the loop ends after exactly `requests` requests
            started = time.perf_counter()
            response = await client.get(paths[index % len(paths)], headers=headers[number])
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors += 1
                statuses[response.status_code] += 1

    started = time.perf_counter()
    await asyncio.gather(*(user(number) for number in range(concurrency)))
    return summary(latencies, time.perf_counter() - started, errors, statuses)


def _headers(cookie: str, cookies: list[str] | None, concurrency: int) -> list[dict]:
    if cookies:
        return [{"Cookie": cookies[index % len(cookies)]} for index in range(concurrency)]
    return [{"Cookie": cookie} if cookie else {} for _ in range(concurrency)]


def _client(base_url: str, concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30)


async def measure(
    base_url: str,
    paths: list[str],
    *,
    cookie: str = "",
    cookies: list[str] | None = None,
    concurrency: int = 20,
    requests: int = 400,
    warmup: int = 20,
) -> dict:
    headers = _headers(cookie, cookies, concurrency)
    async with _client(base_url, concurrency) as client:
        for index in range(warmup):
            await client.get(paths[index % len(paths)], headers=headers[index % concurrency])
        return await _load(client, paths, headers, concurrency, requests)


async def compare(
    base_url: str,
    paths: list[str],
    reference_paths: list[str],
    *,
    cookies: list[str],
    concurrency: int = 20,
    requests: int = 600,
    blocks: int = 6,
    warmup: int = 40,
) -> tuple[dict, dict]:
    """The measured paths and the reference paths at the same concurrency, in alternating
    blocks (reference, measured, reference, …) so that noise which comes and goes on a
    shared machine hits both alike. Each side gets `requests` requests in all."""
    headers = _headers("", cookies, concurrency)
    per_block = max(concurrency, requests // blocks)
    measured: list[float] = []
    reference: list[float] = []
    seconds = {"measured": 0.0, "reference": 0.0}
    errors = {"measured": 0, "reference": 0}
    async with _client(base_url, concurrency) as client:
        for index in range(warmup):
            for group in (paths, reference_paths):
                await client.get(group[index % len(group)], headers=headers[index % concurrency])
        for block in range(blocks):
            for side, group, sink in (
                ("reference", reference_paths, reference),
                ("measured", paths, measured),
            ):
                row = await _load(
                    client, group, headers, concurrency, per_block, offset=block * per_block
                )
                sink += row["latencies"]
                seconds[side] += row["seconds"]
                errors[side] += row["errors"]
    return (
        summary(measured, seconds["measured"], errors["measured"]),
        summary(reference, seconds["reference"], errors["reference"]),
    )


def run(base_url: str, paths: list[str], **kwargs) -> dict:
    return asyncio.run(measure(base_url, paths, **kwargs))


def run_compare(base_url: str, paths: list[str], reference_paths: list[str], **kwargs):
    return asyncio.run(compare(base_url, paths, reference_paths, **kwargs))
