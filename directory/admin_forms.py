"""Forms of the HR tools in the Wagtail admin. They check input; who may write what is
decided by the services (directory/services.py, through directory/permissions.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.models import OrgUnit


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Export der Personalverwaltung"),
        help_text=_("UTF-8 oder Windows-1252, Trennzeichen Semikolon oder Komma."),
    )
    dry_run = forms.BooleanField(
        label=_("Probelauf: nur prüfen, nichts ändern"), required=False, initial=True
    )
    deactivate_missing = forms.BooleanField(
        label=_("Personen deaktivieren, die in der Datei fehlen (vollständiger Export)"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("Die Datei ist größer als 20 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError(_("Bitte eine CSV-Datei hochladen."))
        return upload


class UnitMoveForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Einheit"), queryset=OrgUnit.objects.exclude(kind=OrgUnit.Kind.REFERAT)
    )
    parent = forms.ModelChoiceField(label=_("neue übergeordnete Einheit"), queryset=OrgUnit.objects)


class UnitMergeForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Einheit, die aufgelöst wird"),
        queryset=OrgUnit.objects.exclude(kind=OrgUnit.Kind.REFERAT),
    )
    target = forms.ModelChoiceField(
        label=_("Einheit, in die sie aufgeht"),
        queryset=OrgUnit.objects.exclude(kind=OrgUnit.Kind.REFERAT),
    )
