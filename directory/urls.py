from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.directory_search, name="index"),
    path("api/suche/", views.directory_search_json, name="search_json"),
    path("ich/", views.my_profile, name="me"),
    path("ich/bearbeiten/", views.my_profile_edit, name="profile_edit"),
    path("organisation/", views.org_chart, name="org_chart"),
    path("einheit/<int:pk>/", views.unit_detail, name="unit"),
    path("<uuid:uuid>/", views.person_profile, name="person"),
    path("<uuid:uuid>/vcard/", views.person_vcard, name="vcard"),
    path("<uuid:uuid>/foto/", views.person_photo, name="photo"),
    path("api/personen/<uuid:uuid>/", views.person_profile_json, name="person_json"),
]
