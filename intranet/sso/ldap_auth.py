"""LDAP / Active Directory bind through django-auth-ldap (docs/authentication.md).

The settings come from `ldap_settings()`, which intranet/settings.py calls with the
environment in LDAP mode (and whenever LDAP_SERVER_URI is set, for the lifecycle job).
"""

import ldap
from django.conf import settings
from django_auth_ldap.backend import LDAPBackend
from django_auth_ldap.config import LDAPSearch
from ldap.controls import SimplePagedResultsControl

from intranet.sso import accounts

AD = "ad"
OPENLDAP = "openldap"
# userAccountControl bit ACCOUNTDISABLE (MS-ADTS 2.2.16)
AD_ACCOUNTDISABLE = 0x2
PAGE_SIZE = 500  # below AD's MaxPageSize of 1,000

DEFAULTS = {
    AD: {"user_filter": "(sAMAccountName=%(user)s)", "personnel_number": "employeeID"},
    OPENLDAP: {"user_filter": "(uid=%(user)s)", "personnel_number": "employeeNumber"},
}


def ldap_settings(
    *,
    server_uri: str,
    user_base: str,
    bind_dn: str = "",
    bind_password: str = "",
    flavour: str = AD,
    user_filter: str = "",
    personnel_number_attribute: str = "",
    start_tls: bool = False,
    ca_file: str = "",
    timeout: int = 10,
) -> dict:
    """The AUTH_LDAP_* and PORTAL_LDAP_* settings for one directory."""
    if flavour not in DEFAULTS:
        raise ValueError(f"LDAP_FLAVOUR muss 'ad' oder 'openldap' sein, nicht {flavour!r}")
    number_attribute = personnel_number_attribute or DEFAULTS[flavour]["personnel_number"]
    global_options = {ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND}
    if ca_file:
        global_options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
    return {
        "AUTH_LDAP_SERVER_URI": server_uri,
        "AUTH_LDAP_START_TLS": start_tls,
        "AUTH_LDAP_BIND_DN": bind_dn,
        "AUTH_LDAP_BIND_PASSWORD": bind_password,
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            user_base,
            ldap.SCOPE_SUBTREE,
            user_filter or DEFAULTS[flavour]["user_filter"],
            # operational attributes are not in "*": ask for the lock marker by name
            attrlist=["*", number_attribute, "userAccountControl", "pwdAccountLockedTime"],
        ),
        # AD answers searches at the domain root with referrals that python-ldap would
        # chase anonymously (django-auth-ldap#305): never follow them.
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_REFERRALS: 0,
            ldap.OPT_NETWORK_TIMEOUT: timeout,
            ldap.OPT_TIMEOUT: timeout,
        },
        "AUTH_LDAP_GLOBAL_OPTIONS": global_options,
        # The directory Person is HR's; nothing from LDAP overwrites the portal user.
        "AUTH_LDAP_USER_ATTR_MAP": {},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": False,
        "PORTAL_LDAP_FLAVOUR": flavour,
        "PORTAL_LDAP_USER_BASE": user_base,
        "PORTAL_LDAP_PERSONNEL_NUMBER_ATTRIBUTE": number_attribute,
    }


def _first(attrs, name: str) -> str | None:
    values = attrs.get(name) if attrs else None
    if not values:
        return None
    value = values[0]
    return value.decode() if isinstance(value, bytes) else value


def entry_is_disabled(attrs, *, flavour: str) -> bool:
    """AD: the ACCOUNTDISABLE bit of userAccountControl. OpenLDAP: a pwdAccountLockedTime
    (the ppolicy overlay's lock; slapd's own check applies only where the overlay runs)."""
    if flavour == AD:
        control = _first(attrs, "userAccountControl")
        return control is not None and int(control) & AD_ACCOUNTDISABLE != 0
    return _first(attrs, "pwdAccountLockedTime") is not None


class PortalLDAPBackend(LDAPBackend):
    """A bind with the city account's password; the portal user is the one of the
    directory Person with the entry's personnel number. Never creates a Person."""

    def get_or_build_user(self, username, ldap_user):
        request = ldap_user._request
        if entry_is_disabled(ldap_user.attrs, flavour=settings.PORTAL_LDAP_FLAVOUR):
            accounts.refusal_note(request, "disabled")
            raise ldap_user.AuthenticationFailed("account disabled in the directory")
        number = _first(ldap_user.attrs, settings.PORTAL_LDAP_PERSONNEL_NUMBER_ATTRIBUTE)
        try:
            user = accounts.user_for_personnel_number(number)
        except accounts.LoginRefused as refused:
            accounts.refusal_note(request, refused.code)
            raise ldap_user.AuthenticationFailed(refused.code) from None
        accounts.ldap_identity_remember(user, number)
        return user, False


def directory_connection():
    """A connection bound as the service account, with the same options as the login."""
    for option, value in settings.AUTH_LDAP_GLOBAL_OPTIONS.items():
        ldap.set_option(option, value)
    connection = ldap.initialize(settings.AUTH_LDAP_SERVER_URI, bytes_mode=False)
    for option, value in settings.AUTH_LDAP_CONNECTION_OPTIONS.items():
        connection.set_option(option, value)
    if settings.AUTH_LDAP_START_TLS:
        connection.start_tls_s()
    connection.simple_bind_s(settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD)
    return connection


def paged_search(connection, base: str, filterstr: str, attrlist: list[str], *, page_size=None):
    """Every entry of a subtree search, page by page (RFC 2696): AD hands out at most
    1,000 entries per search, OpenLDAP as many as its size limit allows."""
    control = SimplePagedResultsControl(True, size=page_size or PAGE_SIZE, cookie="")
    while True:
        message_id = connection.search_ext(
            base, ldap.SCOPE_SUBTREE, filterstr, attrlist, serverctrls=[control]
        )
        _type, entries, _id, response_controls = connection.result3(message_id)
        for dn, attrs in entries:
            if dn is not None:  # AD's search references come without a DN
                yield dn, attrs
        cookie = next(
            (
                response.cookie
                for response in response_controls
                if response.controlType == SimplePagedResultsControl.controlType
            ),
            b"",
        )
        if not cookie:
            return
        control.cookie = cookie


def directory_accounts() -> dict[str, bool]:
    """Personnel number -> disabled?, for every account in the user base."""
    number_attribute = settings.PORTAL_LDAP_PERSONNEL_NUMBER_ATTRIBUTE
    flavour = settings.PORTAL_LDAP_FLAVOUR
    connection = directory_connection()
    try:
        found = {}
        for _dn, attrs in paged_search(
            connection,
            settings.PORTAL_LDAP_USER_BASE,
            f"({number_attribute}=*)",
            [number_attribute, "userAccountControl", "pwdAccountLockedTime"],
            page_size=getattr(settings, "PORTAL_LDAP_PAGE_SIZE", None),
        ):
            number = _first(attrs, number_attribute)
            if number:
                found[number] = found.get(number, False) or entry_is_disabled(
                    attrs, flavour=flavour
                )
        return found
    finally:
        connection.unbind_s()
