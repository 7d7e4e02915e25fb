"""Forms of the staff directory: the search and a person's own voluntary data."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.models import (
    VOLUNTARY_FIELDS,
    VOLUNTARY_FIELDS_AND_VISIBILITY,
    Person,
    Visibility,
)

MAX_PHOTO_BYTES = 2 * 1024 * 1024


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Suche"), max_length=100, required=False)


class ProfileForm(forms.ModelForm):
    """Voluntary data, each with its visibility, plus absence and deputy (P6)."""

    deputy_email = forms.EmailField(
        label=_("Vertretung (dienstliche E-Mail-Adresse)"),
        required=False,
        help_text=_("Die Person, die Sie vertritt, z. B. „vorname.nachname@stadt.example“."),
    )
    remove_photo = forms.BooleanField(label=_("Foto entfernen"), required=False)

    class Meta:
        model = Person
        fields = [*VOLUNTARY_FIELDS_AND_VISIBILITY, "absent_until"]
        widgets = {
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "absent_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "about": forms.Textarea(attrs={"rows": 4}),
            **{f"{field}_visibility": forms.RadioSelect for field in VOLUNTARY_FIELDS},
        }
        help_texts = {"absent_until": _("Leer lassen, wenn Sie nicht abwesend sind.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.deputy_id and not self.is_bound:
            self.initial["deputy_email"] = self.instance.deputy.email
        for field in VOLUNTARY_FIELDS:
            self.fields[f"{field}_visibility"].choices = Visibility.choices

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "size") and photo.size > MAX_PHOTO_BYTES:
            raise ValidationError(_("Das Foto darf höchstens 2 MB groß sein."))
        return photo

    def clean_deputy_email(self):
        email = self.cleaned_data.get("deputy_email", "").strip()
        if not email:
            return None
        deputy = Person.objects.filter(email__iexact=email, is_active=True).first()
        if deputy is None:
            raise ValidationError(_("Unter dieser Adresse ist niemand im Verzeichnis."))
        if deputy.pk == self.instance.pk:
            raise ValidationError(_("Sie können sich nicht selbst vertreten."))
        return deputy

    def profile_changes(self) -> dict:
        """The cleaned data as keyword arguments for `person_profile_update`."""
        changes = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.cleaned_data.get("remove_photo") or changes["photo"] is False:
            changes["photo"] = ""
        elif not changes["photo"]:
            changes.pop("photo")
        changes["deputy"] = self.cleaned_data.get("deputy_email")
        return changes
