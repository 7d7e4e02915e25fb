"""System checks for the sign-in settings: a half-configured SSO fails at start-up."""

from django.conf import settings
from django.core.checks import Error, register

from intranet.sso import modes


@register()
def sso_settings_complete(app_configs, **kwargs):
    errors = []
    mode = settings.PORTAL_AUTH_MODE
    if mode == modes.OIDC:
        missing = [
            name
            for name, value in (
                ("OIDC_ISSUER", settings.OIDC_ISSUER),
                ("OIDC_CLIENT_ID", settings.OIDC_RP_CLIENT_ID),
                ("OIDC_CLIENT_SECRET", settings.OIDC_RP_CLIENT_SECRET),
            )
            if not value
        ]
        if missing:
            errors.append(
                Error(
                    f"PORTAL_AUTH_MODE=oidc braucht {', '.join(missing)}.",
                    hint="Siehe docs/authentication.md.",
                    id="sso.E001",
                )
            )
        if settings.OIDC_RP_SIGN_ALGO.upper() in {
            "NONE",
            "",
        } or settings.OIDC_RP_SIGN_ALGO.startswith("HS"):
            errors.append(
                Error(
                    "OIDC_SIGN_ALGO muss ein asymmetrisches Verfahren sein (RS256, ES256, …).",
                    id="sso.E002",
                )
            )
    if mode == modes.LDAP:
        uri = getattr(settings, "AUTH_LDAP_SERVER_URI", "")
        if not uri or not getattr(settings, "PORTAL_LDAP_USER_BASE", ""):
            errors.append(
                Error(
                    "PORTAL_AUTH_MODE=ldap braucht LDAP_SERVER_URI und LDAP_USER_BASE.",
                    id="sso.E003",
                )
            )
        elif not uri.lower().startswith("ldaps://") and not settings.AUTH_LDAP_START_TLS:
            errors.append(
                Error(
                    "Passwörter gehen nur verschlüsselt zum Verzeichnis: LDAP_SERVER_URI mit "
                    "ldaps:// oder LDAP_START_TLS=1.",
                    id="sso.E004",
                )
            )
    return errors
