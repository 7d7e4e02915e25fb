"""Forms of the knowledge pages: the feedback form and the upload checks for documents (S6)."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("War diese Seite hilfreich?"),
        choices=[("ja", _("Ja")), ("nein", _("Nein"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Kommentar (freiwillig, ohne Namen gespeichert)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PortalDocumentForm(BaseDocumentForm):
    """S6: uploads are limited in size; the type allowlist is WAGTAILDOCS_EXTENSIONS, which
    Wagtail's own file validator enforces."""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        limit = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
        if uploaded is not None and uploaded.size > limit:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (höchstens %(limit)s).") % {"limit": filesizeformat(limit)}
            )
        return uploaded
