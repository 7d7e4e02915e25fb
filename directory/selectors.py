"""Reads of the organisational tree and the people in it."""

from django.db.models import Prefetch, QuerySet

from directory import search
from directory.models import VOLUNTARY_FIELDS, OrgUnit, Person
from directory.tree import units_below_q as units_below_q  # services filter with it


def person_for_user(*, user) -> Person | None:
    if not user.is_authenticated:
        return None
    return (
        Person.objects.filter(user=user, is_active=True)
        .select_related("unit__parent__parent")
        .first()
    )


def amt_list_for_person(*, person: Person) -> list[OrgUnit]:
    """The Ämter a person belongs to: their primary unit's Amt and those of further units."""
    units = [person.unit, *person.further_units.select_related("parent__parent")]
    amter: dict[int, OrgUnit] = {}
    for unit in units:
        amt = unit.amt
        if amt is not None:
            amter[amt.pk] = amt
    return list(amter.values())


# --- People as others see them ------------------------------------------------------------

PERSON_RELATED = ("unit__parent__parent", "deputy")


def _further_units_prefetch() -> Prefetch:
    return Prefetch("further_units", queryset=OrgUnit.objects.select_related("parent__parent"))


SEARCH_COLUMNS = ("search_document", "search_names", "search_phonetic", "search_vector")


def person_list_active() -> QuerySet[Person]:
    return (
        Person.objects.filter(is_active=True)
        .defer(*SEARCH_COLUMNS, *(f"deputy__{name}" for name in SEARCH_COLUMNS))
        .select_related(*PERSON_RELATED)
        .prefetch_related(_further_units_prefetch())
    )


def person_search_ids(*, query: str, limit: int) -> list[int]:
    """The ids of the best `limit` matches, in order: one narrow query without joins, so a
    broad query ("Sachbearbeitung") costs little more than a narrow one."""
    return search.person_search_ids(query=query, limit=limit)


def person_list_by_ids(*, ids: list[int]) -> list[Person]:
    """People with everything a result card needs, in the order of `ids`."""
    people = {person.pk: person for person in person_list_active().filter(pk__in=ids)}
    return [people[pk] for pk in ids if pk in people]


def person_get_for_profile(*, uuid) -> Person | None:
    return person_list_active().filter(uuid=uuid).first()


def person_released(*, user, person: Person, amt_ids: set[int]) -> dict:
    """What `user` may see of `person`: official data plus the released voluntary fields.

    Search results, the profile, the vCard and the JSON endpoint are all built from this,
    and the decision is `permissions.voluntary_fields_visible` alone. Personnel number,
    dates of entry and exit and the account are never part of it (P6).
    """
    from directory import permissions

    visible = permissions.voluntary_fields_visible(user, person, amt_ids=amt_ids)
    unit = person.unit
    deputy = person.deputy if person.deputy and person.deputy.is_active else None
    data = {
        "uuid": str(person.uuid),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "function": person.function,
        "unit": {"id": unit.pk, "number": unit.number, "name": unit.name, "label": str(unit)},
        "amt": str(unit.amt) if unit.amt else "",
        "phone": person.phone,
        "email": person.email,
        "room": person.room,
        "responsibilities": person.responsibilities,
        "absent_until": person.absent_until if person.is_absent else None,
        "deputy": (
            {"uuid": str(deputy.uuid), "full_name": deputy.full_name}
            if deputy is not None
            else None
        ),
        "has_photo": "photo" in visible and bool(person.photo),
    }
    for field in VOLUNTARY_FIELDS:
        if field != "photo" and field in visible and getattr(person, field):
            data[field] = getattr(person, field)
    return data


# --- The organisational tree -------------------------------------------------------------


def org_chart() -> list[OrgUnit]:
    """Referate with their Ämter, Abteilungen and Sachgebiete, loaded in one query."""
    units = list(OrgUnit.objects.order_by("number", "name"))
    by_parent: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    for unit in units:
        unit.sub_units = by_parent.get(unit.pk, [])
    return by_parent.get(None, [])


def org_unit_get(*, pk: int) -> OrgUnit | None:
    return (
        OrgUnit.objects.select_related("parent__parent__parent", "leader__unit")
        .filter(pk=pk)
        .first()
    )


def org_unit_children(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return unit.children.order_by("number", "name")


def org_unit_members(*, unit: OrgUnit) -> QuerySet[Person]:
    """The active people whose primary unit is exactly this one."""
    return person_list_active().filter(unit=unit)
