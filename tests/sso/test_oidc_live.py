"""OpenID Connect against the real stack: the portal under daphne in OIDC mode and the real
OpenID provider. A person who signs out at the provider is signed out of the portal at
once: the provider's back-channel logout token ends all of that person's sessions and
closes their open chat sockets with 4003 (the offboarding path, user_sessions_end)."""

import asyncio

import pytest
import requests

from directory.models import LoginSession
from tests.support.factories import PersonFactory
from tests.support.oidc import CALLBACK_PATH, provider_login, provider_logout
from tests.support.sockets import socket_alive as _alive
from tests.support.sockets import socket_closed_with as _closed_with
from tests.support.sockets import socket_open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.oidc]


def _sign_in(portal, login: str) -> requests.Session:
    """One device: the start page, the provider's login page, back to the portal."""
    device = requests.Session()
    start = device.get(f"{portal.url}/anmelden/stadtkonto/", allow_redirects=False, timeout=10)
    assert start.status_code == 302, start.text[:2000]
    callback = provider_login(device, start.headers["Location"], login)
    assert callback.startswith(f"{portal.url}{CALLBACK_PATH}?"), callback
    back = device.get(callback, allow_redirects=False, timeout=10)
    assert (back.status_code, back.headers.get("Location")) == (302, "/"), back.text[:2000]
    return device


def _home_status(portal, device: requests.Session) -> int:
    return device.get(f"{portal.url}/", allow_redirects=False, timeout=10).status_code


def _cookie_header(device: requests.Session) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in device.cookies)


async def _open(portal, device: requests.Session):
    return await socket_open(portal, _cookie_header(device))


def test_signing_out_at_the_provider_closes_the_persons_sessions_and_chat_sockets(
    oidc_portal, openid_provider, amt_32, home_page
):
    """`home_page`: the colleague's session is checked on the home page, which a transactional
    test run earlier may have flushed with the rest of the migration data."""
    lena = PersonFactory(unit=amt_32, personnel_number="T300001", first_name="Lena")
    colleague = PersonFactory(unit=amt_32, personnel_number="T300002")
    laptop, phone = _sign_in(oidc_portal, "lena"), _sign_in(oidc_portal, "lena")
    other = _sign_in(oidc_portal, "mailgleich")
    assert LoginSession.objects.filter(user=lena.user).count() == 2
    assert LoginSession.objects.filter(user=colleague.user).count() == 1

    async def scenario():
        on_laptop, on_phone = await _open(oidc_portal, laptop), await _open(oidc_portal, phone)
        colleagues = await _open(oidc_portal, other)

        # Lena signs out at the provider on her laptop ("yes, everywhere"): the provider
        # posts a logout token to the portal before it answers the browser.
        answer = await asyncio.to_thread(
            provider_logout, laptop, f"{openid_provider.issuer}/session/end"
        )
        assert answer.status_code in (302, 303), answer.text[:2000]

        assert await _closed_with(on_laptop) == 4003
        assert await _closed_with(on_phone) == 4003  # her other device too: all her sessions
        assert await _alive(colleagues)
        await colleagues.close()

    asyncio.run(scenario())
    assert _home_status(oidc_portal, laptop) == 302
    assert _home_status(oidc_portal, phone) == 302
    assert _home_status(oidc_portal, other) == 200
    assert not LoginSession.objects.filter(user=lena.user).exists()
