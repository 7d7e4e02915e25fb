"""The directory is the bottom layer: it imports neither the chat nor the wiki, and they
follow its changes through the extension points in directory/signals.py."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

import directory
from chat.models import Room
from directory import services, signals
from directory.models import OrgUnit
from tests.support.factories import referat
from wiki.models import AmtSectionPage

UPPER_APPS = ("chat", "wiki")
DIRECTORY = Path(directory.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or lazily inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif (  # importlib.import_module("chat.services") and the like
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


def test_no_directory_module_imports_chat_or_wiki():
    files = sorted(DIRECTORY.rglob("*.py"))
    assert DIRECTORY / "services.py" in files and len(files) > 15
    offending = {
        f"{path.relative_to(DIRECTORY.parent)}: {name}"
        for path in files
        for name in _imported_modules(path)
        if name.split(".")[0] in UPPER_APPS
    }
    assert offending == set()


def test_the_check_sees_a_lazy_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from chat.services import amt_room_ensure\n")
    assert "chat.services" in _imported_modules(sample)


@pytest.mark.django_db
def test_the_chat_and_the_wiki_follow_through_the_extension_points():
    receivers = {
        signal: {str(lookup[0][0]) for lookup in signal.receivers}
        for signal in (signals.amt_groups_ensured, signals.amt_merging)
    }
    assert receivers[signals.amt_groups_ensured] == {
        "chat.amt_groups_ensured_room_ensure",
        "wiki.amt_groups_ensured_section",
    }
    assert receivers[signals.amt_merging] == {
        "chat.amt_merging_room_merge",
        "wiki.amt_merging_section",
    }


@pytest.mark.django_db
def test_a_failing_receiver_rolls_the_directory_change_back(home_page):
    def refuse(sender, **kwargs):
        raise RuntimeError("receiver failed")

    parent = referat("SOS")
    signals.amt_groups_ensured.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError):
            services.org_unit_create(
                kind=OrgUnit.Kind.AMT,
                number="77",
                name="Testamt",
                parent=parent,
                actor=services.SYSTEM,
            )
    finally:
        signals.amt_groups_ensured.disconnect(dispatch_uid="test.refuse")
    # Nothing of it stays: neither the Amt nor its groups, wiki section or chat room.
    assert not OrgUnit.objects.filter(number="77").exists()
    assert not Group.objects.filter(name__startswith="Amt 77").exists()
    assert not AmtSectionPage.objects.filter(title__contains="Testamt").exists()
    assert not Room.objects.filter(name__contains="Testamt").exists()


def test_permissions_decide_without_the_selectors():
    """Selectors filter by what permissions allow; permissions never read through selectors
    (both use directory/tree.py), so neither import goes round in a circle."""
    imported = _imported_modules(DIRECTORY / "permissions.py")
    assert "directory.selectors" not in imported
    assert not any(
        isinstance(node, ast.ImportFrom)
        and node.module == "directory"
        and alias.name == "selectors"
        for node in ast.walk(ast.parse((DIRECTORY / "permissions.py").read_text()))
        for alias in getattr(node, "names", [])
    )
