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
