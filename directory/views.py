"""Pages of the staff directory: search, profiles, vCard, the org chart and unit pages.

Every page that shows a person builds it from `selectors.person_released`, which asks
`permissions.voluntary_fields_visible`: one rule for the search, the profile, the vCard and
the JSON endpoints.
"""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from directory import permissions, selectors, services, vcard
from directory.forms import ProfileForm, SearchForm
from intranet import ratelimit
from intranet.views import too_many_requests

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# S5: a query reaches at most this many results; beyond that, refine the search.
MAX_RESULTS = 200


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("anzahl", PAGE_SIZE))
    except ValueError:
        size = PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def _search_page(request):
    """Run the search for the request; returns (query, page, rate limit decision or None)."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if not query:
        return query, None, None
    decision = ratelimit.directory_hit(user=request.user)
    if decision.limited:
        return query, None, decision
    ids = selectors.person_search_ids(query=query, limit=MAX_RESULTS)
    page = Paginator(ids, _page_size(request)).get_page(request.GET.get("seite"))
    amt_ids = permissions.viewer_amt_ids(request.user)
    page.object_list = [
        selectors.person_released(user=request.user, person=person, amt_ids=amt_ids)
        for person in selectors.person_list_by_ids(ids=list(page.object_list))
    ]
    return query, page, None


def directory_search(request):
    query, page, limited = _search_page(request)
    response = render(
        request,
        "directory/search.html",
        {
            "page_title": _("Personen"),
            "query": query,
            "page": page,
            "rate_limited": limited is not None,
            "rate_limit_message": ratelimit.directory_message(limited) if limited else "",
            "max_results": MAX_RESULTS,
            "page_size": _page_size(request),
        },
    )
    if limited:
        response.status_code = 429
        response["Retry-After"] = str(limited.retry_after)
    return response


def directory_search_json(request):
    query, page, limited = _search_page(request)
    if limited:
        return JsonResponse(
            {"error": ratelimit.directory_message(limited)},
            status=429,
            headers={"Retry-After": str(limited.retry_after)},
        )
    if page is None:
        return JsonResponse({"query": query, "results": [], "count": 0})
    return JsonResponse(
        {
            "query": query,
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": page.object_list,
        }
    )


def _released_or_404(request, uuid) -> tuple:
    person = selectors.person_get_for_profile(uuid=uuid)
    if person is None or not permissions.person_is_listed_for(request.user, person):
        raise Http404
    return person, selectors.person_released(
        user=request.user, person=person, amt_ids=permissions.viewer_amt_ids(request.user)
    )


def chat_room_url(unit) -> str | None:
    """The chat room of the unit's Amt (a Referat has none)."""
    amt = unit.amt
    return reverse("chat:room_for_unit", args=[amt.pk]) if amt is not None else None


def person_profile(request, uuid):
    person, released = _released_or_404(request, uuid)
    return render(
        request,
        "directory/person_profile.html",
        {
            "page_title": released["full_name"],
            "person": released,
            "unit_path": _unit_path(person.unit),
            "chat_url": chat_room_url(person.unit),
            "is_own": permissions.user_may_edit_profile(request.user, person),
        },
    )


def person_profile_json(request, uuid):
    _person, released = _released_or_404(request, uuid)
    return JsonResponse(released, json_dumps_params={"ensure_ascii": False})


def person_vcard(request, uuid):
    _person, released = _released_or_404(request, uuid)
    response = HttpResponse(vcard.vcard_for(released), content_type="text/vcard; charset=utf-8")
    filename = vcard.vcard_filename(released)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def person_photo(request, uuid):
    person, released = _released_or_404(request, uuid)
    if not released["has_photo"]:
        raise Http404
    content_type = mimetypes.guess_type(person.photo.name)[0] or "application/octet-stream"
    response = FileResponse(person.photo.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=300"
    return response


def my_profile(request):
    person = selectors.person_for_user(user=request.user)
    if person is None:
        raise Http404
    return redirect("directory:person", uuid=person.uuid)


def my_profile_edit(request):
    person = selectors.person_for_user(user=request.user)
    if person is None or not permissions.user_may_edit_profile(request.user, person):
        raise Http404
    form = ProfileForm(request.POST or None, request.FILES or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_profile_update(
                person=selectors.person_for_user(user=request.user), **form.profile_changes()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Ihre Angaben wurden gespeichert."))
            return redirect("directory:person", uuid=person.uuid)
    return render(
        request,
        "directory/profile_edit.html",
        {"page_title": _("Meine Angaben im Verzeichnis"), "form": form, "person": person},
    )


def _unit_path(unit) -> list:
    path = []
    while unit is not None:
        path.insert(0, unit)
        unit = unit.parent
    return path


def _paging_refused(request):
    """The unit pages and the org chart count against the search's paging budget (S5)."""
    decision = ratelimit.directory_hit(user=request.user)
    if not decision.limited:
        return None
    return too_many_requests(
        request,
        message=ratelimit.directory_message(decision),
        decision=decision,
        back_url=reverse("directory:index"),
    )


def org_chart(request):
    if refused := _paging_refused(request):
        return refused
    return render(
        request,
        "directory/org_chart.html",
        {"page_title": _("Organigramm"), "referate": selectors.org_chart()},
    )


def unit_detail(request, pk: int):
    if refused := _paging_refused(request):
        return refused
    unit = selectors.org_unit_get(pk=pk)
    if unit is None:
        raise Http404
    paginator = Paginator(selectors.org_unit_members(unit=unit), MAX_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("seite"))
    amt_ids = permissions.viewer_amt_ids(request.user)
    page.object_list = [
        selectors.person_released(user=request.user, person=person, amt_ids=amt_ids)
        for person in page.object_list
    ]
    leader = unit.leader if unit.leader and unit.leader.is_active else None
    return render(
        request,
        "directory/unit_detail.html",
        {
            "page_title": str(unit),
            "unit": unit,
            "unit_path": _unit_path(unit),
            "children": selectors.org_unit_children(unit=unit),
            "leader": leader,
            "page": page,
            "chat_url": chat_room_url(unit),
        },
    )
