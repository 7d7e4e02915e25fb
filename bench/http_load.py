"""A bounded HTTP load generator for the benchmarks: N concurrent users, a fixed number of
requests, latencies per request. Not a benchmark itself (run_all skips helper modules)."""

import asyncio
import time

import httpx

from bench.common import percentile


async def measure(
    base_url: str,
    paths: list[str],
    *,
    cookie: str = "",
    concurrency: int = 20,
    requests: int = 400,
    warmup: int = 20,
) -> dict:
    headers = {"Cookie": cookie} if cookie else {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=30
    ) as client:
        for index in range(warmup):
            await client.get(paths[index % len(paths)])
        latencies: list[float] = []
        errors = 0
        counter = iter(range(requests))

        async def user():
            nonlocal errors
            for index in counter:
                started = time.perf_counter()
                response = await client.get(paths[index % len(paths)])
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(user() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return {
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "rps": len(latencies) / seconds,
        "errors": errors,
        "count": len(latencies),
    }


def run(base_url: str, paths: list[str], **kwargs) -> dict:
    return asyncio.run(measure(base_url, paths, **kwargs))
