"""ASGI entry point: daphne serves HTTP and WebSockets from here."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # S1: foreign origins are refused first, then the session is resolved; the
        # consumer refuses anonymous users.
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Everything loaded so far (settings, models, Wagtail, the URLconf and its views) lives as
# long as the process. gc.freeze() moves it out of the garbage collector's reach, so a
# full collection no longer walks the whole framework: with 200 sockets in one room, such
# collections stalled every delivery and put the fan-out's p99 at 160–220 ms instead of
# 45–80 ms (bench/chat_fanout.py, docs/chat-benchmark.md).
get_resolver().url_patterns  # noqa: B018 - load the views now, so they are frozen too
gc.freeze()
