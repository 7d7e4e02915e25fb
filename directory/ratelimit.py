"""Rate limits for the directory (S5), kept in Django's cache so every daphne process shares
them when the cache is Redis. A fixed one-minute window per user and scope is enough to stop
bulk scraping without getting in the way of a person looking for colleagues."""

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def rate_limit_key(*, user, scope: str) -> str:
    window = int(time.time() // WINDOW_SECONDS)
    return f"directory-rate:{scope}:{user.pk}:{window}"


def rate_limit_hit(*, user, scope: str) -> bool:
    """Count one request; True when the user has gone over the limit for this minute."""
    limit = settings.DIRECTORY_SEARCH_PER_MINUTE
    key = rate_limit_key(user=user, scope=scope)
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 5)
        count = 1
    return count > limit
