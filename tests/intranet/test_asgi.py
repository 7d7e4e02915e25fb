"""The ASGI entry point prepares a long-lived daphne process (docs/chat-benchmark.md)."""

import os

from tests.support.server import portal_python


def test_startup_objects_are_frozen_out_of_the_garbage_collector():
    """Without gc.freeze() full collections walk the whole framework and stall every socket
    of the process (the fan-out's p99 went from 45–80 to 160–220 ms)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "intranet.settings", "DEBUG": "1"}
    result = portal_python(
        "-c",
        "import gc, intranet.asgi, sys; "
        "print(gc.get_freeze_count(), 'wagtail.admin.urls' in sys.modules)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 100_000  # the framework, not a handful of objects
    assert views_loaded == "True"  # the URLconf was loaded before freezing
