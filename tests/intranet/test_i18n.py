"""German is the default UI language; English is available through the switch."""

import pytest

pytestmark = pytest.mark.django_db


def test_german_is_the_default(client):
    response = client.get("/anmelden/")
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert "Anmelden" in html
    assert response["Content-Language"] == "de"


def test_browser_language_does_not_override_german(client):
    response = client.get("/anmelden/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="de"' in response.content.decode()


def test_switch_to_english_and_back(client):
    client.post("/sprache/", {"language": "en", "next": "/anmelden/"})
    html = client.get("/anmelden/").content.decode()
    assert '<html lang="en"' in html
    assert "Log in" in html
    client.post("/sprache/", {"language": "de", "next": "/anmelden/"})
    assert '<html lang="de"' in client.get("/anmelden/").content.decode()


def test_login_errors_are_german(client):
    response = client.post("/anmelden/", {"username": "niemand", "password": "falsch"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Die Anmeldung ist fehlgeschlagen." in html
    assert "Benutzername" in html


def test_shell_labels_are_german(client_32):
    html = client_32.get("/").content.decode()
    for label in ["Startseite", "Personen", "Wissen", "Chat", "Abmelden", "Zum Inhalt springen"]:
        assert label in html


def test_wagtail_admin_is_german(client, person_in_32):
    user = person_in_32.user
    user.is_superuser = True
    user.save()
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert 'lang="de"' in html
    assert "Seiten" in html
