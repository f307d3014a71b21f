"""The demo logins: one per role, all with ``DEMO_PASSWORD``, each pointed at its demo scope
(涪城区, 高新区, 市科技局, 市经信局, the flagship enterprise of index 0)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from assistance.models import Department, DepartmentMembership
from enterprises.models import District, Enterprise, EnterpriseMembership, OfficialMembership

from .context import SeedContext
from .data import FLAGSHIP_DISTRICT_CODE
from .enterprises import flagship_credit_code

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose: demo logins for a local portal


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def demo_scopes() -> tuple[District, District, Department, Department]:
    """涪城区, 高新区, 市科技局 and 市经信局: the scopes of the demo logins (ValueError when missing)."""
    districts = {d.code: d for d in District.objects.filter(code__in=[FLAGSHIP_DISTRICT_CODE, "ZGX"])}
    departments = {d.code: d for d in Department.objects.filter(code__in=["kjj", "jxj"])}
    if len(districts) < 2 or len(departments) < 2:
        raise ValueError(_("参考数据不完整：缺少涪城区、高新区、市科技局或市经信局。"))
    return districts[FLAGSHIP_DISTRICT_CODE], districts["ZGX"], departments["kjj"], departments["jxj"]


def seed_users(ctx: SeedContext, *, scopes: tuple | None = None) -> tuple[int, list[DemoLogin]]:
    """One demo login per role, all with DEMO_PASSWORD, in a fixed number of queries.

    Missing users are created; existing ones keep their password. Memberships are upserted, so a
    rerun points every login back at its demo scope.
    """
    user_model = get_user_model()
    fucheng, gaoxin, kjj, jxj = scopes or demo_scopes()
    enterprise = Enterprise.objects.get(credit_code=flagship_credit_code(ctx))
    plan = [
        ("city", _("市级管理人员（全市）")),
        ("fucheng", _("区县管理人员（{name}）").format(name=fucheng.name)),
        ("gaoxin", _("区县管理人员（{name}）").format(name=gaoxin.name)),
        ("kjj", _("部门用户（{name}）").format(name=kjj.name)),
        ("jxj", _("部门用户（{name}）").format(name=jxj.name)),
        ("enterprise", _("企业用户（{name}）").format(name=enterprise.name)),
        ("admin", _("系统管理员")),
    ]
    usernames = [username for username, _role in plan]
    with transaction.atomic():
        existing = set(user_model.objects.filter(username__in=usernames).values_list("username", flat=True))
        missing = [username for username in usernames if username not in existing]
        if missing:
            password = make_password(DEMO_PASSWORD)  # hashed once: it is the slow part
            user_model.objects.bulk_create(
                [
                    user_model(
                        username=username,
                        email=f"{username}@demo.smeportal.local",
                        password=password,
                        is_staff=username == "admin",
                        is_superuser=username == "admin",
                    )
                    for username in missing
                ],
                ignore_conflicts=True,
            )
        users = {user.username: user for user in user_model.objects.filter(username__in=usernames)}
        OfficialMembership.objects.bulk_create(
            [
                OfficialMembership(user=users["city"], district=None),
                OfficialMembership(user=users["fucheng"], district=fucheng),
                OfficialMembership(user=users["gaoxin"], district=gaoxin),
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["district"],
        )
        DepartmentMembership.objects.bulk_create(
            [
                DepartmentMembership(user=users["kjj"], department=kjj),
                DepartmentMembership(user=users["jxj"], department=jxj),
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["department"],
        )
        EnterpriseMembership.objects.bulk_create(
            [
                EnterpriseMembership(
                    user=users["enterprise"],
                    enterprise=enterprise,
                    contact_name=enterprise.legal_representative,
                    contact_phone="0816-2345678",
                    # The demo's enterprise account is its verified administrator, as if its district had
                    # checked the authorisation letter.
                    status=EnterpriseMembership.Status.VERIFIED,
                    is_admin=True,
                )
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["enterprise", "status", "is_admin"],
        )
    return len(missing), [DemoLogin(username, DEMO_PASSWORD, role) for username, role in plan]
