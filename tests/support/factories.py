"""Factories for people and units; they write through the services like the portal does."""

import factory
from django.contrib.auth import get_user_model

from directory import services
from directory.models import OrgUnit, Person

TEST_PASSWORD = "Test-Passwort-2026"


def referat(number: str = "SOS", name: str = "Referat Sicherheit, Ordnung und Sport") -> OrgUnit:
    existing = OrgUnit.objects.filter(number=number).first()
    return existing or services.org_unit_create(
        kind=OrgUnit.Kind.REFERAT, number=number, name=name, actor=services.SYSTEM
    )


def amt_with_groups(*, number: str, name: str, referat_number: str = "SOS") -> OrgUnit:
    return services.org_unit_create(
        kind=OrgUnit.Kind.AMT,
        number=number,
        name=name,
        parent=referat(referat_number),
        actor=services.SYSTEM,
    )


def abteilung(*, amt: OrgUnit, suffix: str = "1", name: str = "Bürgerservice") -> OrgUnit:
    return services.org_unit_create(
        kind=OrgUnit.Kind.ABTEILUNG,
        number=f"{amt.number}.{suffix}",
        name=name,
        parent=amt,
        actor=services.SYSTEM,
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nutzer{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    """Creates a Person with a user account through `person_create`, so groups are synced."""

    class Meta:
        model = Person

    personnel_number = factory.Sequence(lambda n: f"T{n:06d}")
    first_name = "Kim"
    last_name = factory.Sequence(lambda n: f"Beispiel{n}")
    function = "Sachbearbeitung"
    phone = factory.Sequence(lambda n: f"0711 216-{10000 + n}")
    email = factory.Sequence(lambda n: f"person{n}@stadt.example")
    room = "Rathaus, Zi. 1.101"
    user = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.person_create(**kwargs, actor=services.SYSTEM)


def site_root_ensure():
    """The Wagtail tree as the migrations create it: root page, Startseite, default site.

    Transactional tests flush every table, migration data included, so tests that need
    the home page after such a test ask for it explicitly.
    """
    from wagtail.models import Locale, Page, Site

    from intranet.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(language_code="de")
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root"))
        home = root.add_child(
            instance=HomePage(
                title="Startseite",
                slug="startseite",
                intro="<p>Willkommen im Mitarbeiterportal der Stadtverwaltung.</p>",
            )
        )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "Mitarbeiterportal"},
    )
    return home
