"""Issue 11, item 5: documents and images of an Amt's private collection are downloaded by
the Amt's Mitarbeitende only; everyone else logged in gets 403 "Kein Zugriff" (no redirect),
and no URL serves an upload straight from MEDIA_ROOT, not even under DEBUG."""

import importlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.urls import clear_url_caches
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import BaseViewRestriction, Collection, GroupCollectionPermission

from directory.models import OfficeGroup
from wiki.services import OPEN_COLLECTION_NAME, amt_section_ensure, open_collection_ensure

pytestmark = pytest.mark.django_db

SECRET_DOCUMENT = "Anlage Vollstreckungsinnendienst"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _document(collection, title=SECRET_DOCUMENT):
    document = get_document_model()(title=title, collection=collection)
    document.file.save("anlage.pdf", ContentFile(b"%PDF-1.4 intern"), save=False)
    document.save()
    return document


def _image(collection, title="Lageplan"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "blue").save(buffer, "PNG")
    image = get_image_model()(title=title, collection=collection)
    image.file.save("lageplan.png", ImageFile(buffer, name="lageplan.png"), save=False)
    image.save()
    return image


def _body(response) -> str:
    chunks = response.streaming_content if response.streaming else [response.content]
    return b"".join(chunks).decode(errors="replace")


@pytest.fixture
def collection_32(section_32):
    return section_32.files_collection


@pytest.fixture
def collection_50(section_50):
    return section_50.files_collection


@pytest.fixture
def secret_document(collection_32):
    return _document(collection_32)


# --- the collections --------------------------------------------------------------------------


def test_each_amt_has_a_private_collection_for_its_mitarbeitende(section_32, amt_32):
    collection = section_32.files_collection
    assert collection.name == "Amt 32 – nur Mitarbeitende des Amts"
    (restriction,) = collection.get_view_restrictions()
    assert restriction.restriction_type == BaseViewRestriction.GROUPS
    members = OfficeGroup.objects.get(amt=amt_32, kind=OfficeGroup.Kind.MEMBERS).group
    assert list(restriction.groups.all()) == [members]


def test_ensuring_again_keeps_one_collection_and_grants_nothing_on_the_root(section_32, amt_32):
    amt_section_ensure(amt=amt_32)
    amt_section_ensure(amt=amt_32)
    root = Collection.get_first_root_node()
    assert Collection.objects.filter(name__startswith="Amt 32").count() == 1
    assert Collection.objects.filter(name=OPEN_COLLECTION_NAME).count() == 1
    office_groups = OfficeGroup.objects.filter(amt=amt_32).values_list("group", flat=True)
    on_root = GroupCollectionPermission.objects.filter(collection=root, group__in=office_groups)
    assert not on_root.exists()


def test_files_left_in_the_root_move_to_the_open_collection(section_32):
    document = _document(Collection.get_first_root_node(), title="Altbestand")
    open_collection = open_collection_ensure()
    document.refresh_from_db()
    assert document.collection == open_collection
    assert not open_collection.get_view_restrictions().exists()


# --- documents --------------------------------------------------------------------------------


def test_outsiders_get_403_for_a_private_document(secret_document, person_in_50):
    response = _client(person_in_50.user).get(secret_document.url)
    assert response.status_code == 403
    assert "Location" not in response
    assert "Kein Zugriff" in _body(response)
    assert "%PDF" not in _body(response)


def test_members_download_a_private_document_as_attachment(secret_document, person_in_32):
    response = _client(person_in_32.user).get(secret_document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == "%PDF-1.4 intern"


def test_documents_of_the_open_collection_download_for_everyone(section_32, person_in_50):
    document = _document(open_collection_ensure(), title="Checkliste")
    assert _client(person_in_50.user).get(document.url).status_code == 200


@pytest.fixture
def debug_urls(settings):
    """The URL conf as `make run` (DEBUG) builds it."""
    import intranet.urls

    settings.DEBUG = True
    importlib.reload(intranet.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(intranet.urls)
    clear_url_caches()


def test_no_media_url_serves_a_document_even_under_debug(
    debug_urls, secret_document, person_in_32, person_in_50
):
    media_url = "/media/" + secret_document.file.name
    for person in (person_in_32, person_in_50):
        response = _client(person.user).get(media_url)
        assert response.status_code == 404, person
        assert "%PDF" not in _body(response)


# --- images -----------------------------------------------------------------------------------


def test_private_images_and_renditions_are_refused_to_outsiders(
    collection_32, person_in_32, person_in_50
):
    image = _image(collection_32)
    rendition = image.get_rendition("max-960x720")
    outsider, member = _client(person_in_50.user), _client(person_in_32.user)
    for url in (image.file.url, rendition.url):
        assert url.startswith("/media/")
        response = outsider.get(url)
        assert response.status_code == 403, url
        assert "Location" not in response
        response = member.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"].startswith("private")


def test_open_images_are_shown_to_everyone(section_32, person_in_50):
    image = _image(open_collection_ensure())
    rendition = image.get_rendition("max-960x720")
    client = _client(person_in_50.user)
    assert client.get(image.file.url).status_code == 200
    assert client.get(rendition.url).status_code == 200


def test_private_images_are_refused_under_debug_too(debug_urls, collection_32, person_in_50):
    image = _image(collection_32)
    assert _client(person_in_50.user).get(image.file.url).status_code == 403


def test_the_media_view_serves_nothing_but_images(client, person_in_32, section_32):
    client.force_login(person_in_32.user)
    assert client.get("/media/personen/fotos/abc.jpg").status_code == 404
    assert client.get("/media/../intranet/settings.py").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, collection_32):
    image = _image(collection_32)
    response = client.get(image.file.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


# --- uploading and choosing -------------------------------------------------------------------


def _upload(client, collection, title="Anlage"):
    return client.post(
        "/admin/documents/add/",
        {
            "title": title,
            "collection": str(collection.pk),
            "file": ContentFile(b"%PDF-1.4", name="anlage.pdf"),
            "tags": "",
        },
    )


def test_digital_movers_choose_their_amts_collection_when_uploading(
    mover_32, collection_32, collection_50
):
    client = _client(mover_32.user)
    form = client.get("/admin/documents/add/").content.decode()
    assert "Amt 32 – nur Mitarbeitende des Amts" in form
    assert OPEN_COLLECTION_NAME in form
    assert "Amt 50" not in form
    response = _upload(client, collection_32, title="Anlage 32")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_document_model().objects.get(title="Anlage 32").collection == collection_32


def test_digital_movers_cannot_upload_into_another_amts_collection(mover_32, collection_50):
    response = _upload(_client(mover_32.user), collection_50, title="Anlage 50")
    assert response.status_code == 200
    assert not get_document_model().objects.filter(title="Anlage 50").exists()


def test_the_document_chooser_hides_other_amts_private_documents(
    secret_document, mover_32, mover_50
):
    chooser = "/admin/documents/chooser/"
    assert SECRET_DOCUMENT not in _client(mover_50.user).get(chooser).content.decode()
    assert SECRET_DOCUMENT not in _client(mover_50.user).get(chooser + "?q=Anlage").content.decode()
    assert SECRET_DOCUMENT in _client(mover_32.user).get(chooser).content.decode()


def test_the_image_chooser_hides_other_amts_private_images(collection_32, mover_32, mover_50):
    _image(collection_32, title="Lageplan Vollstreckung")
    chooser = "/admin/images/chooser/"
    assert "Lageplan Vollstreckung" not in _client(mover_50.user).get(chooser).content.decode()
    assert "Lageplan Vollstreckung" in _client(mover_32.user).get(chooser).content.decode()


def test_merging_two_amter_moves_the_private_files_along(
    secret_document, section_32, section_50, amt_32, amt_50
):
    from wiki.services import amt_section_merge

    source = section_32.files_collection
    amt_section_merge(source=amt_32, target=amt_50)
    secret_document.refresh_from_db()
    assert secret_document.collection == section_50.files_collection
    assert not Collection.objects.filter(pk=source.pk).exists()
