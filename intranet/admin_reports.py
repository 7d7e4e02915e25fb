"""Wagtail's per-editor reports, wrapped so that only administrators reach them (P1).

Mounted in intranet/urls.py in front of Wagtail's admin, so these paths reach the wrapped
views first; Wagtail's URL names keep pointing at the same paths.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import path
from wagtail.admin.urls import reports as wagtail_reports

from intranet import permissions
from intranet.admin_views import ACTIVITY_REPORTS


def _administrators_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.user_may_view_activity_reports(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


activity_report_urlpatterns = [
    path(str(pattern.pattern), _administrators_only(pattern.callback), name=pattern.name)
    for pattern in wagtail_reports.urlpatterns
    if pattern.name.removesuffix("_results") in ACTIVITY_REPORTS
]
