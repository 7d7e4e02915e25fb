"""The portal's URLs plus a trivial view behind the same middleware (login, session, CSP)."""

from django.http import HttpResponse
from django.urls import path

from intranet.urls import urlpatterns as portal_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/trivial/", trivial), *portal_urlpatterns]
