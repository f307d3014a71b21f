"""What the demo seeding tests read back: the registry's rows and the counts of what a seed created."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from assistance.models import AssistanceAgreement, DepartmentMembership, DepartmentTarget, QuotaPolicy, ServiceRecord
from certification.models import Application, ApplicationEvent, NoticeBatch, Registration, RegistrationSequence
from enterprises.models import Enterprise, EnterpriseMembership, OfficialMembership

COLUMNS = ["credit_code", "name", "legal_representative", "established_on", "managing_district__code", "industry_code"]


ROLES = ["city", "fucheng", "gaoxin", "kjj", "jxj", "enterprise", "admin"]


def snapshot() -> list[tuple]:
    return list(Enterprise.objects.order_by("credit_code").values_list(*COLUMNS))


def counts() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(),
        "users": get_user_model().objects.count(),
        "officials": OfficialMembership.objects.count(),
        "departments": DepartmentMembership.objects.count(),
        "enterprise_users": EnterpriseMembership.objects.count(),
    }


ACTIVITY_MODELS = [
    ServiceRecord,
    AssistanceAgreement,
    DepartmentTarget,
    QuotaPolicy,
    ApplicationEvent,
    Registration,
    Application,
    NoticeBatch,
    RegistrationSequence,
]


def wipe():
    for model in ACTIVITY_MODELS:
        model.objects.all().delete()
    EnterpriseMembership.objects.all().delete()
    Enterprise.objects.all().delete()
    get_user_model().objects.all().delete()  # cascades to the official and department memberships


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in [*ACTIVITY_MODELS, Enterprise]} | counts()


def years() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year - 1, today.year
