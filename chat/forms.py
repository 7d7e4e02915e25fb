"""Forms of the chat pages: new room, invitations, the composer without JavaScript, opt-ins."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from chat.models import ChatPreference, Room
from chat.protocol import MAX_TEXT_LENGTH
from directory.models import OrgUnit


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Nachricht"), max_length=MAX_TEXT_LENGTH)


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "topic"]


def _usernames(value: str) -> list[str]:
    return [name.strip().lstrip("@") for name in value.replace(";", ",").split(",") if name.strip()]


class InviteForm(forms.Form):
    usernames = forms.CharField(
        label=_("Personen (Benutzernamen, durch Kommas getrennt)"), required=False
    )
    amter = forms.ModelMultipleChoiceField(
        label=_("Ganze Ämter"),
        queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.AMT),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_usernames(self):
        names = _usernames(self.cleaned_data["usernames"])
        users = list(get_user_model().objects.filter(username__in=names, is_active=True))
        missing = set(names) - {user.get_username() for user in users}
        if missing:
            raise forms.ValidationError(
                _("Unbekannte Benutzernamen: %(names)s") % {"names": ", ".join(sorted(missing))}
            )
        return users

    def clean(self):
        data = super().clean()
        if not data.get("usernames") and not data.get("amter") and not self.errors:
            raise forms.ValidationError(_("Bitte Personen oder Ämter auswählen."))
        return data


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ChatPreference
        fields = ["share_presence", "share_typing"]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), min_length=2, max_length=200)


class DirectPickerForm(forms.Form):
    """Find a person to write to by name, unit or function, as in the directory."""

    q = forms.CharField(label=_("Name, Organisationseinheit oder Funktion"), max_length=200)


class DirectPersonForm(forms.Form):
    """The person (their directory profile's UUID) to open a direct conversation with."""

    person = forms.UUIDField()
