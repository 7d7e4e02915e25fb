"""P5: the transparency page and privacy_report are generated from the register."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.html import escape

from intranet.features import FEATURES
from intranet.privacy_register import entries
from intranet.services import feature_switch_set
from tests.support.queries import assert_query_count

pytestmark = pytest.mark.django_db


def test_every_employee_sees_every_register_entry(client_32):
    response = client_32.get("/transparenz/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welche Daten speichert das Portal?" in html
    for entry in entries():
        assert escape(str(entry.purpose)) in html
        assert escape(str(entry.category)) in html
        if entry.on_leaving:
            assert escape(str(entry.on_leaving)) in html
        assert escape(entry.display_title) in html


def test_features_show_their_current_state(client_32, person_in_32):
    feature_switch_set(actor=person_in_32.user, key="typing", enabled=False)
    html = client_32.get("/transparenz/").content.decode()
    for feature in FEATURES:
        assert str(feature.label) in html
    typing = html.split('data-testid="feature-typing"')[1].split("</tr>")[0]
    presence = html.split('data-testid="feature-presence"')[1].split("</tr>")[0]
    assert "ausgeschaltet" in typing
    assert "eingeschaltet" in presence


def test_footer_links_transparency_and_my_data(client_32):
    html = client_32.get("/").content.decode()
    assert 'href="/transparenz/"' in html
    assert 'href="/meine-daten/"' in html


def test_transparency_query_count_is_fixed(client_32):
    client_32.get("/transparenz/")
    # session user, feature switches, footer person, 2× admin-link permissions
    with assert_query_count(5):
        client_32.get("/transparenz/")


def test_privacy_report_prints_markdown(person_in_32):
    feature_switch_set(actor=person_in_32.user, key="presence", enabled=False)
    out = StringIO()
    call_command("privacy_report", stdout=out)
    report = out.getvalue()
    assert report.startswith("# Welche Daten speichert das Portal?")
    assert "| Präsenzanzeige |" in report and "| ausgeschaltet |" in report
    for entry in entries():
        assert f"`{entry.model_label}`" in report
        assert f"### {entry.category}" in report


def test_offboarding_plan_covers_account_sessions_profile_and_authorship():
    from intranet.privacy_register import offboarding_plan

    planned = {entry.model_label for entry, _text in offboarding_plan()}
    assert {"auth.User", "sessions.Session", "directory.Person", "wagtailcore.Page"} <= planned
