"""Two people from two Ämter chat in a cross-office room, in two browser contexts."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from chat import services
from chat.models import Message, ReadCursor
from chat.protocol import HISTORY_PAGE
from tests.e2e.conftest import TIMEZONE, serious_violations
from tests.support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, server, username, next_path, landing=r"/chat/raum/\d+/$"):
    page.goto(f"{server.url}{next_path}")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(landing))


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
        own.hover()
        own.get_by_test_id("chat-message-actions").click()
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


def _history(room, lines, *, start):
    """Send (author, text) lines, then date them `start` plus a minute each (or as given)."""
    for index, (author, text, *when) in enumerate(lines):
        message, _duplicate = services.message_send(
            user=author, room_id=room.pk, client_id=uuid.uuid4().hex, text=text
        )
        moment = when[0] if when else start + timedelta(minutes=index)
        Message.objects.filter(pk=message.pk).update(created_at=moment)


def test_the_workspace_on_a_desk(
    daphne_server, page, person_in_32, colleague_in_32, room_32, settings
):
    """1280 px: the pane fills the viewport and scrolls itself; day separators, grouping,
    the "Neue Nachrichten" line at the own cursor, older pages, delete in a dialog."""
    settings.CHAT_SEND_RATE = 10_000
    now = timezone.now()
    yesterday = now - timedelta(days=1)
    lena, oezlem = person_in_32.user, colleague_in_32.user

    def fill():
        older = [
            (oezlem, f"Alt {n}", yesterday - timedelta(hours=2, minutes=60 - n)) for n in range(60)
        ]
        _history(room_32, older, start=yesterday)
        _history(
            room_32,
            [
                (lena, "Gestern Abend noch eine Frage", yesterday),
                (lena, "und gleich noch eine", yesterday + timedelta(minutes=1)),
                (oezlem, "Guten Morgen, Lena!", now - timedelta(minutes=5)),
                (oezlem, "Heute ist Teambesprechung.", now - timedelta(minutes=4)),
            ],
            start=now,
        )
        ReadCursor.objects.update_or_create(user=lena, room=room_32, defaults={"last_read_seq": 62})

    _in_thread(fill)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, daphne_server, lena.username, f"/chat/raum/{room_32.pk}/")
    page.set_viewport_size({"width": 1280, "height": 900})

    composer = page.get_by_test_id("chat-composer")
    box = composer.bounding_box()
    assert box["y"] + box["height"] <= 900, "the composer is below the fold"
    scroller = page.locator("[data-chat-scroller]")
    assert scroller.evaluate("el => el.scrollHeight > el.clientHeight")

    messages = page.get_by_test_id("chat-messages")
    assert errors == []
    expect(messages.locator(".chat-day", has_text="Heute")).to_have_count(1)
    expect(messages.locator(".chat-day", has_text="Gestern")).to_have_count(1)
    second = page.get_by_test_id("chat-message").filter(has_text="und gleich noch eine")
    expect(second).to_have_class(re.compile("chat-message--continued"))
    line = page.get_by_test_id("chat-new-line")
    expect(line).to_have_count(1)
    assert line.evaluate("el => el.nextElementSibling.textContent.includes('Guten Morgen, Lena!')")
    expect(page.locator(f'[data-unread="{room_32.pk}"]')).to_be_hidden()

    # Scrolling up loads the older page over the socket.
    expect(page.get_by_test_id("chat-message")).to_have_count(50)
    scroller.evaluate("el => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); }")
    expect(page.get_by_test_id("chat-message")).to_have_count(64)

    # Delete is confirmed in an accessible dialog; "Abbrechen" keeps the message.
    seq = page.get_by_test_id("chat-message").filter(has_text="und gleich noch eine")
    own = page.locator(f'[data-testid="chat-message"][data-seq="{seq.get_attribute("data-seq")}"]')
    own.scroll_into_view_if_needed()
    own.hover()
    own.get_by_test_id("chat-message-actions").click()
    own.get_by_role("button", name="Löschen").click()
    dialog = page.get_by_test_id("chat-delete-dialog")
    expect(dialog).to_be_visible()
    assert serious_violations(page) == []
    dialog.get_by_role("button", name="Abbrechen").click()
    expect(dialog).to_be_hidden()
    expect(own).not_to_have_class(re.compile("chat-message--deleted"))
    own.hover()
    own.get_by_test_id("chat-message-actions").click()
    own.get_by_role("button", name="Löschen").click()
    dialog.get_by_role("button", name="Löschen").click()
    expect(own).to_contain_text("Diese Nachricht wurde gelöscht.")

    page.keyboard.press("Escape")
    assert serious_violations(page) == []


def test_the_workspace_on_a_phone(daphne_server, phone_page, person_in_32, room_32):
    """375 px: the room list and the conversation are two views with a back control, and
    the conversation starts at the top of the screen."""
    page = phone_page
    _log_in(page, daphne_server, person_in_32.user.username, f"/chat/raum/{room_32.pk}/")
    expect(page.get_by_test_id("chat-room-heading")).to_be_visible()
    expect(page.get_by_test_id("chat-sidebar")).to_be_hidden()
    page.wait_for_load_state("load")
    page.wait_for_function("document.fonts.status === 'loaded'")
    pane = page.get_by_test_id("chat-pane")
    top = pane.evaluate(
        "el => new Promise(done => requestAnimationFrame(() => "
        "done(el.getBoundingClientRect().top)))"
    )
    assert abs(top) <= 2, f"the conversation starts {top}px down"
    composer = page.get_by_test_id("chat-composer").bounding_box()
    assert composer["y"] + composer["height"] <= 740
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []

    page.get_by_test_id("chat-back").click()
    expect(page.get_by_test_id("chat-sidebar")).to_be_visible()
    expect(page.get_by_test_id("chat-pane")).to_have_count(0)
    page.get_by_label("Räume filtern").fill("oeffentl")
    expect(page.locator("[data-chat-nomatch]")).to_be_visible()
    page.get_by_label("Räume filtern").fill("öffentl")
    page.get_by_role("link", name=re.compile("Amt für öffentliche Ordnung")).click()
    expect(page.get_by_test_id("chat-room-heading")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []


def test_nachricht_senden_from_a_profile_and_a_permalink(
    daphne_server, page, person_in_32, person_in_50, settings
):
    profile = f"/personen/{person_in_50.uuid}/"
    _log_in(page, daphne_server, person_in_32.user.username, profile, landing=profile)
    page.get_by_role("button", name="Nachricht senden").click()
    page.wait_for_url(re.compile(r"/chat/raum/\d+/$"))
    expect(page.get_by_test_id("chat-room-heading")).to_have_text("Jörg Weiß")
    composer = page.get_by_label("Nachricht", exact=True)
    composer.fill("Hallo Jörg, hier ist der Link:")
    composer.press("Enter")
    sent = page.get_by_test_id("chat-message").filter(has_text="Hallo Jörg")
    expect(sent).to_have_attribute("data-seq", re.compile(r"\d+"))
    permalink = sent.locator(".chat-message__time").get_attribute("href")
    page.goto(permalink)
    expect(page.locator(".chat-message--focus")).to_contain_text("Hallo Jörg")
