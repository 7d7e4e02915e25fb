from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("", views.chat_index, name="index"),
    path("raum/<int:pk>/", views.room_detail, name="room"),
    path("raum/<int:pk>/nachricht/<int:seq>/", views.message_permalink, name="message"),
    path("raum/<int:pk>/senden/", views.room_post, name="room_post"),
    path("raum/<int:pk>/einladen/", views.room_invite, name="room_invite"),
    path("raum/<int:pk>/verlassen/", views.room_leave, name="room_leave"),
    path("raum/neu/", views.room_create, name="room_create"),
    path("amt/<int:pk>/", views.room_for_unit, name="room_for_unit"),
    path("direkt/", views.direct_picker, name="direct_picker"),
    path("direkt/oeffnen/", views.direct_start, name="direct_start"),
    path("suche/", views.search, name="search"),
    path("einstellungen/", views.preferences, name="preferences"),
]
