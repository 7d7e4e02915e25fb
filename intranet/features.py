"""Features subject to co-determination by the Personalrat, listed in one place.

The transparency page shows each with its current city-wide state. A person's own opt-in
(e.g. to presence) only counts while the feature is switched on city-wide; switching a
feature is an administrative action and goes into the audit log.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Feature:
    key: str
    label: str
    description: str
    default: bool


FEATURES = [
    Feature(
        key="presence",
        label=_("Präsenzanzeige"),
        description=_(
            "Zeigt anderen, dass jemand gerade im Chat ist. Nur für Personen, die sie selbst "
            "eingeschaltet haben; flüchtig, ohne Verlauf."
        ),
        default=True,
    ),
    Feature(
        key="typing",
        label=_("Tipp-Anzeige"),
        description=_(
            "Zeigt im Chatraum, dass jemand gerade schreibt. Nur für Personen, die sie selbst "
            "eingeschaltet haben; flüchtig, ohne Verlauf."
        ),
        default=True,
    ),
    Feature(
        key="page_feedback",
        label=_("Rückmeldung „War diese Seite hilfreich?“"),
        description=_(
            "Anonyme Ja/Nein-Rückmeldung zu Wissensseiten; gespeichert ohne Personenbezug, "
            "angezeigt nur als Summe."
        ),
        default=True,
    ),
]

FEATURES_BY_KEY = {feature.key: feature for feature in FEATURES}


def feature_enabled(key: str) -> bool:
    """Is this co-determined feature switched on city-wide?"""
    from intranet.models import FeatureSwitch

    feature = FEATURES_BY_KEY[key]
    switch = FeatureSwitch.objects.filter(key=key).values_list("enabled", flat=True).first()
    return feature.default if switch is None else switch
