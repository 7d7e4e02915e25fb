"""The organisational tree and the people in it: the backbone of office-scoped permissions."""

import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnit(models.Model):
    """One unit of the city administration: Referat > Amt > Abteilung > Sachgebiet."""

    class Kind(models.TextChoices):
        REFERAT = "referat", _("Referat")
        AMT = "amt", _("Amt")
        ABTEILUNG = "abteilung", _("Abteilung")
        SACHGEBIET = "sachgebiet", _("Sachgebiet")

    # Which kind of unit may be the parent of which; a Referat is a root.
    PARENT_KIND = {
        Kind.REFERAT: None,
        Kind.AMT: Kind.REFERAT,
        Kind.ABTEILUNG: Kind.AMT,
        Kind.SACHGEBIET: Kind.ABTEILUNG,
    }

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    number = models.CharField(
        _("Nummer"),
        max_length=20,
        blank=True,
        help_text=_("Die Nummer der Organisationseinheit, z. B. „32“ oder „32.1“."),
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnete Einheit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    also_known_as = models.CharField(
        _("weitere Bezeichnungen"),
        max_length=200,
        blank=True,
        help_text=_(
            "Gebräuchliche Namen für die Suche, z. B. „Ordnungsamt“; durch Komma getrennt."
        ),
    )
    leader = models.ForeignKey(
        "Person",
        verbose_name=_("Leitung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_units",
    )
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    address = models.CharField(_("Anschrift"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Organisationseinheit")
        verbose_name_plural = _("Organisationseinheiten")
        ordering = ["number", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="orgunit_number_unique",
                violation_error_message=_("Diese Nummer ist bereits vergeben."),
            ),
        ]
        permissions = [("manage_staff", _("Personaldaten der Einheit pflegen"))]

    def __str__(self) -> str:
        return f"{self.number} – {self.name}" if self.number else self.name

    def clean(self) -> None:
        expected = self.PARENT_KIND.get(self.kind)
        if expected is None and self.parent_id is not None:
            raise ValidationError({"parent": _("Ein Referat hat keine übergeordnete Einheit.")})
        if expected is not None:
            if self.parent is None:
                raise ValidationError(
                    {
                        "parent": _("Bitte die übergeordnete Einheit (%(kind)s) angeben.")
                        % {"kind": OrgUnit.Kind(expected).label}
                    }
                )
            if self.parent.kind != expected:
                raise ValidationError(
                    {
                        "parent": _("Die übergeordnete Einheit muss ein %(kind)s sein.")
                        % {"kind": OrgUnit.Kind(expected).label}
                    }
                )

    @property
    def amt(self) -> "OrgUnit | None":
        """The Amt this unit belongs to (itself for an Amt, None for a Referat)."""
        unit = self
        while unit is not None:
            if unit.kind == self.Kind.AMT:
                return unit
            unit = unit.parent
        return None


class Visibility(models.TextChoices):
    """Who sees one voluntary field (P6). The default is the most private choice."""

    ALL = "all", _("alle Mitarbeitenden")
    AMT = "amt", _("eigenes Amt")
    SELF = "self", _("nur ich")


# The one list of voluntary profile fields (P6). Each has a `<field>_visibility` beside it;
# the profile form, its service, the privacy register and what others see derive from here.
VOLUNTARY_FIELDS = ("photo", "mobile", "languages", "topics", "about")
VOLUNTARY_FIELDS_AND_VISIBILITY = tuple(
    name for field in VOLUNTARY_FIELDS for name in (field, f"{field}_visibility")
)
PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]


def visibility_field(verbose_name):
    return models.CharField(
        verbose_name, max_length=10, choices=Visibility.choices, default=Visibility.SELF
    )


def photo_upload_to(instance, filename: str) -> str:
    """S6: the server chooses the stored name; the uploaded name is thrown away."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"personen/fotos/{uuid.uuid4().hex}.{extension}"


class Person(models.Model):
    """A member of staff with the official data that HR maintains (P6)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzerkonto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    personnel_number = models.CharField(_("Personalnummer"), max_length=20, unique=True)
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    further_units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("weitere Organisationseinheiten"),
        blank=True,
        related_name="further_members",
    )
    function = models.CharField(_("Funktion"), max_length=200, blank=True)
    phone = models.CharField(_("Telefon (dienstlich)"), max_length=40, blank=True)
    email = models.EmailField(_("E-Mail (dienstlich)"), blank=True)
    room = models.CharField(_("Raum"), max_length=100, blank=True)
    responsibilities = models.TextField(
        _("Zuständigkeiten"),
        blank=True,
        help_text=_("Dienstliche Aufgaben für die Suche, z. B. „Hundesteuer, Vergnügungssteuer“."),
    )
    entry_date = models.DateField(_("Eintrittsdatum"), null=True, blank=True)
    exit_date = models.DateField(_("Austrittsdatum"), null=True, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    # Voluntary data (P6): each field has its own visibility, chosen by the person.
    photo = models.ImageField(
        _("Foto"),
        upload_to=photo_upload_to,
        blank=True,
        validators=[FileExtensionValidator(PHOTO_EXTENSIONS)],
    )
    photo_visibility = visibility_field(_("Foto sichtbar für"))
    mobile = models.CharField(
        _("Mobilnummer"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()/-]{5,40}$",
                _("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden."),
            )
        ],
    )
    mobile_visibility = visibility_field(_("Mobilnummer sichtbar für"))
    languages = models.CharField(_("Sprachen"), max_length=200, blank=True)
    languages_visibility = visibility_field(_("Sprachen sichtbar für"))
    topics = models.CharField(
        _("Themen"),
        max_length=300,
        blank=True,
        help_text=_("Themen, zu denen Sie gern angesprochen werden; durch Komma getrennt."),
    )
    topics_visibility = visibility_field(_("Themen sichtbar für"))
    about = models.TextField(_("Über mich"), max_length=1000, blank=True)
    about_visibility = visibility_field(_("„Über mich“ sichtbar für"))

    # Absence and deputy: set by the person (or HR) so colleagues know whom to ask.
    deputy = models.ForeignKey(
        "self",
        verbose_name=_("Vertretung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_for",
    )
    absent_until = models.DateField(_("abwesend bis"), null=True, blank=True)

    # Derived, for search only: folded words (both "ü→ue" and "ü→u") and phonetic codes.
    search_document = models.TextField(editable=False, blank=True, default="")
    search_names = models.TextField(editable=False, blank=True, default="")
    search_phonetic = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_absent(self) -> bool:
        from django.utils import timezone

        return self.absent_until is not None and self.absent_until >= timezone.localdate()


class LoginSession(models.Model):
    """Which session keys belong to a user, so offboarding can end them (P8).

    Django's session table is not indexed by user. The index holds no timestamps: it must
    not become a login history (P1). Entries go on logout and when the session is gone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = _("Anmeldesitzung")
        verbose_name_plural = _("Anmeldesitzungen")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.session_key[:6]}…"


class OfficeRole(models.Model):
    """A role a person holds for one Amt, on top of being a member of it."""

    class Role(models.TextChoices):
        DIGITAL_MOVER = "digital_mover", _("Digital Mover")
        REDAKTION = "redaktion", _("Redaktion")
        PERSONAL = "personal", _("Personalsachbearbeitung")

    person = models.ForeignKey(
        Person, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="office_roles"
    )
    amt = models.ForeignKey(
        OrgUnit,
        verbose_name=_("Amt"),
        on_delete=models.CASCADE,
        related_name="office_roles",
        limit_choices_to={"kind": OrgUnit.Kind.AMT},
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("Rolle im Amt")
        verbose_name_plural = _("Rollen im Amt")
        constraints = [
            models.UniqueConstraint(fields=["person", "amt", "role"], name="officerole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} ({self.amt})"

    def clean(self) -> None:
        if self.amt_id and self.amt.kind != OrgUnit.Kind.AMT:
            raise ValidationError({"amt": _("Rollen werden nur für ein Amt vergeben.")})


class OfficeGroup(models.Model):
    """The Django group that mirrors one role in one Amt; kept in sync by the services.

    Wagtail page permissions and guardian object permissions are granted to these groups,
    so the directory is the single source of who may do what in which Amt.
    """

    class Kind(models.TextChoices):
        MEMBERS = "members", _("Mitarbeitende")
        DIGITAL_MOVERS = "digital_movers", _("Digital Movers")
        REDAKTION = "redaktion", _("Redaktion")
        PERSONAL = "personal", _("Personalsachbearbeitung")

    amt = models.ForeignKey(
        OrgUnit, verbose_name=_("Amt"), on_delete=models.CASCADE, related_name="office_groups"
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    group = models.OneToOneField(
        Group, verbose_name=_("Gruppe"), on_delete=models.CASCADE, related_name="office_group"
    )

    class Meta:
        verbose_name = _("Amtsgruppe")
        verbose_name_plural = _("Amtsgruppen")
        constraints = [
            models.UniqueConstraint(fields=["amt", "kind"], name="officegroup_unique"),
        ]

    def __str__(self) -> str:
        return self.group.name


# Which office group a role puts its holder in.
ROLE_GROUP_KIND = {
    OfficeRole.Role.DIGITAL_MOVER: OfficeGroup.Kind.DIGITAL_MOVERS,
    OfficeRole.Role.REDAKTION: OfficeGroup.Kind.REDAKTION,
    OfficeRole.Role.PERSONAL: OfficeGroup.Kind.PERSONAL,
}
