"""The site shell's own Wagtail admin view: the co-determined feature switches."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from intranet import permissions, selectors, services
from intranet.features import FEATURES


class FeatureSwitchForm(forms.Form):
    def __init__(self, *args, states, **kwargs):
        super().__init__(*args, **kwargs)
        for feature in FEATURES:
            self.fields[feature.key] = forms.BooleanField(
                label=feature.label,
                help_text=feature.description,
                required=False,
                initial=states[feature.key],
            )


class FeatureSwitchView(WagtailAdminTemplateMixin, FormView):
    """Switch the co-determined features city-wide; every change is audited."""

    template_name = "intranet/admin/feature_switches.html"
    form_class = FeatureSwitchForm
    page_title = _("Mitbestimmte Funktionen")
    header_icon = "cogs"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.user_may_switch_features(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        states = {state.key: state.enabled for state in selectors.feature_states()}
        return {**super().get_form_kwargs(), "states": states}

    def form_valid(self, form):
        for feature in FEATURES:
            services.feature_switch_set(
                actor=self.request.user, key=feature.key, enabled=form.cleaned_data[feature.key]
            )
        messages.success(self.request, _("Die Funktionsschalter wurden gespeichert."))
        return redirect("portal_feature_switches")


# Wagtail's reports that list what individual editors did and when (see admin_reports.py).
ACTIVITY_REPORTS = {"locked_pages", "workflow", "workflow_tasks", "site_history", "aging_pages"}
