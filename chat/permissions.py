"""The only place that decides who may read, write in and moderate which chat room.

Rights are django-guardian object permissions on the room, granted to the directory's Amt
groups (so they follow the directory) or to single people. Superusers get nothing extra
(P4): these checks read the permission rows themselves instead of `has_perm`, which would
answer True for any superuser.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from chat.models import Message, Room, RoomGroupObjectPermission, RoomUserObjectPermission

ACTIONS = {"view": "view_room", "post": "post_room", "moderate": "moderate_room"}


def _granted(user, action: str) -> Q:
    codename = ACTIONS[action]
    by_user = RoomUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), permission__codename=codename, user=user
    )
    by_group = RoomGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"), permission__codename=codename, group__user=user
    )
    # Checked in the same query, so a deactivated account loses every room at once.
    active = get_user_model().objects.filter(pk=user.pk, is_active=True)
    return Exists(active) & (Q(Exists(by_user)) | Q(Exists(by_group)))


def rooms_for_user(user, action: str = "view") -> QuerySet[Room]:
    """The rooms in which the user may do `action`; empty for anonymous or inactive users."""
    if not (user and user.is_authenticated and user.is_active):
        return Room.objects.none()
    return Room.objects.filter(_granted(user, action))


def room_ids_for_user(user) -> set[int]:
    """The ids of the rooms the user may read, in one cheap query (asked on every frame)."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    by_user = RoomUserObjectPermission.objects.filter(
        user=user, user__is_active=True, permission__codename="view_room"
    ).values_list("content_object_id", flat=True)
    by_group = RoomGroupObjectPermission.objects.filter(
        group__user=user, group__user__is_active=True, permission__codename="view_room"
    ).values_list("content_object_id", flat=True)
    return set(by_user.union(by_group))


def room_actions_for_user(user, room_id: int) -> set[str]:
    """Every action the user may take in one room, answered with one query.

    The user's own `is_active` is read in the same query, so a deactivated account loses
    every room at once, whatever the socket's copy of the user says.
    """
    if not (user and user.is_authenticated and user.is_active):
        return set()
    by_user = RoomUserObjectPermission.objects.filter(
        content_object_id=room_id, user=user, user__is_active=True
    ).values_list("permission__codename", flat=True)
    by_group = RoomGroupObjectPermission.objects.filter(
        content_object_id=room_id, group__user=user, group__user__is_active=True
    ).values_list("permission__codename", flat=True)
    codenames = set(by_user.union(by_group))
    actions = {action for action, codename in ACTIONS.items() if codename in codenames}
    # Moderating or writing a room means reading it, too.
    return actions if "view" in actions else set()


def users_with_room_access(*, room_id: int, usernames: set[str]):
    """Of these usernames, the active people who may read the room (for @mentions)."""
    by_user = RoomUserObjectPermission.objects.filter(
        content_object=room_id, permission__codename="view_room", user=OuterRef("pk")
    )
    by_group = RoomGroupObjectPermission.objects.filter(
        content_object=room_id, permission__codename="view_room", group__user=OuterRef("pk")
    )
    return get_user_model().objects.filter(
        Q(Exists(by_user)) | Q(Exists(by_group)), username__in=usernames, is_active=True
    )


def room_members(*, room_id: int):
    """The active people who may read the room: its member list, as every member sees it."""
    by_user = RoomUserObjectPermission.objects.filter(
        content_object=room_id, permission__codename="view_room", user=OuterRef("pk")
    )
    by_group = RoomGroupObjectPermission.objects.filter(
        content_object=room_id, permission__codename="view_room", group__user=OuterRef("pk")
    )
    return get_user_model().objects.filter(Q(Exists(by_user)) | Q(Exists(by_group)), is_active=True)


def user_may(user, action: str, room: Room) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"Unknown chat action: {action}")
    return action in room_actions_for_user(user, room.pk)


def user_may_invite(user, room: Room) -> bool:
    """Members who may write in a cross-office room may invite people and Ämter into it."""
    return room.kind == Room.Kind.CROSS_OFFICE and user_may(user, "post", room)


def user_may_leave(user, room: Room) -> bool:
    """Only cross-office rooms can be left; Amt rooms follow the directory, direct
    conversations belong to both people."""
    return room.kind == Room.Kind.CROSS_OFFICE and user_may(user, "view", room)


def user_may_edit_message(user, message: Message, actions: set[str]) -> bool:
    """Only the author edits, and only while they may still write in the room."""
    return (
        not message.deleted
        and message.author_id is not None
        and message.author_id == user.pk
        and "post" in actions
    )


def user_may_delete_message(user, message: Message, actions: set[str]) -> bool:
    """The author (while a member) or a moderator of the room deletes a message."""
    if message.deleted:
        return False
    if "moderate" in actions:
        return True
    return message.author_id == user.pk and "view" in actions
