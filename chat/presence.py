"""Presence and typing (P2): opt-in, ephemeral, in the cache with a TTL, never in a table.

Nothing here keeps a history: a presence key is one flag that expires, a typing signal is
never stored at all. Both count only while the city-wide switch is on.
"""

from django.core.cache import cache

from intranet.features import feature_enabled

PRESENCE_TTL = 70  # seconds; the client's heartbeat (every 25 s) refreshes it


def _key(user_id: int) -> str:
    return f"chat:presence:{user_id}"


def presence_allowed(preference) -> bool:
    return bool(preference and preference.share_presence) and feature_enabled("presence")


def typing_allowed(preference) -> bool:
    return bool(preference and preference.share_typing) and feature_enabled("typing")


def presence_touch(*, user_id: int) -> None:
    cache.set(_key(user_id), 1, timeout=PRESENCE_TTL)


def presence_clear(*, user_id: int) -> None:
    cache.delete(_key(user_id))


def presence_online(*, user_ids: list[int]) -> list[int]:
    """Which of these people are present right now (only those who share it ever are)."""
    if not user_ids or not feature_enabled("presence"):
        return []
    found = cache.get_many([_key(user_id) for user_id in user_ids])
    return sorted(user_id for user_id in user_ids if _key(user_id) in found)
