"""Real servers for the sign-in tests: OpenLDAP's slapd (tests/support/ldap_server.py) and
an OpenID provider (tests/support/oidc.py), each started by the tests on a loopback port."""

import pytest

from intranet.sso.modes import backends_for
from tests.support import ldap_server

# Accounts in the test directory; the people with these personnel numbers are created per
# test (the database is rolled back after each one, the directory is not).
LDAP_ACCOUNTS = [
    {"uid": "lena.mueller", "number": "T100001"},
    {"uid": "gesperrt", "number": "T100002", "locked": True},
    {"uid": "ad.gesperrt", "number": "T100003", "ad_disabled": True},
    {"uid": "ausgeschieden", "number": "T100004"},
    {"uid": "fremd", "number": "T999999"},
    {"uid": "ohne.nummer", "number": None},
    *({"uid": f"kollegin{index}", "number": f"T20000{index}"} for index in range(1, 6)),
]


@pytest.fixture(scope="session")
def city_slapd():
    server = ldap_server.CitySlapd()
    server.start()
    try:
        server.seed(LDAP_ACCOUNTS)
        yield server
    finally:
        server.stop()  # terminates slapd by its process, removes its data directory


@pytest.fixture
def ldap_mode(settings, city_slapd):
    """The portal in LDAP mode against the test slapd, over StartTLS (or LDAPS)."""
    from intranet.sso.ldap_auth import ldap_settings

    def apply(flavour: str = "openldap", *, ldaps: bool = False, **overrides):
        settings.PORTAL_AUTH_MODE = "ldap"
        settings.AUTHENTICATION_BACKENDS = backends_for("ldap")
        values = ldap_settings(
            server_uri=city_slapd.ldaps_uri if ldaps else city_slapd.ldap_uri,
            user_base=ldap_server.PEOPLE,
            bind_dn=ldap_server.SERVICE_DN,
            bind_password=ldap_server.SERVICE_PASSWORD,
            flavour=flavour,
            start_tls=not ldaps,
            ca_file=ldap_server.CA_FILE,
        )
        values.update(overrides)
        for name, value in values.items():
            setattr(settings, name, value)
        return city_slapd

    return apply


@pytest.fixture
def oidc_mode(settings, openid_provider):
    """The portal in OIDC mode against the test provider (for Django's test client)."""
    from tests.support.oidc import CLIENT_ID, CLIENT_SECRET

    settings.PORTAL_AUTH_MODE = "oidc"
    settings.AUTHENTICATION_BACKENDS = backends_for("oidc")
    settings.OIDC_ISSUER = openid_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_REDIRECT_REQUIRE_HTTPS = False
    settings.OIDC_JWKS_MIN_REFRESH_SECONDS = 0
    return openid_provider
