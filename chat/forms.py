"""Forms of the chat pages: new room, invitations, the composer without JavaScript, opt-ins."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from chat.models import ChatPreference, Room
from chat.protocol import MAX_TEXT_LENGTH
from chat.text import TextRefused, clean_text
from directory.models import OrgUnit


class ChatTextField(forms.CharField):
    """Text under the chat's one policy (chat/text.py); its reasons become field errors.

    The services apply the same policy again before they store anything."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)
        # The policy refuses NUL itself, with the same message as the socket.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return clean_text(value, multiline=self.multiline)
        except TextRefused as error:
            raise forms.ValidationError(error.message, code=error.reason) from error


class MessageForm(forms.Form):
    text = ChatTextField(label=_("Nachricht"), max_length=MAX_TEXT_LENGTH, multiline=True)


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "topic"]
        field_classes = {"name": ChatTextField, "topic": ChatTextField}


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
