"""S7: every URL needs a login, except an explicit public allowlist."""

import re
import uuid

import pytest
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from intranet.urls import PUBLIC_URL_NAMES

SAMPLES = {
    "int": "1",
    "str": "beispiel",
    "slug": "beispiel",
    "uuid": str(uuid.uuid4()),
    "path": "a/b",
}


def _sample_route(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "1"), route)


def _sample_regex(regex: str) -> str:
    regex = regex.lstrip("^").rstrip("$")
    regex = re.sub(r"\(\?P<\w+>[^)]*\)\??", "1", regex)
    regex = re.sub(r"\([^)]*\)\?", "", regex)
    return regex.replace("\\", "").replace("?", "")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        part = str(pattern.pattern)
        sample = _sample_route(part) if "<" in part and "(?P" not in part else _sample_regex(part)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + sample)
        elif isinstance(pattern, URLPattern):
            yield prefix + sample, pattern


ALL_PATTERNS = list(_walk(get_resolver().url_patterns))


def _requestable(path: str, pattern: URLPattern) -> bool:
    try:
        match = resolve("/" + path.lstrip("/"))
    except Resolver404:
        return False
    return match.func is pattern.callback or (pattern.name and match.url_name == pattern.name)


def _is_public(callback) -> bool:
    return getattr(callback, "login_required", True) is False


def test_the_url_conf_is_walked():
    # Guard against a walker that silently finds nothing (a test that cannot fail).
    assert len(ALL_PATTERNS) > 100
    names = {pattern.name for _path, pattern in ALL_PATTERNS}
    assert {"login", "logout", "healthz", "accessibility"} <= names


def test_the_allowlist_is_public():
    public = {pattern.name for _path, pattern in ALL_PATTERNS if _is_public(pattern.callback)}
    assert PUBLIC_URL_NAMES <= public


# Shadowed patterns (Wagtail's own login pages, replaced in intranet/urls.py) can't be reached.
OPTED_OUT = [
    ("/" + path.lstrip("/"), pattern)
    for path, pattern in ALL_PATTERNS
    if _is_public(pattern.callback)
    and pattern.name not in PUBLIC_URL_NAMES
    and _requestable(path, pattern)
]


def test_views_that_skip_the_login_middleware_are_only_wagtails_admin_api():
    # DRF views opt out of Django's login middleware and guard themselves; Wagtail wraps its
    # admin API in its own admin-access check. Nothing else may opt out.
    assert {url.split("/")[2] for url, _p in OPTED_OUT} == {"api"}


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "pattern"), OPTED_OUT, ids=[url for url, _p in OPTED_OUT])
def test_views_outside_the_middleware_still_refuse_anonymous_visitors(client, url, pattern):
    response = client.get(url)
    assert response.status_code in (302, 403, 404), (url, response.status_code)
    if response.status_code == 302:
        assert response["Location"].startswith(("/anmelden/", "/admin/login/")), url


def test_login_middleware_is_installed(settings):
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    assert LoginRequiredMiddleware  # the class the setting names exists in this Django


PROTECTED = [(path, pattern) for path, pattern in ALL_PATTERNS if not _is_public(pattern.callback)]
REQUESTABLE = [
    ("/" + path.lstrip("/"), pattern) for path, pattern in PROTECTED if _requestable(path, pattern)
]


def test_most_protected_urls_are_requested_for_real():
    # Every pattern is covered by the callback check above; this makes sure the request
    # check below also reaches the large majority of them with a concrete URL.
    assert len(REQUESTABLE) >= 0.8 * len(PROTECTED), (len(REQUESTABLE), len(PROTECTED))


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "pattern"), REQUESTABLE, ids=[url for url, _p in REQUESTABLE])
def test_anonymous_request_is_sent_to_login(client, url, pattern):
    response = client.get(url)
    assert response.status_code in (302, 403, 404), (url, response.status_code)
    if response.status_code == 302:
        # Wagtail's admin views name their own login URL, which itself sends anonymous
        # visitors on to the portal's one login page (see the test below).
        assert response["Location"].startswith(("/anmelden/", "/admin/login/")), (
            url,
            response["Location"],
        )


@pytest.mark.django_db
def test_public_urls_answer_without_login(client):
    assert client.get("/anmelden/").status_code == 200
    assert client.get("/healthz").status_code == 200
    response = client.post("/sprache/", {"language": "en", "next": "/anmelden/"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_unknown_paths_and_wagtail_pages_need_login(client):
    for url in [
        "/",
        "/startseite/",
        "/gibt-es-nicht/",
        "/admin/",
        "/admin/login/",
        "/_util/login/",
        "/personen/",
        "/chat/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/anmelden/"), url


@pytest.mark.django_db
def test_wagtail_login_pages_hand_over_to_the_portal(client, person_in_32):
    from directory.services import central_hr_group_ensure

    person_in_32.user.groups.add(central_hr_group_ensure())
    client.force_login(person_in_32.user)
    assert client.get("/admin/login/?next=/admin/pages/")["Location"] == "/admin/pages/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"
    assert client.get("/_util/login/")["Location"] == "/"


@pytest.mark.django_db
def test_wagtail_admin_login_refuses_people_without_admin_access(client_32):
    # No redirect loop between Wagtail's admin check and the portal's login.
    assert client_32.get("/admin/login/?next=/admin/").status_code == 403
