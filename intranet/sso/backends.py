"""Local passwords beside the city account: only for the configured break-glass accounts."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from intranet.services import audit_record


def break_glass_accounts() -> set[str]:
    return {name.lower() for name in getattr(settings, "PORTAL_BREAK_GLASS_ACCOUNTS", ())}


class BreakGlassBackend(ModelBackend):
    """With SSO on, a local password signs in only an account named in
    PORTAL_BREAK_GLASS_ACCOUNTS, and every such sign-in is audited (P9): it is an
    administrative emergency access, not an employee's everyday login."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or username.strip().lower() not in break_glass_accounts():
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            audit_record(
                actor=user,
                action="auth.break_glass.login",
                target=user,
                summary=f"Notfallzugang {user.get_username()} benutzt",
            )
        return user

    def get_user(self, user_id):
        # An account taken off the list loses its open sessions too.
        user = super().get_user(user_id)
        if user is not None and user.get_username().lower() not in break_glass_accounts():
            return None
        return user
