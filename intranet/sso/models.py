from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalIdentity(models.Model):
    """The link from an OpenID Connect account (`iss` + `sub`) to a portal user.

    Keyed on the provider's issuer and subject, never on the e-mail address: a reused
    address must not hand over an account. No timestamps: this is no login history (P1).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzerkonto"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    issuer = models.CharField(_("Identitätsanbieter (iss)"), max_length=255)
    subject = models.CharField(_("Kennung beim Anbieter (sub)"), max_length=255)

    class Meta:
        verbose_name = _("Verknüpfung mit dem Stadt-Konto")
        verbose_name_plural = _("Verknüpfungen mit dem Stadt-Konto")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_one_identity_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject[:8]}…"
