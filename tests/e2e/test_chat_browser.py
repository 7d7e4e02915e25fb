"""Two people from two Ämter chat in a cross-office room, in two browser contexts."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from chat import services
from tests.e2e.conftest import serious_violations
from tests.support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, server, username, next_path):
    page.goto(f"{server.url}{next_path}")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/chat/raum/\d+/$"))


def _in_thread(func, **kwargs):
    # Playwright's event loop runs in this thread; services broadcast with async_to_sync,
    # which must run where no loop is running, as in the portal's own request threads.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, **kwargs).result()


def test_two_amter_chat_in_a_cross_office_room(
    daphne_server, browser, page, person_in_32, person_in_50
):
    room = _in_thread(
        services.cross_office_room_create,
        creator=person_in_32.user,
        name="Digitalisierung ämterübergreifend",
    )
    _in_thread(services.room_invite, room=room, actor=person_in_32.user, users=[person_in_50.user])
    path = f"/chat/raum/{room.pk}/"
    csp_errors = []
    page.on(
        "console", lambda m: csp_errors.append(m.text) if "Content Security" in m.text else None
    )
    other_context = browser.new_context(locale="de-DE")
    other = other_context.new_page()
    try:
        _log_in(page, daphne_server, person_in_32.user.username, path)
        _log_in(other, daphne_server, person_in_50.user.username, path)
        expect(page.get_by_test_id("chat-room-heading")).to_have_text(
            "Digitalisierung ämterübergreifend"
        )

        composer = page.get_by_label("Nachricht", exact=True)
        composer.fill("Hallo aus Amt 32, **wer** macht mit?")
        composer.press("Enter")
        incoming = other.get_by_test_id("chat-messages").get_by_test_id("chat-message").last
        expect(incoming).to_contain_text("Hallo aus Amt 32, wer macht mit?")
        expect(incoming.locator("strong")).to_have_text("wer")
        expect(incoming.get_by_role("link", name="Lena Müller")).to_be_visible()
        # Screen readers hear it: the polite live region names the author.
        expect(other.locator("[data-chat-announcer]")).to_contain_text("Lena Müller")

        reply = other.get_by_label("Nachricht", exact=True)
        reply.fill("Das Sozialamt ist dabei.")
        reply.press("Shift+Enter")
        reply.type("Ich schicke die Liste.")
        reply.press("Enter")
        answer = page.get_by_test_id("chat-messages").get_by_test_id("chat-message").last
        expect(answer).to_contain_text("Das Sozialamt ist dabei.")
        expect(answer.locator("br")).to_have_count(1)
        expect(answer).to_contain_text("Jörg Weiß")
        expect(composer).to_have_value("")

        # Edit the own message with the keyboard-reachable button.
        seq = (
            page.get_by_test_id("chat-message")
            .filter(has_text="Hallo aus Amt 32")
            .get_attribute("data-seq")
        )
        own = page.locator(f'[data-testid="chat-message"][data-seq="{seq}"]')
        own.get_by_role("button", name="Bearbeiten").click()
        editor = own.get_by_role("textbox", name="Nachricht bearbeiten")
        editor.fill("Hallo aus Amt 32, wer macht noch mit?")
        own.get_by_role("button", name="Speichern").click()
        edited = other.get_by_test_id("chat-message").filter(has_text="wer macht noch mit?")
        expect(edited).to_contain_text(re.compile("bearbeitet"))

        assert serious_violations(page) == []
        assert serious_violations(other) == []
        assert csp_errors == []
    finally:
        other_context.close()


def test_chat_page_works_on_a_phone(daphne_server, phone_page, person_in_32):
    _log_in(phone_page, daphne_server, person_in_32.user.username, "/chat/")
    expect(phone_page.get_by_test_id("chat-room-heading")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"chat scrolls sideways on a phone ({width}px)"
    assert serious_violations(phone_page) == []
