"""P6: the visibility matrix – field × setting × viewer – checked from all four places that
show a person: the search (page and JSON), the profile page, the profile JSON and the vCard."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from directory import permissions, services
from directory.models import Visibility
from tests.support.factories import PersonFactory

pytestmark = pytest.mark.django_db

MARKERS = {
    "mobile": "0151 7777777",
    "languages": "Isländisch",
    "topics": "Imkerei",
    "about": "Segelflug am Wochenende",
}
IN_VCARD = {"mobile", "languages", "topics"}


def png(name="foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def owner(amt_32, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = PersonFactory(unit=amt_32, first_name="Vera", last_name="Sichtbar")
    return person


@pytest.fixture
def viewers(amt_32, amt_50, owner):
    return {
        "same_amt": PersonFactory(unit=amt_32, first_name="Sam", last_name="Gleichamt"),
        "other_amt": PersonFactory(unit=amt_50, first_name="Olga", last_name="Anderamt"),
        "self": owner,
    }


EXPECTED = {
    # setting → which viewers see the field
    Visibility.ALL: {"same_amt", "other_amt", "self"},
    Visibility.AMT: {"same_amt", "self"},
    Visibility.SELF: {"self"},
}


def _outputs(client, owner) -> dict[str, str]:
    base = f"/personen/{owner.uuid}/"
    search_page = client.get("/personen/", {"q": "Sichtbar"})
    search_json = client.get("/personen/api/suche/", {"q": "Sichtbar"})
    assert search_json.json()["count"] == 1
    return {
        "search_page": search_page.content.decode(),
        "search_json": json.dumps(search_json.json(), ensure_ascii=False),
        "profile": client.get(base).content.decode(),
        "profile_json": json.dumps(
            client.get(f"/personen/api/personen/{owner.uuid}/").json(), ensure_ascii=False
        ),
        "vcard": client.get(f"{base}vcard/").content.decode().replace("\r\n ", ""),
    }


@pytest.mark.parametrize("field", sorted(MARKERS))
@pytest.mark.parametrize("setting", list(EXPECTED))
@pytest.mark.parametrize("viewer", ["same_amt", "other_amt", "self"])
def test_text_field_matrix(client, owner, viewers, field, setting, viewer):
    services.person_profile_update(
        person=owner, **{field: MARKERS[field], f"{field}_visibility": setting}
    )
    client.force_login(viewers[viewer].user)
    outputs = _outputs(client, owner)
    marker = MARKERS[field]
    visible = viewer in EXPECTED[setting]
    # Search result cards never show voluntary text; the other places follow the setting.
    assert marker not in outputs["search_page"]
    where = ["search_json", "profile", "profile_json"] + (["vcard"] if field in IN_VCARD else [])
    for place in where:
        assert (marker in outputs[place]) is visible, (place, field, setting, viewer)
    if not visible:
        assert marker not in outputs["vcard"]


@pytest.mark.parametrize("setting", list(EXPECTED))
@pytest.mark.parametrize("viewer", ["same_amt", "other_amt", "self"])
def test_photo_matrix(client, owner, viewers, setting, viewer):
    services.person_profile_update(person=owner, photo=png(), photo_visibility=setting)
    client.force_login(viewers[viewer].user)
    outputs = _outputs(client, owner)
    visible = viewer in EXPECTED[setting]
    photo_url = f"/personen/{owner.uuid}/foto/"
    for place in ("search_page", "profile"):
        assert (photo_url in outputs[place]) is visible, place
    assert json.loads(outputs["profile_json"])["has_photo"] is visible
    response = client.get(photo_url)
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_default_is_only_me(owner):
    for field in MARKERS:
        assert getattr(owner, f"{field}_visibility") == Visibility.SELF
    assert owner.photo_visibility == Visibility.SELF


def test_the_rule_is_one_function(owner, viewers):
    services.person_profile_update(
        person=owner,
        mobile="0151 1234",
        mobile_visibility=Visibility.AMT,
        topics="x",
        topics_visibility=Visibility.ALL,
    )
    assert permissions.voluntary_fields_visible(viewers["same_amt"].user, owner) == {
        "mobile",
        "topics",
    }
    assert permissions.voluntary_fields_visible(viewers["other_amt"].user, owner) == {"topics"}


def test_hr_and_admins_do_not_see_only_me_fields(client, owner, central_hr, django_user_model):
    services.person_profile_update(person=owner, mobile=MARKERS["mobile"])
    admin = django_user_model.objects.create_superuser("root", password="x-Test-2026-x")
    for user in (central_hr.user, admin):
        client.force_login(user)
        assert MARKERS["mobile"] not in client.get(f"/personen/{owner.uuid}/").content.decode()


def test_official_data_never_includes_personnel_number_or_dates(client_32, owner):
    outputs = _outputs(client_32, owner)
    for text in outputs.values():
        assert owner.personnel_number not in text


def test_a_second_amt_counts_as_own_amt(client, owner, amt_50):
    other = PersonFactory(unit=amt_50)
    services.person_profile_update(
        person=owner, mobile=MARKERS["mobile"], mobile_visibility=Visibility.AMT
    )
    client.force_login(other.user)
    assert MARKERS["mobile"] not in client.get(f"/personen/{owner.uuid}/").content.decode()
    other.further_units.add(owner.unit)
    services.person_groups_sync(person=other)
    assert MARKERS["mobile"] in client.get(f"/personen/{owner.uuid}/").content.decode()
