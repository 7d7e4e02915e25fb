"""P1: nothing stores or shows per-person activity to anyone else."""

import os
import re
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from wagtail.models import Page, PageLogEntry

from directory.services import central_hr_group_ensure
from intranet.privacy_register import Audience, entries
from intranet.services import audit_record
from tests.support.factories import TEST_PASSWORD
from tests.support.server import DaphneServer, free_port

ROOT = Path(__file__).resolve().parents[2]

ACTIVITY_NAME = re.compile(
    r"(last_?(login|seen|active|activity|used|visit|read)|seen_at|online|"
    r"(login|view|visit|read|message|edit|click|hit)s?_?count|page_?views?)",
    re.IGNORECASE,
)

# Activity-like fields that exist, and why they do not record activity for others to see.
ALLOWED = {
    "auth.User.last_login": "never written (update_last_login is replaced), shown only to the user",
    "chat.ReadCursor.last_read_seq": (
        "the person's own read position for unread counts: a sequence number, no time; "
        "shown to nobody else (P3)"
    ),
    "wagtailcore.APIToken.last_used_at": "wagtail.api.v3 is not installed: no tokens exist",
    "wagtailadmin.EditingSession.last_seen_at": (
        "Wagtail's warning that someone else is editing the same page right now; "
        "rows go after an hour (purge_expired: 1 day), no history, editors of that page only"
    ),
}


def _activity_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            stored = field.concrete or (field.many_to_many and not field.auto_created)
            if stored and ACTIVITY_NAME.search(field.name):
                yield f"{model._meta.label}.{field.name}"


def test_no_model_stores_activity_beyond_the_justified_fields():
    found = set(_activity_fields())
    assert "auth.User.last_login" in found  # the walk sees Django's field
    assert found <= set(ALLOWED), f"activity fields without justification: {found - set(ALLOWED)}"


def test_the_justifications_hold():
    assert not apps.is_installed("wagtail.api.v3")
    last_login = [e for e in entries() if e.model_label == "auth.User" and "last_login" in e.fields]
    assert [entry.visible_to for entry in last_login] == [(Audience.SELF,)]
    sync_receivers, async_receivers = user_logged_in._live_receivers(None)
    assert update_last_login not in [*sync_receivers, *async_receivers]


@pytest.mark.django_db
def test_logging_in_stores_no_login_time(client, person_in_32):
    response = client.post(
        "/anmelden/", {"username": person_in_32.user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    person_in_32.user.refresh_from_db()
    assert person_in_32.user.last_login is None


@pytest.mark.django_db
def test_pages_and_json_show_nobody_elses_activity(client, person_in_32, person_in_50):
    other = person_in_50.user
    client.post("/anmelden/", {"username": other.username, "password": TEST_PASSWORD})
    client.post("/abmelden/")
    home = Page.objects.get(depth=2).specific
    home.save_revision(user=other)
    PageLogEntry.objects.log_action(home, "wagtail.edit", user=other)
    audit_record(actor=other, action="person.update", target=person_in_50, summary="x")

    client.force_login(person_in_32.user)
    for url in ["/", "/transparenz/", "/meine-daten/", "/meine-daten/export.json"]:
        body = client.get(url).content.decode()
        assert other.username not in body, url
        assert "Weiß" not in body, url


@pytest.mark.django_db
def test_wagtail_user_listing_shows_no_login_times(client, person_in_32):
    user = person_in_32.user
    user.is_superuser = True
    user.save()
    client.force_login(user)
    html = client.get("/admin/users/").content.decode()
    assert "Letzte Anmeldung" not in html and "Last login" not in html
    assert client.get("/admin/users/?ordering=last_login").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/site-history/",
        "/admin/reports/site-history/results/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/locked/",
        "/admin/reports/aging-pages/",
    ],
)
def test_per_editor_reports_are_for_administrators_only(client, person_in_32, url):
    editor = person_in_32.user
    editor.groups.add(central_hr_group_ensure())
    editor.user_permissions.add(
        *get_user_model()
        ._meta.get_field("user_permissions")
        .related_model.objects.filter(codename__in=["change_page", "publish_page", "unlock_page"])
    )
    client.force_login(editor)
    assert client.get(url).status_code == 403
    editor.is_superuser = True
    editor.save()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_reports_menu_hides_activity_reports_from_editors(client, person_in_32):
    person_in_32.user.groups.add(central_hr_group_ensure())
    client.force_login(person_in_32.user)
    html = client.get("/admin/").content.decode()
    assert "/admin/reports/site-history/" not in html


def _no_request_lines(output: str) -> None:
    assert "/healthz" not in output, f"daphne wrote an access log (P1):\n{output[-2000:]}"


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise AssertionError(f"{url} never answered")


def test_make_run_starts_daphne_without_an_access_log(tmp_path):
    """P1: the newcomer's command (and the README's) must not log who opened which page."""
    port = free_port()
    plan = subprocess.run(
        ["make", "-n", "run", f"PORT={port}"], cwd=ROOT, capture_output=True, text=True
    )
    words = shlex.split(
        next(line for line in plan.stdout.splitlines() if "-m intranet.serve" in line)
    )
    assignments = [word for word in words if "=" in word and not word.startswith("-")]
    command = words[len(assignments) :]  # "DEBUG=1 .venv/bin/python -m intranet.serve …"
    env = {**os.environ, **dict(word.split("=", 1) for word in assignments)}
    log = tmp_path / "daphne.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}")
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
        finally:
            server.terminate()
            server.wait(10)
    _no_request_lines(log.read_text(errors="replace"))


def test_cluster_and_test_daphnes_write_no_access_log(db):
    """The cluster's daphne processes log to var/cluster/…; they and the tests' servers are
    started by the same bench.cluster.daphne_command."""
    server = DaphneServer()
    server.start()
    try:
        urllib.request.urlopen(f"{server.url}/healthz", timeout=5).read()
    finally:
        server.stop()
    _no_request_lines(server.output())
