from django.urls import path

from chat.consumers import PortalConsumer

websocket_urlpatterns = [
    path("ws/", PortalConsumer.as_asgi()),
]
