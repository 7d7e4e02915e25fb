"""Pages of the chat: thin views over chat.selectors, chat.services and chat.permissions."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chat import permissions, selectors, services
from chat.forms import (
    DirectPersonForm,
    DirectPickerForm,
    InviteForm,
    MessageForm,
    PreferenceForm,
    RoomForm,
    SearchForm,
)
from chat.models import Room
from chat.protocol import HISTORY_PAGE
from directory.models import OrgUnit
from intranet import ratelimit
from intranet.views import too_many_requests


def _room_or_403(request, pk: int) -> tuple[Room, set[str]]:
    room = get_object_or_404(Room, pk=pk)
    actions = permissions.room_actions_for_user(request.user, room.pk)
    if "view" not in actions:
        # P4: superusers who are not members are refused like anyone else.
        raise PermissionDenied
    return room, actions


def _room_sections(rooms: list[Room]) -> list[tuple[str, str, list[Room]]]:
    """The sidebar's sections: Amt rooms, cross-office rooms, direct messages."""
    labels = [
        (Room.Kind.AMT, _("Ämter")),
        (Room.Kind.CROSS_OFFICE, _("Ämterübergreifend")),
        (Room.Kind.DIRECT, _("Direktnachrichten")),
    ]
    return [(kind, label, [r for r in rooms if r.kind == kind]) for kind, label in labels]


def chat_index(request):
    """The room list. On a desk it opens the first room; `?raeume` shows the list alone
    (the phone's list view, the target of the conversation's back control)."""
    rooms = selectors.room_list_for_user(user=request.user)
    if rooms and "raeume" not in request.GET:
        return redirect("chat:room", pk=rooms[0].pk)
    return render(
        request,
        "chat/index.html",
        {
            "page_title": _("Chat"),
            "rooms": rooms,
            "sections": _room_sections(rooms),
            "picker_form": DirectPickerForm(),
        },
    )


def _room_page(request, room: Room, actions: set[str], *, focus_seq: int | None = None):
    rooms = selectors.room_list_for_user(user=request.user)
    current = next((r for r in rooms if r.pk == room.pk), room)
    detached = False
    if focus_seq is not None and current.last_seq - focus_seq >= HISTORY_PAGE // 2:
        # An older message: open the page around it; newer ones are one click away.
        history = selectors.message_history(
            room_id=room.pk, before=focus_seq + HISTORY_PAGE // 2 + 1, limit=HISTORY_PAGE
        )
        detached = True
    else:
        history = selectors.message_history(room_id=room.pk, limit=HISTORY_PAGE)
    if focus_seq is not None and not any(m["seq"] == focus_seq for m in history):
        raise Http404
    member_count, members = selectors.room_members(room_id=room.pk)
    return render(
        request,
        "chat/index.html",
        {
            "page_title": current.name,
            "rooms": rooms,
            "sections": _room_sections(rooms),
            "room": current,
            "history": history,
            "history_complete": len(history) < HISTORY_PAGE,
            "last_rev": history[-1]["rev"] if detached else current.last_seq,
            "read_up_to": getattr(current, "read_up_to", 0),
            "focus_seq": focus_seq,
            "detached": detached,
            "member_count": member_count,
            "members": members,
            "may_post": "post" in actions,
            "may_moderate": "moderate" in actions,
            "may_invite": permissions.user_may_invite(request.user, room),
            "may_leave": permissions.user_may_leave(request.user, room),
            "form": MessageForm(),
            "picker_form": DirectPickerForm(),
            "preference": selectors.chat_preference_for_user(user=request.user),
            "partner_id": selectors.direct_partner_id(room, request.user),
        },
    )


def room_detail(request, pk: int):
    room, actions = _room_or_403(request, pk)
    return _room_page(request, room, actions)


def message_permalink(request, pk: int, seq: int):
    """A link to one message: the room opened at that message, for members only (403)."""
    room, actions = _room_or_403(request, pk)
    return _room_page(request, room, actions, focus_seq=seq)


@require_POST
def room_post(request, pk: int):
    """The composer without JavaScript: the same service as the socket."""
    room, _actions = _room_or_403(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(
                user=request.user,
                room_id=room.pk,
                client_id=uuid.uuid4().hex,
                text=form.cleaned_data["text"],
            )
        except services.ChatError as error:
            if error.code == "forbidden":
                raise PermissionDenied from error
            messages.error(
                request,
                error.message or _("Die Nachricht wurde nicht gesendet. Bitte erneut versuchen."),
            )
    elif form.has_error("text", "required"):
        messages.error(request, _("Bitte eine Nachricht eingeben (höchstens 4000 Zeichen)."))
    else:
        # The text policy's reason (chat/text.py) or the length: the same as on the socket.
        messages.error(request, " ".join(form.errors["text"]))
    return redirect("chat:room", pk=room.pk)


def room_for_unit(request, pk: int):
    """The chat room of the Amt a unit belongs to (for links from the directory)."""
    unit = get_object_or_404(OrgUnit.objects.select_related("parent__parent"), pk=pk)
    amt = unit.amt
    room = Room.objects.filter(amt=amt).first() if amt else None
    if room is None:
        raise PermissionDenied
    _room_or_403(request, room.pk)
    return redirect("chat:room", pk=room.pk)


def room_create(request):
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.cross_office_room_create(
                creator=request.user,
                name=form.cleaned_data["name"],
                topic=form.cleaned_data["topic"],
            )
        except ratelimit.RateLimited as refused:
            return too_many_requests(
                request,
                message=refused.message,
                decision=refused.decision,
                back_url=reverse("chat:index"),
                back_label=_("Zum Chat"),
            )
        messages.success(request, _("Der Raum wurde angelegt. Laden Sie jetzt Mitglieder ein."))
        return redirect("chat:room_invite", pk=room.pk)
    return render(
        request,
        "chat/room_form.html",
        {"page_title": _("Neuer ämterübergreifender Raum"), "form": form},
    )


def room_invite(request, pk: int):
    room, _actions = _room_or_403(request, pk)
    if not permissions.user_may_invite(request.user, room):
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_invite(
                room=room,
                actor=request.user,
                users=form.cleaned_data["usernames"],
                amter=list(form.cleaned_data["amter"]),
            )
        except ratelimit.RateLimited as refused:
            return too_many_requests(
                request,
                message=refused.message,
                decision=refused.decision,
                back_url=reverse("chat:room", args=[room.pk]),
                back_label=_("Zum Raum"),
            )
        messages.success(request, _("Die Einladungen wurden gespeichert."))
        return redirect("chat:room", pk=room.pk)
    return render(
        request,
        "chat/room_invite.html",
        {
            "page_title": _("In „%(name)s“ einladen") % {"name": room.name},
            "room": room,
            "form": form,
        },
    )


@require_POST
def room_leave(request, pk: int):
    room, _actions = _room_or_403(request, pk)
    try:
        services.room_leave(room=room, user=request.user)
    except services.ChatError as error:
        raise PermissionDenied from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("chat:room", pk=room.pk)
    messages.success(request, _("Sie haben den Raum verlassen."))
    return redirect("chat:index")


def direct_picker(request):
    """Whom to write to: the directory's search and visibility, never a login name."""
    form = DirectPickerForm(request.GET or None)
    results, limited = [], None
    if form.is_valid():
        decision = ratelimit.directory_hit(user=request.user)  # S5: the directory's budget
        limited = decision if decision.limited else None
        if not limited:
            results = selectors.direct_partner_candidates(
                user=request.user, query=form.cleaned_data["q"]
            )
    response = render(
        request,
        "chat/direct_picker.html",
        {
            "page_title": _("Neue Direktnachricht"),
            "form": form,
            "results": results,
            "rate_limited": limited is not None,
            "rate_limit_message": ratelimit.directory_message(limited) if limited else "",
        },
    )
    if limited:
        response.status_code = 429
        response["Retry-After"] = str(limited.retry_after)
    return response


@require_POST
def direct_start(request):
    """Open the conversation with a person (from a profile or the picker), or start it."""
    form = DirectPersonForm(request.POST)
    other = None
    if form.is_valid():
        other = selectors.direct_partner_for_person(uuid=form.cleaned_data["person"])
    if other is None:
        messages.error(request, _("Diese Person ist im Chat nicht erreichbar."))
        return redirect("chat:direct_picker")
    try:
        room = services.direct_room_get_or_create(user=request.user, other=other)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("chat:direct_picker")
    return redirect("chat:room", pk=room.pk)


def search(request):
    form = SearchForm(request.GET or None)
    results = []
    if form.is_valid():
        room_id = request.GET.get("raum", "")
        results = selectors.message_search(
            user=request.user,
            query=form.cleaned_data["q"],
            room_id=int(room_id) if room_id.isdigit() else None,
        )
    return render(
        request,
        "chat/search.html",
        {"page_title": _("Chat durchsuchen"), "form": form, "results": results},
    )


def preferences(request):
    preference = selectors.chat_preference_for_user(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.chat_preference_set(
            user=request.user,
            share_presence=form.cleaned_data["share_presence"],
            share_typing=form.cleaned_data["share_typing"],
        )
        messages.success(request, _("Ihre Chat-Einstellungen wurden gespeichert."))
        return redirect("chat:preferences")
    return render(
        request,
        "chat/preferences.html",
        {"page_title": _("Chat-Einstellungen"), "form": form},
    )
