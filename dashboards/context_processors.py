"""The navigation each role sees. Only pages the user's role may open are listed."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assistance.roles import member_department_id
from enterprises.roles import (
    enterprise_membership,
    is_city_official,
    is_enterprise_admin,
    member_enterprise_id,
    official_district_id,
)
from smeportal.notifications import unread_count

PUBLIC = [
    (_("首页"), "home"),
    (_("自评计算器"), "certification:calculator"),
    (_("公示名单"), "certification:notices"),
    (_("入库查询"), "certification:lookup"),
    (_("撤销公告"), "certification:revocations_public"),
    (_("办事指南"), "help"),
]
ENTERPRISE = [
    (_("企业信息"), "enterprises:profile"),
    (_("帮扶协议"), "assistance:mine"),
    (_("评价申报"), "certification:filing_list"),
]
ENTERPRISE_ADMIN = [*ENTERPRISE, (_("账号管理"), "enterprises:members")]
CLAIMANT = [(_("账号验证"), "claim_status")]
NO_ROLE = [(_("认领企业"), "claim_status")]  # an account of the identity provider claims its firm there
# A role's menu: pages, and groups of pages shown as one drop-down (the whole menu fits a 1280 px screen).
DISTRICT_OFFICIAL = [
    (_("区县看板"), "dashboards:district"),
    (
        _("企业"),
        [
            (_("企业库"), "enterprises:list"),
            (_("账号验证"), "enterprises:claims"),
            (_("培育库"), "certification:pool"),
        ],
    ),
    (_("申报审核"), "certification:review_list"),
    (_("抽查"), "certification:spot_checks"),
]
CITY_OFFICIAL = [
    (_("全市看板"), "dashboards:city"),
    (
        _("企业"),
        [
            (_("企业库"), "enterprises:list"),
            (_("账号验证"), "enterprises:claims"),
            (_("登记数据导入"), "enterprises:import"),
            (_("培育库"), "certification:pool"),
        ],
    ),
    (
        _("评价"),
        [
            (_("申报审核"), "certification:review_list"),
            (_("公示批次"), "certification:batch_list"),
            (_("抽查"), "certification:spot_checks"),
            (_("撤销程序"), "certification:revocation_list"),
            (_("评价工作安排"), "certification:campaign_list"),
            (_("年度工作总结"), "dashboards:year_report"),
        ],
    ),
    (_("部门帮扶"), "assistance:overview"),
]
DEPARTMENT = [
    (_("部门首页"), "assistance:home"),
    (_("帮扶协议"), "assistance:agreement_list"),
    (_("待帮扶新企业"), "assistance:without_assistance"),
]


def role_of(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    if is_city_official(user):
        return "city_official"
    if official_district_id(user) is not None:
        return "district_official"
    if member_department_id(user) is not None:
        return "department"
    if (enterprise_id := member_enterprise_id(user)) is not None:
        return "enterprise_admin" if is_enterprise_admin(user, enterprise_id) else "enterprise"
    if enterprise_membership(user) is not None:
        return "claimant"
    return "none"


ROLE_LABELS = {
    "anonymous": _("访客"),
    "city_official": _("市级管理人员"),
    "district_official": _("区县管理人员"),
    "department": _("部门用户"),
    "enterprise": _("企业用户"),
    "enterprise_admin": _("企业管理员"),
    "claimant": _("待验证企业用户"),
    "none": _("未分配角色"),
}
ROLE_NAV = {
    "city_official": CITY_OFFICIAL,
    "district_official": DISTRICT_OFFICIAL,
    "department": DEPARTMENT,
    "enterprise": ENTERPRISE,
    "enterprise_admin": ENTERPRISE_ADMIN,
    "claimant": CLAIMANT,
    "none": NO_ROLE,
}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    role = role_of(user)

    def entry(label, name):
        url = reverse(name)
        return {"label": label, "url": url, "active": request.path == url}

    def menu(items):
        built = []
        for label, target in items:
            if isinstance(target, str):
                built.append(entry(label, target))
            else:
                children = [entry(*child) for child in target]
                built.append({"label": label, "children": children, "active": any(c["active"] for c in children)})
        return built

    public = menu(PUBLIC)
    # Staff without a portal role have the admin, and claim no enterprise.
    own = menu([] if role == "none" and user.is_staff else ROLE_NAV.get(role, []))
    flat_own = [item for top in own for item in top.get("children", [top])]
    return {
        # One query, signed-in users only (the badge beside the menu button and in the menu).
        "portal_unread_count": unread_count(user) if user.is_authenticated else 0,
        "portal_role": role,
        "portal_role_label": ROLE_LABELS[role],
        # Every page the visitor may open, in menu order (the home page's cards).
        "portal_nav": public + flat_own,
        # The navbar: the role's own pages and groups first, the public services folded into one menu.
        "portal_role_nav": own,
        "portal_public_nav": public[1:],
    }
