"""Forms of the knowledge pages: the feedback form and the upload checks for documents (S6)."""

import secrets
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
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


def server_chosen_name(uploaded_name: str) -> str:
    """A file name the server chooses: a slug of the original (readable when downloaded)
    plus a random token, so names can't collide, be guessed or carry paths."""
    path = PurePath(uploaded_name.replace("\\", "/"))
    stem = slugify(path.stem)[:50] or "dokument"
    return f"{stem}-{secrets.token_hex(6)}{path.suffix.lower()}"


class PortalDocumentForm(BaseDocumentForm):
    """S6: uploads are limited in size and stored under a server-chosen name; the type
    allowlist is WAGTAILDOCS_EXTENSIONS, which Wagtail's own file validator enforces."""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        limit = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
        if uploaded is not None and uploaded.size > limit:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (höchstens %(limit)s).") % {"limit": filesizeformat(limit)}
            )
        if uploaded is not None and hasattr(uploaded, "content_type"):  # a new upload
            uploaded.name = server_chosen_name(uploaded.name)
        return uploaded
