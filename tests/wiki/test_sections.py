"""Each Amt gets its section in "Wissen" with page permissions and an approval workflow,
set up by the service whenever the directory creates the Amt (no clicking by hand)."""

import pytest
from django.contrib.auth.models import Group

from directory import services as directory_services
from intranet.models import AuditEntry
from tests.wiki.conftest import add_knowledge_page, city_section
from wiki.models import AmtSectionPage, WikiIndexPage
from wiki.services import CENTRAL_REDAKTION_GROUP_NAME, amt_section_ensure

pytestmark = pytest.mark.django_db


def test_creating_an_amt_creates_its_section_below_wissen(amt_32):
    wiki = WikiIndexPage.objects.get()
    assert wiki.slug == "wissen" and wiki.url == "/wissen/"
    section = AmtSectionPage.objects.get(amt=amt_32)
    assert section.get_parent().pk == wiki.pk
    assert section.title == "32 – Amt für öffentliche Ordnung"
    assert city_section().get_parent().pk == wiki.pk
    assert section.get_workflow().name == "Freigabe Amt 32"
    assert city_section().get_workflow().name == "Freigabe stadtweit"
    assert AuditEntry.objects.filter(action="wiki.section_permissions").exists()


def test_section_ensure_is_idempotent_and_follows_renames(amt_32):
    amt_section_ensure(amt=amt_32)
    assert AmtSectionPage.objects.filter(amt=amt_32).count() == 1
    directory_services.org_unit_update(
        unit=amt_32, name="Ordnungsamt", actor=directory_services.SYSTEM
    )
    assert AmtSectionPage.objects.get(amt=amt_32).title == "32 – Ordnungsamt"


def test_digital_mover_of_amt_a_cannot_edit_amt_b(mover_32, section_32, section_50, person_in_32):
    user = mover_32.user
    page_in_50 = add_knowledge_page(section_50, title="Wohngeld-Leitfaden", owner=person_in_32)
    page_in_32 = add_knowledge_page(section_32, title="Bußgeld-Leitfaden", owner=person_in_32)
    assert page_in_32.permissions_for_user(user).can_edit()
    assert section_32.permissions_for_user(user).can_add_subpage()
    assert not page_in_50.permissions_for_user(user).can_edit()
    assert not section_50.permissions_for_user(user).can_add_subpage()
    # They may write in the city-wide section, but publish nowhere without approval.
    assert city_section().permissions_for_user(user).can_add_subpage()
    assert not page_in_32.permissions_for_user(user).can_publish()


def test_digital_mover_of_amt_a_gets_403_on_amt_b_in_the_admin(
    client, mover_32, section_50, person_in_32
):
    page_in_50 = add_knowledge_page(section_50, title="Wohngeld-Leitfaden", owner=person_in_32)
    client.force_login(mover_32.user)
    assert client.get(f"/admin/pages/{page_in_50.pk}/edit/").status_code in (302, 403)
    response = client.get(f"/admin/pages/add/wiki/knowledgepage/{section_50.pk}/")
    assert response.status_code in (302, 403)


def test_central_redaktion_approves_the_city_wide_section(amt_32):
    central = Group.objects.get(name=CENTRAL_REDAKTION_GROUP_NAME)
    task = city_section().get_workflow().tasks.get().specific
    assert list(task.groups.all()) == [central]


def test_command_repairs_missing_sections(amt_32):
    from django.core.management import call_command

    AmtSectionPage.objects.filter(amt=amt_32).delete()
    call_command("wiki_sections_ensure")
    assert AmtSectionPage.objects.filter(amt=amt_32).exists()


def test_routing_by_url_path_reaches_pages_routes_and_404s(client_32, section_32, person_in_32):
    page = add_knowledge_page(section_32, title="Leitfaden", owner=person_in_32)
    assert client_32.get(page.url).status_code == 200
    assert client_32.get("/wissen/suche/?q=Leitfaden").status_code == 200
    assert client_32.get(f"{page.url}rueckmeldung/").status_code == 302  # GET goes back
    assert client_32.get(f"{page.url}gibt-es-nicht/").status_code == 404
    assert client_32.get("/wissen/amt-99/leitfaden/").status_code == 404
    page.unpublish()
    assert client_32.get(page.url).status_code == 404


def test_merging_two_amter_moves_the_pages_into_the_remaining_section(amt_32, amt_50, section_32):
    page = add_knowledge_page(section_32, title="Bußgeldverfahren")
    directory_services.org_unit_merge(source=amt_32, target=amt_50, actor=directory_services.SYSTEM)
    page.refresh_from_db()
    assert page.get_parent().specific == AmtSectionPage.objects.get(amt=amt_50)
    assert not AmtSectionPage.objects.filter(title__startswith="32 –").exists()


def test_section_ensure_runs_in_one_transaction(amt_32, monkeypatch):
    """A failure late in the set-up (here the audit entry) leaves no half-permissioned
    section behind, also when the caller runs no transaction of its own."""
    AmtSectionPage.objects.filter(amt=amt_32).delete()

    def audit_fails(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("wiki.services.audit_record", audit_fails)
    with pytest.raises(RuntimeError):
        amt_section_ensure(amt=amt_32)
    assert not AmtSectionPage.objects.filter(amt=amt_32).exists()
