"""The portal's one rate limiter (S5): login, directory paging, chat sending, rooms and
invitations, page feedback. Counters live in Django's cache, so every daphne process
shares them when the cache is Redis (REDIS_URL), and they expire by themselves.

A limit is a count per fixed window of seconds (`Rate`). Each counter's key holds a scope
and a keyed hash of what is counted (a user id, a login name, an address, a session), never
the value itself: the cache must not become a record of who did what (P1). The settings
are listed in the README ("Rate limits").
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Rate:
    count: int  # allowed per window
    seconds: int  # the window


@dataclass(frozen=True)
class Decision:
    limited: bool
    retry_after: int  # seconds until the window ends (for Retry-After and the message)

    @property
    def retry_minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


def _digest(ident) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), str(ident).encode(), hashlib.sha256).hexdigest()[
        :32
    ]


def _window(rate: Rate, now: float) -> tuple[int, int]:
    """The current window's number and the seconds left in it."""
    window = int(now) // rate.seconds
    return window, (window + 1) * rate.seconds - int(now)


def counter_key(scope: str, ident, rate: Rate, now: float | None = None) -> str:
    window, _left = _window(rate, time.time() if now is None else now)
    return f"rate:{scope}:{rate.seconds}:{_digest(ident)}:{window}"


class RateLimited(Exception):
    """A service refuses an action over its limit; the view answers 429 with `message`."""

    def __init__(self, decision: Decision, message: str):
        super().__init__(message)
        self.decision = decision
        self.message = message


def hit(scope: str, ident, rate: Rate, amount: int = 1) -> Decision:
    """Count `amount` events; limited once the window holds more than `rate.count`."""
    now = time.time()
    key = counter_key(scope, ident, rate, now)
    _window_number, left = _window(rate, now)
    cache.add(key, 0, rate.seconds + 5)
    try:
        count = cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, rate.seconds + 5)
        count = amount
    return Decision(limited=count > rate.count, retry_after=left)


def exhausted(scope: str, ident, rate: Rate) -> Decision:
    """Whether the window is already full, without counting (for checks before an attempt)."""
    now = time.time()
    _window_number, left = _window(rate, now)
    count = cache.get(counter_key(scope, ident, rate, now)) or 0
    return Decision(limited=count >= rate.count, retry_after=left)


def reset(scope: str, ident, rate: Rate) -> None:
    cache.delete(counter_key(scope, ident, rate))


def wait_message(decision) -> str:
    """ "Bitte versuchen Sie es in 3 Minuten wieder." """
    minutes = decision.retry_minutes
    return ngettext(
        "Bitte versuchen Sie es in %(minutes)d Minute wieder.",
        "Bitte versuchen Sie es in %(minutes)d Minuten wieder.",
        minutes,
    ) % {"minutes": minutes}


def directory_message(decision) -> str:
    """S5: search, unit pages and the org chart share one paging budget per person."""
    return " ".join(
        [
            _(
                "Sie haben in kurzer Zeit sehr viele Seiten des Personenverzeichnisses "
                "aufgerufen (Suche, Organisationseinheiten, Organigramm)."
            ),
            wait_message(decision),
        ]
    )


# --- Lock-outs: a flag with an expiry, lifted early by deleting it --------------------------


def _lock_key(scope: str, ident) -> str:
    return f"lock:{scope}:{_digest(ident)}"


def lock(scope: str, ident, *, seconds: int, token: str) -> None:
    """Lock `ident` for `seconds`; `token` names this lock-out (a lift link refers to it)."""
    cache.set(_lock_key(scope, ident), {"token": token, "until": time.time() + seconds}, seconds)


def locked(scope: str, ident) -> dict | None:
    """The lock-out in force ({"token", "until"}), or None.

    "until" decides, not only the cache's expiry: a Redis server whose clock runs apart
    from this process (or a test that travels in time) must not keep a lock-out alive."""
    entry = cache.get(_lock_key(scope, ident))
    if entry is None or entry.get("until", 0) <= time.time():
        return None
    return entry


def unlock(scope: str, ident) -> None:
    cache.delete(_lock_key(scope, ident))


# --- The portal's limits, read from the settings on each call (tests change them) ----------


def directory_rates() -> list[Rate]:
    """The directory-paging budget per person: search requests, unit pages, the org chart."""
    return [
        Rate(settings.DIRECTORY_SEARCH_PER_MINUTE, 60),
        Rate(settings.DIRECTORY_PAGES_PER_HOUR, 60 * 60),
    ]


def directory_hit(*, user) -> Decision:
    """Count one directory page for the person; limited if any of the budgets is spent."""
    decisions = [hit("directory", user.pk, rate) for rate in directory_rates()]
    limited = [decision for decision in decisions if decision.limited]
    if limited:
        return max(limited, key=lambda decision: decision.retry_after)
    return decisions[0]


def chat_send_rate() -> Rate:
    return Rate(settings.CHAT_SEND_RATE, settings.CHAT_SEND_RATE_WINDOW)


def chat_room_create_rate() -> Rate:
    return Rate(settings.CHAT_ROOMS_PER_DAY, 24 * 60 * 60)


def chat_invite_rate() -> Rate:
    return Rate(settings.CHAT_INVITES_PER_HOUR, 60 * 60)


def login_account_rate() -> Rate:
    return Rate(settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURE_WINDOW)


def login_address_rate() -> Rate:
    return Rate(settings.LOGIN_FAILURES_PER_ADDRESS, settings.LOGIN_FAILURE_WINDOW)
