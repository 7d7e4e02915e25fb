from django.urls import path

from intranet.sso import views

# Anonymous visitors may open these (intranet.urls.PUBLIC_URL_NAMES); outside OIDC mode
# the OIDC ones answer 404.
PUBLIC_URL_NAMES = {"sso_oidc_start", "sso_oidc_callback", "sso_oidc_backchannel_logout"}

urlpatterns = [
    path("stadtkonto/", views.OIDCStartView.as_view(), name="sso_oidc_start"),
    path("stadtkonto/rueckkehr/", views.OIDCCallbackView.as_view(), name="sso_oidc_callback"),
    path(
        "stadtkonto/backchannel-logout/",
        views.backchannel_logout,
        name="sso_oidc_backchannel_logout",
    ),
]
