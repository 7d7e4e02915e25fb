"""S5 for the password login: failed attempts are limited per login name and per client
address, and a login name over its limit is locked for a while (docs/operations.md,
"Rate limits"; the README lists the settings).

- A lock-out refuses the right password too: that is what stops guessing.
- It ends by itself after LOGIN_LOCKOUT_SECONDS. Its owner can lift it earlier through a
  link mailed to the account's official address, and IT operations with
  `manage.py login_unlock <name>`.
- The lock-out and its lifting are security events and go to the audit log (P9), with the
  account but without address, times of the attempts or their number. Unknown login names
  are never written anywhere: people type their password into the name field.
- Counters and locks live only in the cache, under a keyed hash of name or address.

The OIDC sign-in has no password here; the identity provider limits its own logins.
"""

import functools
import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from intranet import ratelimit
from intranet.services import audit_record

ACCOUNT = "login-account"
UNLOCK_HINT = _lazy(
    "Ist für das Konto eine dienstliche E-Mail-Adresse hinterlegt, wurde dorthin ein Link "
    "geschickt, mit dem Sie die Sperre sofort aufheben können. Sonst hebt der IT-Service sie "
    "auf, oder sie endet von selbst."
)
ADDRESS = "login-address"
UNLOCK_SALT = "intranet.login-unlock"


def login_name(raw: str | None) -> str:
    """The login name as it is compared: no surrounding space, case folded."""
    return (raw or "").strip().casefold()


def client_address(request) -> str:
    """REMOTE_ADDR: behind the reverse proxy, daphne runs with --proxy-headers so that this
    is the browser's address (docs/operations.md)."""
    return request.META.get("REMOTE_ADDR", "")


def _account(name: str):
    """The local account of a login name, or None (no lookup for an empty name)."""
    if not name:
        return None
    User = get_user_model()
    return User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": name}).first()


def _account_email(user) -> str:
    person = getattr(user, "person", None)
    return (getattr(person, "email", "") or user.email or "").strip()


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def refusal(request) -> tuple[str, str, ratelimit.Decision] | None:
    """Before a password attempt: why it is refused (German message and hint), or None."""
    name = login_name(request.POST.get("username"))
    lock = ratelimit.locked(ACCOUNT, name) if name else None
    if lock is not None:
        left = max(1, int(lock["until"] - time.time()))
        decision = ratelimit.Decision(limited=True, retry_after=left)
        message = ngettext(
            "Dieses Konto ist nach mehreren fehlgeschlagenen Anmeldungen für %(minutes)d "
            "Minute gesperrt, auch für das richtige Passwort.",
            "Dieses Konto ist nach mehreren fehlgeschlagenen Anmeldungen für %(minutes)d "
            "Minuten gesperrt, auch für das richtige Passwort.",
            _minutes(left),
        ) % {"minutes": _minutes(left)}
        return message, UNLOCK_HINT, decision
    decision = ratelimit.exhausted(ADDRESS, client_address(request), ratelimit.login_address_rate())
    if decision.limited:
        message = " ".join(
            [
                _("Von Ihrem Gerät oder Netz aus sind zu viele Anmeldungen fehlgeschlagen."),
                ratelimit.wait_message(decision),
            ]
        )
        return message, "", decision
    return None


def failed(request) -> bool:
    """After a refused password: count it; True when this failure locked the login name."""
    name = login_name(request.POST.get("username"))
    ratelimit.hit(ADDRESS, client_address(request), ratelimit.login_address_rate())
    if not name:
        return False
    rate = ratelimit.login_account_rate()
    ratelimit.hit(ACCOUNT, name, rate)
    if not ratelimit.exhausted(ACCOUNT, name, rate).limited:
        return False
    _lock(request, name)
    return True


def succeeded(request) -> None:
    """A correct login starts the name's count afresh (the address's count stays)."""
    ratelimit.reset(
        ACCOUNT, login_name(request.POST.get("username")), ratelimit.login_account_rate()
    )


def _lock(request, name: str) -> None:
    token = secrets.token_urlsafe(16)
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    ratelimit.lock(ACCOUNT, name, seconds=seconds, token=token)
    ratelimit.reset(ACCOUNT, name, ratelimit.login_account_rate())
    user = _account(name)
    if user is None:
        return  # nothing to audit or mail; the name itself is never recorded
    audit_record(
        actor=None,
        action="security.login_lockout",
        target=user,
        summary="Anmeldung nach wiederholten Fehlversuchen vorübergehend gesperrt",
        changes={"minutes": _minutes(seconds)},
    )
    email = _account_email(user)
    if not email:
        return
    link = request.build_absolute_uri(
        reverse("login_unlock", args=[signing.dumps({"n": name, "t": token}, salt=UNLOCK_SALT)])
    )
    send_mail(
        _("Mitarbeiterportal: Anmeldung vorübergehend gesperrt"),
        _(
            "Für Ihr Konto sind mehrere Anmeldungen mit falschem Passwort fehlgeschlagen. "
            "Die Anmeldung ist deshalb für %(minutes)d Minuten gesperrt.\n\n"
            "Waren Sie das selbst, können Sie die Sperre hier sofort aufheben:\n%(link)s\n\n"
            "Waren Sie das nicht, lassen Sie die Sperre bestehen und wenden Sie sich an den "
            "IT-Service. Ihr Passwort hat dabei niemand erfahren."
        )
        % {"minutes": _minutes(seconds), "link": link},
        None,
        [email],
    )


def unlock_by_link(token: str) -> bool:
    """The owner lifts the lock-out the mail named; False if the link is stale or foreign."""
    try:
        data = signing.loads(token, salt=UNLOCK_SALT, max_age=settings.LOGIN_LOCKOUT_SECONDS)
    except signing.BadSignature:
        return False
    name = data.get("n", "")
    lock = ratelimit.locked(ACCOUNT, name)
    if lock is None or not secrets.compare_digest(lock["token"], data.get("t", "")):
        return False
    ratelimit.unlock(ACCOUNT, name)
    audit_record(
        actor=None,
        action="security.login_unlock",
        target=_account(name),
        summary="Anmeldesperre durch die Kontoinhaberin / den Kontoinhaber aufgehoben",
        changes={"by": "owner"},
    )
    return True


def unlock_by_operations(name: str) -> bool:
    """IT operations lifts a lock-out (manage.py login_unlock); False if none was in force."""
    name = login_name(name)
    if ratelimit.locked(ACCOUNT, name) is None:
        return False
    ratelimit.unlock(ACCOUNT, name)
    user = _account(name)
    if user is not None:
        audit_record(
            actor=None,
            action="security.login_unlock",
            target=user,
            summary="Anmeldesperre durch den IT-Betrieb aufgehoben",
            changes={"by": "operations"},
        )
    return True


def throttled(view):
    """Wraps the login view: a password POST is refused (429) while its name is locked or
    its address has failed too often, and its outcome is counted."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        refused = refusal(request)
        if refused is None:
            response = view(request, *args, **kwargs)
            if request.user.is_authenticated and response.status_code == 302:
                succeeded(request)
                return response
            if response.status_code != 200 or not failed(request):
                return response
            refused = refusal(request)  # this failure locked the name: say so at once
        from intranet.views import too_many_requests

        message, hint, decision = refused
        return too_many_requests(request, message=message, hint=hint, decision=decision)

    return wrapped
