"""Retention of chat messages (P7), called daily by `manage.py purge_expired`."""

from chat import services


def purge_expired(now) -> dict[str, int]:
    """Delete messages past their room's retention period, completely (text, mentions)."""
    return {"Chatnachrichten": services.messages_purge(now=now)}
