"""factory_boy factories shared by the whole suite."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from assistance.models import Department, DepartmentMembership
from certification.models import Application, Registration
from enterprises.creditcode import ALPHABET, with_check_character
from enterprises.models import District, Enterprise, EnterpriseMembership, OfficialMembership


def credit_code_for(n: int, area: str = "510703", kind: str = "91") -> str:
    """A valid credit code whose organisation part encodes n (unique per n); ``kind`` "91" is an enterprise."""
    digits = []
    for _ in range(8):
        n, rest = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return with_check_character(f"{kind}{area}M{''.join(reversed(digits))}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password("portal-pass-2026")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{519000 + n}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    kind = District.Kind.DISTRICT


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(lambda n: credit_code_for(n + 1))
    name = factory.Sequence(lambda n: f"绵阳测试科技有限公司{n}")
    legal_representative = "张三"
    established_on = dt.date(2025, 3, 1)
    registered_capital = Decimal("100.00")
    managing_district = factory.SubFactory(DistrictFactory)
    registered_district = factory.SelfAttribute("managing_district")
    industry_section = "I"
    industry_code = "6510"
    industry_name = "软件开发"


class EnterpriseMembershipFactory(factory.django.DjangoModelFactory):
    """A verified account of the enterprise (claims waiting for verification are made explicitly)."""

    class Meta:
        model = EnterpriseMembership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    status = EnterpriseMembership.Status.VERIFIED


class OfficialMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficialMembership

    user = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"市测试局{n}")


class DepartmentMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentMembership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft filing for 2026 with the worked example of RULES.md §2 that scores 76 (eligible)."""

    class Meta:
        model = "certification.Application"

    enterprise = factory.SubFactory(EnterpriseFactory)
    managing_district = factory.LazyAttribute(lambda a: a.enterprise.managing_district)
    evaluation_year = 2026
    state = "draft"
    total_staff = Decimal("40")
    tech_staff = Decimal("6")
    sales_revenue = Decimal("800.00")
    total_costs = Decimal("700.00")
    rd_expense = Decimal("48.00")
    total_assets = Decimal("1000.00")
    class1_ip = 0
    class2_ip = 3
    # A filing past the draft was submitted (officials only see submitted filings); a draft was not.
    submitted_on = factory.LazyAttribute(
        lambda filing: None if filing.state in ("draft", "withdrawn") else dt.date(filing.evaluation_year, 4, 1)
    )


class AssistanceAgreementFactory(factory.django.DjangoModelFactory):
    """An active 2026 agreement; counts_as_new is whatever you pass (services compute it, factories do not)."""

    class Meta:
        model = "assistance.AssistanceAgreement"

    department = factory.SubFactory(DepartmentFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    managing_district = factory.LazyAttribute(lambda a: a.enterprise.managing_district)
    year = 2026
    signed_on = factory.LazyAttribute(lambda a: dt.date(a.year, 3, 15))
    measures = factory.LazyFunction(lambda: ["policy"])
    responsible_officer = "李四"


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assistance.ServiceRecord"

    agreement = factory.SubFactory(AssistanceAgreementFactory)
    date = dt.date(2026, 4, 1)
    kind = "visit"


class IndustryClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enterprises.IndustryCluster"
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"cluster{n}")
    name = factory.Sequence(lambda n: f"测试产业集群{n}")


def recommended_filing(
    enterprise, *, year: int = 2026, submitted_on: dt.date = dt.date(2026, 4, 20), **fields
) -> Application:
    """A filing of ``year`` that the enterprise's district has recommended (submitted on ``submitted_on``,
    not a first-time applicant); ``fields`` sets any other field."""
    return ApplicationFactory(
        enterprise=enterprise,
        evaluation_year=year,
        state=Application.State.RECOMMENDED,
        submitted_on=submitted_on,
        first_time_applicant=False,
        evaluating_district=enterprise.managing_district,
        **fields,
    )


def registered_filing(enterprise, *, year: int = 2025, serial: int | None = None) -> Registration:
    """A registered filing of ``year`` and its registration, valid 1 July – 31 December; the
    number's serial is ``serial``, or the filing's id."""
    application = ApplicationFactory(
        enterprise=enterprise,
        evaluation_year=year,
        state=Application.State.REGISTERED,
        submitted_on=dt.date(year, 4, 20),
        first_time_applicant=False,
        evaluating_district=enterprise.managing_district,
    )
    return Registration.objects.create(
        application=application,
        enterprise=enterprise,
        evaluation_year=year,
        number=f"{year}5107030{serial if serial is not None else application.pk:05d}",
        valid_from=dt.date(year, 7, 1),
        valid_until=dt.date(year, 12, 31),
    )
