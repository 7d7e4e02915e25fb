"""Whether a login session still holds, for connections that outlive a request (chat)."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY


def session_store(session_key: str | None = None):
    """The configured session store (cached_db: the cache entry and the database row)."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_is_live(*, session_key: str | None, user_id: int) -> bool:
    """True while the session exists, has not expired and still logs in this user.

    A read only: loading never extends the session. With cached_db it is one cache read;
    the database is asked only when the cache has lost the entry.
    """
    if not session_key:
        return False
    data = session_store(session_key).load()
    return data.get(SESSION_KEY) == str(user_id)
