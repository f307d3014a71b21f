"""The security audit log: who signed in, failed, was locked out, changed a credential or a role, and
who took data away as a file. Kept apart from the business history (:mod:`smeportal.history`).

Two calls write it: :func:`record_security_event` for any event, and :func:`record_export`, the one line
every view that hands out a file of the portal's data adds before answering. The sign-in events and
the role changes are recorded by the receivers below, whatever view or command causes them: the account
flags, groups and permissions here, and the membership rows that make a user an official, a department's
or an enterprise's, by :func:`record_role_grants`, which each app calls for its membership models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver

from .clientip import client_ip
from .history import current_actor_id
from .models import SecurityEvent

Kind = SecurityEvent.Kind
MAX_DETAIL_CHARS = 1000  # a filter value is kept up to this length (the bad-input guard allows 1,000)
ROLE_FLAGS = ("is_active", "is_staff", "is_superuser")


def record_security_event(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    actor=None,
    target: str = "",
    details: Mapping | None = None,
) -> SecurityEvent:
    """Append one event. ``user`` is the account concerned (default: the request's signed-in user);
    ``actor`` whoever else acted on it (an administrator); ``username`` names an account that may not
    exist (a failed login)."""
    if user is None and request is not None and getattr(getattr(request, "user", None), "is_authenticated", False):
        user = request.user
    address = client_ip(request) if request is not None else ""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        actor=actor,
        ip_address=address or None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:255],
        target=str(target)[:255],
        details=dict(details or {}),
    )


def record_export(request, *, what: str, rows: int | None = None, filters: Mapping | None = None) -> SecurityEvent:
    """Record that the request's user downloaded ``what`` (a short name: "spot_checks",
    "dashboard:league"), with ``rows`` data rows (None: a document, not a table) selected by ``filters``
    (default: the request's query string)."""
    chosen = request.GET if filters is None else filters
    return record_security_event(
        Kind.EXPORT,
        request=request,
        target=what,
        details={
            "path": request.path,
            "filters": {str(key): str(chosen[key])[:MAX_DETAIL_CHARS] for key in chosen},
            "rows": rows,
        },
    )


class Counted:
    """An iterable of rows that counts the rows it yields, for the ``rows`` of :func:`record_export` when a
    streaming writer consumes them: ``rows = Counted(query.iterator()); write(rows); rows.count``."""

    def __init__(self, rows: Iterable):
        self._rows = rows
        self.count = 0

    def __iter__(self):
        for row in self._rows:
            self.count += 1
            yield row


# --- Sign-in events (every login path: the form, the identity provider, the tests' force_login) ----


@receiver(user_logged_in, dispatch_uid="security_login")
def _logged_in(sender, request, user, **kwargs):
    backend = getattr(user, "backend", "")
    record_security_event(Kind.LOGIN, request=request, user=user, details={"backend": backend})


@receiver(user_logged_out, dispatch_uid="security_logout")
def _logged_out(sender, request, user, **kwargs):
    # A logout the portal causes (an expired session, "log out everywhere") names its own kind.
    kind, details = getattr(request, "security_logout", (Kind.LOGOUT, {}))
    if user is not None:
        record_security_event(kind, request=request, user=user, details=details)


@receiver(user_login_failed, dispatch_uid="security_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    if credentials.get("step") == "otp":
        record_security_event(Kind.OTP_FAILED, request=request, username=username)
    else:
        record_security_event(Kind.LOGIN_FAILED, request=request, username=username)


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record_security_event(Kind.LOCKOUT, request=request, username=str(username or ""), details={"ip": ip_address})


def connect_lockouts() -> None:
    """django-axes's lockout signal (imported late: axes reads the settings when it loads)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="security_lockout")


# --- Role changes: groups, permissions and the account flags, by whoever makes them -------------------


def _actor():
    actor_id = current_actor_id()
    return get_user_model().objects.filter(pk=actor_id).first() if actor_id else None


@receiver(post_init, sender=get_user_model(), dispatch_uid="security_user_flags_loaded")
def _remember_flags(sender, instance, **kwargs):
    instance._security_flags = {flag: getattr(instance, flag, None) for flag in ROLE_FLAGS}


@receiver(post_save, sender=get_user_model(), dispatch_uid="security_user_flags_saved")
def _flags_saved(sender, instance, created, update_fields=None, **kwargs):
    before = getattr(instance, "_security_flags", {})
    after = {flag: getattr(instance, flag, None) for flag in ROLE_FLAGS}
    instance._security_flags = after
    if update_fields is not None and not set(update_fields) & set(ROLE_FLAGS):
        return  # a login's last_login, a password: no flag can have changed
    if created:
        changes = {flag: [None, True] for flag in ("is_staff", "is_superuser") if after[flag]}
    else:
        changes = {flag: [before.get(flag), value] for flag, value in after.items() if before.get(flag) != value}
    if changes:
        record_security_event(Kind.ROLE_CHANGED, user=instance, actor=_actor(), details={"flags": changes})


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="security_user_groups")
@receiver(m2m_changed, sender=get_user_model().user_permissions.through, dispatch_uid="security_user_permissions")
def _user_relations_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    relation = "groups" if sender is get_user_model().groups.through else "permissions"
    users = [instance] if not reverse else list(get_user_model().objects.filter(pk__in=pk_set or ()))
    names = sorted(str(item) for item in model.objects.filter(pk__in=pk_set or ())) if not reverse else [str(instance)]
    for user in users:
        record_security_event(
            Kind.ROLE_CHANGED,
            user=user,
            actor=_actor(),
            details={relation: {"action": action.removeprefix("post_"), "items": names}},
        )


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="security_group_permissions")
def _group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or reverse:
        return
    record_security_event(
        Kind.ROLE_CHANGED,
        actor=_actor(),
        target=f"group:{instance}",
        details={
            "permissions": {
                "action": action.removeprefix("post_"),
                "items": sorted(str(item) for item in model.objects.filter(pk__in=pk_set or ())),
            }
        },
    )


# --- Role changes by membership: the rows that make a user an official, a department's or an enterprise's ----


def record_role_grants(model, *, fields: tuple[str, ...]) -> None:
    """Record each row of the membership ``model`` that is created, changed in one of ``fields`` or deleted
    as a role change of its user, with whoever made it (the admin, a service, a command, the shell)."""
    attnames = tuple(model._meta.get_field(name).attname for name in fields)
    label = model._meta.model_name

    def values(instance) -> dict:
        return {name: getattr(instance, name, None) for name in attnames}

    def loaded(sender, instance, **kwargs):
        instance._security_role = values(instance)

    def saved(sender, instance, created, raw=False, **kwargs):
        before, after = getattr(instance, "_security_role", {}), values(instance)
        instance._security_role = after
        if raw:  # loading a fixture
            return
        changes = {name: [None if created else before.get(name), value] for name, value in after.items()}
        changes = {name: change for name, change in changes.items() if created or change[0] != change[1]}
        if changes:
            details = {"action": "add" if created else "change", "role": str(instance), "changes": changes}
            record_security_event(
                Kind.ROLE_CHANGED, user=instance.user, actor=_actor(), target=label, details={label: details}
            )

    def deleted(sender, instance, **kwargs):
        # Named, not linked: the user may itself be being deleted (its memberships go first).
        record_security_event(
            Kind.ROLE_CHANGED,
            username=instance.user.get_username(),
            actor=_actor(),
            target=label,
            details={label: {"action": "remove", "role": str(instance)}},
        )

    post_init.connect(loaded, sender=model, weak=False, dispatch_uid=f"security_role_loaded_{label}")
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"security_role_saved_{label}")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"security_role_deleted_{label}")
