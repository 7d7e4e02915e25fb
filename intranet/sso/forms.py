from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from intranet.sso import accounts, modes


class PortalAuthenticationForm(AuthenticationForm):
    """The password form: the city account in LDAP mode, break-glass accounts with SSO on.

    A refusal after a correct password (no Person, inactive, disabled) gets its own German
    text; a wrong password keeps Django's one message, so nobody learns which names exist.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        from django.conf import settings

        if settings.PORTAL_AUTH_MODE == modes.LDAP:
            self.fields["username"].label = _("Benutzername des Stadt-Kontos")
        elif settings.PORTAL_AUTH_MODE == modes.OIDC:
            self.fields["username"].label = _("Notfallkonto")

    def get_invalid_login_error(self):
        code = accounts.refusal_of(self.request)
        if code:
            return forms.ValidationError(accounts.REFUSALS[code], code=code)
        return super().get_invalid_login_error()
