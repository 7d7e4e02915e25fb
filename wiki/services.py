"""Writes of the knowledge section: sections with their permissions and workflows, review
dates, and the anonymous page feedback."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    BaseViewRestriction,
    Collection,
    CollectionViewRestriction,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from directory.models import OfficeGroup, OrgUnit
from intranet import ratelimit
from intranet.features import feature_enabled
from intranet.services import audit_record
from wiki.models import (
    REVIEW_INTERVAL_DAYS,
    AmtSectionPage,
    PageFeedback,
    WikiIndexPage,
)

CENTRAL_REDAKTION_GROUP_NAME = "Redaktion (stadtweit)"
CITY_SECTION_TITLE = "Stadtweit"
CITY_SECTION_SLUG = "stadtweit"
WIKI_TITLE = "Wissen"
WIKI_SLUG = "wissen"
# Digital Movers write (add, change) but never publish directly: their drafts go through
# the workflow. The Redaktion may also publish, which is what approving does.
AUTHOR_PAGE_PERMISSIONS = ("add_page", "change_page")
APPROVER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
ADMIN_ACCESS = ("wagtailadmin", "access_admin")
# Documents and images: editors upload and choose in the open collection (and change only
# their own uploads there) and add, change and choose in their Amt's private collection.
# Nothing is granted on the root collection: its rights would reach every Amt's files.
OPEN_MEDIA_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
)
AMT_MEDIA_PERMISSIONS = (
    *OPEN_MEDIA_PERMISSIONS,
    ("wagtaildocs", "change_document"),
    ("wagtailimages", "change_image"),
)
OPEN_COLLECTION_NAME = "Alle Mitarbeitenden (öffentlich)"
FEEDBACK_LIMIT_PER_SESSION = 30  # answers per session and day, across all pages
FEEDBACK_LIMIT_SECONDS = 24 * 60 * 60


class FeedbackRejected(Exception):
    """The feedback was not stored (switched off, or already answered / too many)."""


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _home_page() -> Page | None:
    from intranet.models import HomePage

    return HomePage.objects.first()


def wiki_root_ensure() -> WikiIndexPage | None:
    """The "Wissen" page below the home page; None where no home page exists yet."""
    existing = WikiIndexPage.objects.first()
    if existing is not None:
        return existing
    home = _home_page()
    if home is None:
        return None
    wiki = WikiIndexPage(title=WIKI_TITLE, slug=WIKI_SLUG)
    home.add_child(instance=wiki)
    return wiki


def _grant_page_permissions(*, group: Group, page: Page, codenames) -> int:
    granted = 0
    for codename in codenames:
        _row, created = GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission("wagtailcore", codename)
        )
        granted += created
    return granted


def _grant_collection_permissions(*, group: Group, collection: Collection, permissions) -> int:
    granted = 0
    for app_label, codename in permissions:
        _row, created = GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )
        granted += created
    return granted


def _grant_editor_basics(*, group: Group, amt_collection: Collection | None = None) -> None:
    """Admin access; uploading and choosing documents and images in the open collection
    and, for an Amt's groups, in the Amt's private one. Grants on the root collection (which
    reached every Amt's files) are taken back."""
    group.permissions.add(_permission(*ADMIN_ACCESS))
    root = Collection.get_first_root_node()
    GroupCollectionPermission.objects.filter(group=group, collection=root).delete()
    _grant_collection_permissions(
        group=group, collection=open_collection_ensure(), permissions=OPEN_MEDIA_PERMISSIONS
    )
    if amt_collection is not None:
        _grant_collection_permissions(
            group=group, collection=amt_collection, permissions=AMT_MEDIA_PERMISSIONS
        )


def open_collection_ensure() -> Collection:
    """The collection for files every employee may download ("Alle Mitarbeitenden").

    Files still in the root collection (uploaded before the collections existed, or by an
    administrator without choosing one) move here: they were open to everyone before and
    stay so, and editors, who have no rights on the root, can choose them again.
    """
    root = Collection.get_first_root_node()
    city = AmtSectionPage.objects.filter(amt__isnull=True).select_related("files_collection")
    city = city.first()
    collection = city.files_collection if city is not None else None
    if collection is None:
        collection = root.get_children().filter(name=OPEN_COLLECTION_NAME).first()
        if collection is None:
            collection = root.add_child(instance=Collection(name=OPEN_COLLECTION_NAME))
        if city is not None:
            AmtSectionPage.objects.filter(pk=city.pk).update(files_collection=collection)
    for model in (get_document_model(), get_image_model()):
        model.objects.filter(collection=root).update(collection=collection)
    return collection


def amt_collection_name(amt: OrgUnit) -> str:
    return f"Amt {amt.number} – nur Mitarbeitende des Amts"


def _amt_collection_ensure(*, section: AmtSectionPage, members: Group | None) -> Collection:
    """The Amt's private collection, restricted to the Amt's Mitarbeitende group; Wagtail's
    document view and the portal's image view refuse its files to everyone else."""
    collection = section.files_collection
    name = amt_collection_name(section.amt)
    if collection is None:
        root = Collection.get_first_root_node()
        collection = root.add_child(instance=Collection(name=name))
        AmtSectionPage.objects.filter(pk=section.pk).update(files_collection=collection)
        section.files_collection = collection
    elif collection.name != name:
        collection.name = name
        collection.save(update_fields=["name"])
    restriction = CollectionViewRestriction.objects.filter(collection=collection).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=BaseViewRestriction.GROUPS
        )
    elif restriction.restriction_type != BaseViewRestriction.GROUPS:
        restriction.restriction_type = BaseViewRestriction.GROUPS
        restriction.save(update_fields=["restriction_type"])
    # Until the directory has created the members group, nobody (but the IT-operations
    # superuser) passes: a restriction without groups is closed, never open.
    restriction.groups.set([members] if members is not None else [])
    return collection


def _workflow_ensure(*, name: str, approvers: Group, page: Page) -> Workflow:
    workflow, _created = Workflow.objects.get_or_create(name=name)
    task = GroupApprovalTask.objects.filter(name=name).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=name)
    task.groups.set([approvers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


def _section_ensure(*, wiki: WikiIndexPage, amt: OrgUnit | None, title: str, slug: str):
    section = AmtSectionPage.objects.filter(amt=amt).first()
    if section is None:
        section = AmtSectionPage(title=title, slug=slug, amt=amt)
        wiki.add_child(instance=section)
        return section, True
    if section.title != title:
        section.title = section.draft_title = title
        section.save_revision().publish()
    return section, False


@transaction.atomic
def city_section_ensure() -> AmtSectionPage | None:
    """The city-wide section with its central approval group (Redaktion stadtweit)."""
    wiki = wiki_root_ensure()
    if wiki is None:
        return None
    section, created = _section_ensure(
        wiki=wiki, amt=None, title=CITY_SECTION_TITLE, slug=CITY_SECTION_SLUG
    )
    central, _created = Group.objects.get_or_create(name=CENTRAL_REDAKTION_GROUP_NAME)
    _grant_editor_basics(group=central)
    _grant_page_permissions(group=central, page=section, codenames=APPROVER_PAGE_PERMISSIONS)
    _workflow_ensure(name="Freigabe stadtweit", approvers=central, page=section)
    return section


@transaction.atomic
def amt_section_merge(*, source: OrgUnit, target: OrgUnit) -> None:
    """Two Ämter become one (directory.services.org_unit_merge): the pages of the source's
    section move into the target's section, and the empty source section goes."""
    section = AmtSectionPage.objects.filter(amt=source).first()
    if section is None:
        return
    destination = amt_section_ensure(amt=target)
    if destination is None:
        return
    for child in section.get_children():
        child.move(destination, pos="last-child")
    section.refresh_from_db()
    source_files = section.files_collection
    if source_files is not None and destination.files_collection is not None:
        # The source Amt's private files follow its pages into the merged Amt's collection.
        for model in (get_document_model(), get_image_model()):
            model.objects.filter(collection=source_files).update(
                collection=destination.files_collection
            )
    section.delete()
    if source_files is not None and destination.files_collection != source_files:
        source_files.delete()


@transaction.atomic
def amt_section_ensure(*, amt: OrgUnit) -> AmtSectionPage | None:
    """Create or rename the Amt's section in "Wissen" and give its groups their rights.

    The Amt's Digital Movers write in their section and in the city-wide one; the Amt's
    Redaktion approves in the Amt's section (workflow "Freigabe Amt …"). Runs whenever an
    Amt or its groups are created or renamed (directory.services.amt_groups_ensure).
    """
    if amt.kind != OrgUnit.Kind.AMT:
        raise ValueError("Bereiche gibt es nur für Ämter.")
    city = city_section_ensure()
    if city is None:
        return None
    wiki = WikiIndexPage.objects.get()
    title = str(amt)
    section, created = _section_ensure(
        wiki=wiki, amt=amt, title=title, slug=slugify(f"amt-{amt.number}")
    )
    groups = {
        office_group.kind: office_group.group
        for office_group in OfficeGroup.objects.filter(amt=amt).select_related("group")
    }
    collection = _amt_collection_ensure(
        section=section, members=groups.get(OfficeGroup.Kind.MEMBERS)
    )
    movers = groups.get(OfficeGroup.Kind.DIGITAL_MOVERS)
    redaktion = groups.get(OfficeGroup.Kind.REDAKTION)
    if movers is None or redaktion is None:
        return section  # the directory creates the groups first and calls again
    granted = 0
    for group, page, codenames in [
        (movers, section, AUTHOR_PAGE_PERMISSIONS),
        (movers, city, AUTHOR_PAGE_PERMISSIONS),
        (redaktion, section, APPROVER_PAGE_PERMISSIONS),
    ]:
        granted += _grant_page_permissions(group=group, page=page, codenames=codenames)
    _grant_editor_basics(group=movers, amt_collection=collection)
    _grant_editor_basics(group=redaktion, amt_collection=collection)
    _workflow_ensure(name=f"Freigabe Amt {amt.number}", approvers=redaktion, page=section)
    if created or granted:
        audit_record(
            actor=None,
            action="wiki.section_permissions",
            target=section,
            summary=f"Bereich „{title}“: Rechte für Digital Movers und Redaktion",
            changes={"page_permissions_granted": granted, "section_created": created},
        )
    return section


def _revision_review_fields_set(*, revision, review_date: datetime.date, today) -> None:
    if revision is None:
        return
    revision.content["review_date"] = review_date.isoformat()
    revision.content["last_reviewed_on"] = today.isoformat()
    revision.save(update_fields=["content"])


@transaction.atomic
def page_mark_reviewed(*, page, user) -> datetime.date:
    """ "Als geprüft markieren": move the Prüfdatum twelve months on, without creating a new
    revision; the live and latest revisions are patched so a later publish keeps it."""
    from wiki import permissions

    if not permissions.user_is_responsible_for(user, page):
        raise PermissionError("Nur Verantwortliche dürfen eine Seite als geprüft markieren.")
    today = timezone.localdate()
    review_date = today + datetime.timedelta(days=REVIEW_INTERVAL_DAYS)
    type(page).objects.filter(pk=page.pk).update(review_date=review_date, last_reviewed_on=today)
    revisions = {page.live_revision, page.latest_revision}
    for revision in revisions:
        _revision_review_fields_set(revision=revision, review_date=review_date, today=today)
    page.review_date, page.last_reviewed_on = review_date, today
    return review_date


def page_feedback_submit(*, page: Page, helpful: bool, comment: str, session_key: str):
    """Store one anonymous answer (P1: no user, no session, no time of day).

    Each session answers a page once a day and at most FEEDBACK_LIMIT_PER_SESSION times a
    day in all; the portal's rate limiter keeps the counts only in the cache, under a keyed
    hash of the session, with an expiry.
    """
    if not feature_enabled("page_feedback"):
        raise FeedbackRejected("switched_off")
    once = ratelimit.Rate(1, FEEDBACK_LIMIT_SECONDS)
    if ratelimit.hit("wiki-feedback-page", f"{session_key}:{page.pk}", once).limited:
        raise FeedbackRejected("already_answered")
    total = ratelimit.Rate(FEEDBACK_LIMIT_PER_SESSION, FEEDBACK_LIMIT_SECONDS)
    if ratelimit.hit("wiki-feedback", session_key, total).limited:
        raise FeedbackRejected("too_many")
    feedback = PageFeedback(page=page, helpful=helpful, comment=comment.strip())
    feedback.full_clean()
    feedback.save()
    return feedback
