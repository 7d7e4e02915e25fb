"""Two people from two Ämter chat in a cross-office room, in two browser contexts."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from chat import services
from chat.protocol import HISTORY_PAGE
from tests.e2e.conftest import TIMEZONE, serious_violations
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
    other_context = browser.new_context(locale="de-DE", timezone_id=TIMEZONE)
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


def test_live_and_reloaded_times_agree_and_read_rooms_show_no_badge(
    daphne_server, page, person_in_32, room_32
):
    """A message sent just after midnight in Berlin (23:xx UTC) shows the same time live
    and after a reload; rooms without unread messages show no "0" badge."""
    path = f"/chat/raum/{room_32.pk}/"
    _log_in(page, daphne_server, person_in_32.user.username, path)
    expect(page.locator(f'[data-unread="{room_32.pk}"]')).to_be_hidden()
    page.get_by_label("Nachricht", exact=True).fill("Zeitprobe")
    page.get_by_label("Nachricht", exact=True).press("Enter")
    live = page.get_by_test_id("chat-message").filter(has_text="Zeitprobe")
    live_time = live.locator("time").inner_text()
    iso = live.locator("time").get_attribute("datetime")
    berlin = page.evaluate(
        """iso => new Date(iso).toLocaleTimeString("de-DE",
             {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Europe/Berlin"})""",
        iso,
    )
    assert live_time == berlin
    page.reload()
    reloaded = page.get_by_test_id("chat-message").filter(has_text="Zeitprobe").locator("time")
    expect(reloaded).to_have_text(live_time)


def test_older_messages_from_just_before_midnight_utc_show_berlin_time(
    daphne_server, browser, person_in_32, room_32, settings
):
    """The client's own rendering (here: an older page loaded over the socket) shows a
    message sent at 23:30 UTC as 00:30 in the portal's time zone, as the server renders it,
    even in a browser whose clock runs in UTC."""
    settings.CHAT_SEND_RATE = 10_000

    def fill():
        with time_machine.travel(datetime(2026, 12, 3, 23, 30, tzinfo=UTC), tick=False):
            services.message_send(
                user=person_in_32.user, room_id=room_32.pk, client_id="nacht", text="Spätdienst"
            )
        for index in range(HISTORY_PAGE):
            services.message_send(
                user=person_in_32.user, room_id=room_32.pk, client_id=f"f-{index}", text=str(index)
            )

    _in_thread(fill)
    context = browser.new_context(locale="de-DE", timezone_id="UTC")
    page = context.new_page()
    _log_in(page, daphne_server, person_in_32.user.username, f"/chat/raum/{room_32.pk}/")
    late = page.get_by_test_id("chat-message").filter(has_text="Spätdienst")
    expect(late).to_have_count(0)
    try:
        page.get_by_role("button", name="Ältere Nachrichten laden").click()
        expect(late.locator("time")).to_have_text("00:30")
    finally:
        context.close()
