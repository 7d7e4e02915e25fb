"""The only place that decides who may see, edit and review knowledge pages and download
their files.

Wagtail enforces view restrictions when a page is served, but not in search results,
listings, the home page or the sitemap (PORTAL.md section 3). Every list of pages the
portal shows therefore goes through `visible_pages`, and the admin's page questions go
through `PortalPagePermissionPolicy`. Documents and images are checked against the view
restrictions of their collection (the Amt's private collection, wiki.services).
"""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from wagtail.models import BaseViewRestriction, Collection, Page, PageViewRestriction
from wagtail.permission_policies.pages import PagePermissionPolicy

from directory.models import OfficeGroup

_HIDDEN_PATHS_ATTR = "_wiki_hidden_paths"


_GROUP_IDS_ATTR = "_wiki_group_ids"
_VIEW_RESTRICTIONS_ATTR = "_wiki_view_restrictions"


def _user_group_ids(user) -> set[int]:
    """The user's group ids (one query, then remembered on the user for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, _GROUP_IDS_ATTR, None)
    if cached is None:
        cached = set(user.groups.values_list("pk", flat=True))
        setattr(user, _GROUP_IDS_ATTR, cached)
    return cached


def user_passes_view_restrictions(user, restrictions) -> bool:
    """Whether the user passes every one of these page or collection view restrictions
    (their groups prefetched). The same rule as `hidden_paths`: a group restriction needs
    one of its groups (the IT-operations superuser passes, docs/wiki.md), a login
    restriction a login, and a password restriction never passes (they are switched off)."""
    authenticated = getattr(user, "is_authenticated", False)
    for restriction in restrictions:
        if restriction.restriction_type == BaseViewRestriction.GROUPS:
            if not authenticated:
                return False
            if user.is_superuser:
                continue
            if not {group.pk for group in restriction.groups.all()} & _user_group_ids(user):
                return False
        elif restriction.restriction_type == BaseViewRestriction.LOGIN:
            if not authenticated:
                return False
        else:
            return False
    return True


def page_view_restrictions(page: Page):
    """The view restrictions on the page and its ancestors, evaluated once per page object
    (two queries, plus one for their groups if there are any)."""
    cached = page.__dict__.get(_VIEW_RESTRICTIONS_ATTR)
    if cached is None:
        # Page's own method, not the instance's: the serve hook points that one here.
        cached = Page.get_view_restrictions(page).prefetch_related("groups")
        list(cached)  # evaluate now; iterating or testing it later costs no query
        page.__dict__[_VIEW_RESTRICTIONS_ATTR] = cached
    return cached


def hidden_paths(user) -> list[str]:
    """Tree paths of the restricted sections this user may not see (two queries, then
    remembered on the user object for the rest of the request)."""
    cached = getattr(user, _HIDDEN_PATHS_ATTR, None)
    if cached is not None:
        return cached
    authenticated = getattr(user, "is_authenticated", False)
    superuser = authenticated and user.is_superuser
    group_ids = _user_group_ids(user)
    allowed: dict[str, bool] = {}
    rows = PageViewRestriction.objects.values_list("pk", "page__path", "restriction_type", "groups")
    for _pk, path, restriction_type, group_id in rows:
        if restriction_type == BaseViewRestriction.GROUPS:
            passes = superuser or group_id in group_ids
        elif restriction_type == BaseViewRestriction.LOGIN:
            passes = authenticated
        else:  # password restrictions are switched off; never list such a page
            passes = False
        # A restriction with several groups passes if any of its groups does.
        allowed[(_pk, path)] = allowed.get((_pk, path), False) or passes
    paths = sorted({path for (_pk, path), passes in allowed.items() if not passes})
    if user is not None:
        setattr(user, _HIDDEN_PATHS_ATTR, paths)
    return paths


def hidden_q(user, *, prefix: str = "") -> Q:
    """Pages in sections hidden from the user; `prefix` filters a relation to pages
    (e.g. "content_object__")."""
    paths = hidden_paths(user)
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}path__startswith": path}) for path in paths))


def visible_pages(queryset: QuerySet, user) -> QuerySet:
    """Only live pages outside any restricted section the user doesn't belong to."""
    return queryset.live().exclude(hidden_q(user))


def user_may_view_page(user, page: Page) -> bool:
    """Whether the user may open this page: outside every restricted section they don't
    belong to. Uses the hidden sections if this request already knows them, otherwise the
    page's own restrictions (cheaper for a single page)."""
    cached = getattr(user, _HIDDEN_PATHS_ATTR, None)
    if cached is not None:
        return not any(page.path.startswith(path) for path in cached)
    return user_passes_view_restrictions(user, page_view_restrictions(page))


def user_may_download_file(user, collection: Collection) -> bool:
    """Whether the user may download a document or image of this collection: they pass the
    view restrictions of the collection and its ancestors (an Amt's private collection
    admits the Amt's Mitarbeitende and the IT-operations superuser)."""
    restrictions = collection.get_view_restrictions().prefetch_related("groups")
    return user_passes_view_restrictions(user, restrictions)


class PortalPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, less the pages hidden from the user by a view restriction.

    Wagtail lets editors explore every page below the common ancestor of the pages they
    may edit, so a Digital Mover of one Amt could read the titles of another Amt's
    restricted pages in the explorer, the choosers and the bulk actions. Here a page the
    user may not see is neither explorable nor editable, whatever their page permissions.
    Registered for all pages in `WikiConfig.ready`.
    """

    def explorable_instances(self, user):
        return super().explorable_instances(user).exclude(hidden_q(user))

    def instances_user_has_any_permission_for(self, user, actions):
        return super().instances_user_has_any_permission_for(user, actions).exclude(hidden_q(user))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not user_may_view_page(user, instance):
            return False
        return super().user_has_any_permission_for_instance(user, actions, instance)


def page_permission_policy() -> PortalPagePermissionPolicy:
    from wagtail.permissions import policy_registry

    return policy_registry.get_by_type(Page)


def user_may_explore_page(user, page: Page) -> bool:
    """Whether the page may appear in the user's admin explorer (also as the page whose
    children are listed) and bulk actions: the root of their tree, a page they may edit
    or one on the way to it, and never a page hidden from them."""
    policy = page_permission_policy()
    if page.depth == 1:
        return True
    return policy.explorable_instances(user).filter(pk=page.pk).exists()


def explorable_page_ids(user, page_ids) -> set[int]:
    """Those of these pages the user may explore (one query)."""
    explorable = page_permission_policy().explorable_instances(user)
    return set(explorable.filter(pk__in=list(page_ids)).values_list("pk", flat=True))


def _digital_mover_amt_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        OfficeGroup.objects.filter(
            kind=OfficeGroup.Kind.DIGITAL_MOVERS, group__user=user
        ).values_list("amt_id", flat=True)
    )


def section_paths_of_digital_mover(user) -> list[str]:
    """The sections of the Ämter whose Digital Movers group the user is in (one query)."""
    from wiki.models import AmtSectionPage

    if not user.is_authenticated:
        return []
    return list(
        AmtSectionPage.objects.filter(
            amt__office_groups__kind=OfficeGroup.Kind.DIGITAL_MOVERS,
            amt__office_groups__group__user=user,
        ).values_list("path", flat=True)
    )


def user_is_responsible_for(user, page) -> bool:
    """The content owner and the Digital Movers of the page's Amt look after a page: they
    see the review report, mark it reviewed, and read the feedback comments."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    owner = getattr(page, "content_owner", None)
    if owner is not None and owner.user_id == user.pk:
        return True
    return any(page.path.startswith(path) for path in section_paths_of_digital_mover(user))


def responsible_pages_q(user) -> Q:
    """The pages a user looks after (see `user_is_responsible_for`) as a filter."""
    if user.is_superuser:
        return Q()
    q = Q(content_owner__user=user)
    for path in section_paths_of_digital_mover(user):
        q |= Q(path__startswith=path)
    return q


def user_may_see_review_report(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or _digital_mover_amt_ids(user):
        return True
    from wiki.models import KnowledgePage, TrainingPage

    return any(
        model.objects.filter(content_owner__user=user).exists()
        for model in (KnowledgePage, TrainingPage)
    )
