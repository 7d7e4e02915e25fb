"""The sign-in modes, chosen by PORTAL_AUTH_MODE (README.md, docs/authentication.md).

Imported by intranet/settings.py: nothing from Django here.
"""

LOCAL = "local"
OIDC = "oidc"
LDAP = "ldap"
MODES = (LOCAL, OIDC, LDAP)

_OBJECT_PERMISSIONS = "guardian.backends.ObjectPermissionBackend"
_BREAK_GLASS = "intranet.sso.backends.BreakGlassBackend"

# local: the demo logins of the embedded default, every local password counts.
# oidc / ldap: the city account; a local password only for the break-glass accounts.
_BACKENDS = {
    LOCAL: ["django.contrib.auth.backends.ModelBackend"],
    OIDC: ["intranet.sso.oidc.PortalOIDCBackend", _BREAK_GLASS],
    LDAP: ["intranet.sso.ldap_auth.PortalLDAPBackend", _BREAK_GLASS],
}


def backends_for(mode: str) -> list[str]:
    """AUTHENTICATION_BACKENDS for a mode (object permissions always come last)."""
    return [*_BACKENDS[mode], _OBJECT_PERMISSIONS]
