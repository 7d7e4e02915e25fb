"""Fixtures for the OpenID Connect sign-in (a pytest plugin, registered in tests/conftest.py):
one real OpenID provider per test run, and a daphne in OIDC mode on the port the provider
sends its back-channel logouts to. Shared by tests/sso/ and the browser tests in tests/e2e/."""

import pytest

# Accounts at the test OpenID provider: sub -> claims. The personnel number reaches the
# portal in the UserInfo response, as the provider sends scope claims there.
OIDC_ACCOUNTS = {
    "lena": {
        "personnel_number": "T300001",
        "email": "lena.mueller@stadt.example",
        "given_name": "Lena",
        "family_name": "Müller",
    },
    "fremd": {"personnel_number": "T399999", "email": "fremd@stadt.example"},
    "ausgeschieden": {"personnel_number": "T300004", "email": "weg@stadt.example"},
    # Same personnel number as lena, another account: must not take over lena's user.
    "doppelt": {"personnel_number": "T300001", "email": "doppelt@stadt.example"},
    # An e-mail address that the directory gives to someone else.
    "mailgleich": {"personnel_number": "T300002", "email": "lena.mueller@stadt.example"},
    "ohne.nummer": {"email": "ohne@stadt.example"},
    # A provider that names the personnel-number claim differently (OIDC_PERSONNEL_NUMBER_CLAIM).
    "anders": {"employee_number": "T300001", "email": "anders@stadt.example"},
}


@pytest.fixture(scope="session")
def live_portal_port():
    """The port of the daphne that the live sign-in tests start (the provider must know
    its redirect and back-channel URLs before either starts)."""
    from bench.cluster import free_port

    return free_port()


@pytest.fixture(scope="session")
def openid_provider(live_portal_port):
    from tests.support.oidc import BACKCHANNEL_PATH, OpenIDProvider

    live = f"http://127.0.0.1:{live_portal_port}"
    provider = OpenIDProvider(
        portal_urls=["http://testserver", live],
        accounts=OIDC_ACCOUNTS,
        backchannel_url=f"{live}{BACKCHANNEL_PATH}",
    )
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


def oidc_environment(provider) -> dict[str, str]:
    """What a deployment sets for OIDC mode (README), pointing at the test provider."""
    from tests.support.oidc import CLIENT_ID, CLIENT_SECRET

    return {
        "PORTAL_AUTH_MODE": "oidc",
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
    }


@pytest.fixture(scope="session")
def oidc_portal(django_db_setup, django_db_blocker, openid_provider, live_portal_port):
    """The real ASGI app under daphne in OIDC mode, reading the test database: the provider
    redirects browsers to it and posts its back-channel logout tokens to it. Tests that use
    it need django_db(transaction=True), so that daphne sees their people."""
    from tests.support.server import DaphneServer

    server = DaphneServer(port=live_portal_port, extra_env=oidc_environment(openid_provider))
    server.start()
    yield server
    with django_db_blocker.unblock():
        server.stop()
