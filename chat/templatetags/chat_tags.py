"""Template helpers of the chat pages: message times in the portal's own time zone."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def local_time(value: str) -> datetime | None:
    """An ISO timestamp of a message payload as an aware datetime in TIME_ZONE.

    Payloads carry UTC; rendering the string as it is showed times one hour off after a
    reload, while live messages were shown in local time.
    """
    if not value:
        return None
    return timezone.localtime(datetime.fromisoformat(value))


@register.filter
def initials(name: str) -> str:
    """The avatar's letters: first letters of the first and the last word of a name."""
    words = [word for word in str(name).split() if word[:1].isalpha()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()
