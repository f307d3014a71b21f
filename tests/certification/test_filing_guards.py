"""The guards of the filing procedure: the register's facts bind the declaration, and each direct path
needs the evidence it really needs (RULES.md §1 (三), (四), 第八条), checked when saved and at submission."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from certification.models import Application, EvaluationCampaign
from certification.rules import evidence
from certification.services.filing import application_save_draft, application_submit
from certification.services.filing_items import filing_start
from certification.services.review import application_recommend, application_return
from certification.workflow import TransitionError
from tests import factories
from tests.helpers import FIGURES, reload

S = Application.State
DAY = dt.date(2026, 4, 20)
FAILING = {**FIGURES, "tech_staff": "3"}  # tech-staff score 0: eligible only by a direct path


def save(actor, **data):
    return application_save_draft(actor=actor, evaluation_year=2026, data=data)


@pytest.fixture(autouse=True)
def veteran(enterprise):
    """An earlier filing, so no first-time on-site check stands between submission and recommendation."""
    return factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=2025, state=S.EXPIRED, submitted_on=dt.date(2025, 4, 1)
    )


@pytest.fixture
def listed(enterprise):
    """On the abnormal-operations list, in a restricted industry (wholesale, F5191)."""
    enterprise.on_abnormal_list = True
    enterprise.industry_section, enterprise.industry_code = "F", "5191"
    enterprise.save()
    return enterprise


# --- The register's facts -------------------------------------------------------------------------


def test_the_register_facts_cannot_be_unticked(listed, enterprise_user):
    app = filing_start(actor=enterprise_user, evaluation_year=2026)
    assert app.restricted_industry is True and app.compliance_violation is True
    with pytest.raises(ValidationError) as caught:
        save(enterprise_user, **FIGURES, restricted_industry=False, compliance_violation=False)
    assert set(caught.value.message_dict) == {"restricted_industry", "compliance_violation"}
    assert "F5191" in caught.value.message_dict["restricted_industry"][0]
    assert "经营异常名录" in caught.value.message_dict["compliance_violation"][0]
    app = reload(app)
    assert app.restricted_industry is True and app.compliance_violation is True


def test_a_draft_that_contradicts_the_register_is_not_submitted(enterprise, enterprise_user):
    """A draft made before the enterprise was listed: the submission is refused; the next save declares it."""
    draft = save(enterprise_user, **FIGURES)
    enterprise.seriously_dishonest = True
    enterprise.save()
    with pytest.raises(TransitionError, match="严重失信名单"):
        application_submit(application_id=draft.pk, actor=enterprise_user, today=DAY)
    assert reload(draft).state == S.DRAFT
    assert save(enterprise_user, rd_expense="48").compliance_violation is True


def test_a_contradiction_learnt_during_review_stops_the_recommendation(enterprise, enterprise_user, district_official):
    draft = save(enterprise_user, **FIGURES, compliance_violation=False)
    application_submit(application_id=draft.pk, actor=enterprise_user, today=DAY)
    enterprise.industry_section, enterprise.industry_code = "F", "5191"
    enterprise.save()
    with pytest.raises(TransitionError, match="F5191"):
        application_recommend(application_id=draft.pk, actor=district_official, today=DAY)
    assert reload(draft).state == S.SUBMITTED
    application_return(application_id=draft.pk, actor=district_official, comment="请如实申报所属行业")
    assert reload(draft).state == S.RETURNED


def test_a_flag_the_register_does_not_establish_stays_the_applicants(enterprise_user):
    """The register knows no major accident: an enterprise not listed may still declare a violation."""
    assert save(enterprise_user, **FIGURES, compliance_violation=True).compliance_violation is True
    assert save(enterprise_user, compliance_violation=False).compliance_violation is False


# --- Direct-path evidence -----------------------------------------------------------------------

STANDARD = {
    "direct_paths": ["led_standard"],
    "standard_name": "传感器通用规范",
    "standard_number": "GB/T 12345-2024",
    "standard_year": 2024,
    "standard_drafter_rank": 1,
}
INSTITUTION = {
    "direct_paths": ["provincial_rd_institution"],
    "institution_name": "四川省智能传感工程技术研究中心",
    "institution_level": "provincial",
    "institution_authority": "四川省科学技术厅",
    "institution_year": 2022,
}
AWARD = {
    "direct_paths": ["national_award_top3"],
    "award_name": "国家科学技术进步奖",
    "award_year": 2023,
    "award_rank": 2,
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"standard_number": "QB/T 1234-1999", "standard_year": 1999}, "2021至2026年间发布"),
        ({"standard_number": "QB/T 1234-1999"}, "年份与发布年度2024年不一致"),
        # A full-width hyphen or colon, as an input method types them, still carries the year.
        ({"standard_number": "GB/T 12345－2015"}, "年份与发布年度2024年不一致"),
        ({"standard_number": "ISO 9001：2015"}, "年份与发布年度2024年不一致"),
        # RULES.md §1 第八条: an international, national or industry standard; not the enterprise's own
        # (Q/), a group's (T/) nor a province's (DB).
        ({"standard_number": "Q/MYKJ 001-2024"}, "企业、团体或地方标准"),
        ({"standard_number": "q/mykj 001-2024"}, "企业、团体或地方标准"),
        ({"standard_number": "T/CAS 123-2024"}, "企业、团体或地方标准"),
        ({"standard_number": "Ｔ／CAS 123-2024"}, "企业、团体或地方标准"),
        ({"standard_number": "DB51/T 1234-2024"}, "企业、团体或地方标准"),
        ({"standard_number": "DB 51/ 1234-2024"}, "企业、团体或地方标准"),
        ({"standard_year": None}, "发布年度"),
        ({"standard_drafter_rank": 2}, "第一起草单位"),
        ({"standard_drafter_rank": None}, "起草单位排名"),
    ],
)
def test_a_led_standard_needs_number_year_and_the_leading_role(enterprise_user, changes, message):
    with pytest.raises(ValidationError, match=message):
        save(enterprise_user, **FAILING, **{**STANDARD, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"institution_authority": ""}, "认定部门"),
        ({"institution_year": None}, "认定年度"),
        ({"institution_year": 2027}, "不能晚于评价年度2026年"),
        ({"institution_level": ""}, "级别"),
    ],
)
def test_an_rd_institution_needs_level_authority_and_year(enterprise_user, changes, message):
    with pytest.raises(ValidationError, match=message):
        save(enterprise_user, **FAILING, **{**INSTITUTION, **changes})


@pytest.mark.parametrize("claim", [STANDARD, INSTITUTION, AWARD])
def test_each_path_with_its_evidence_confirms_directly(enterprise_user, claim):
    app = save(enterprise_user, **FAILING, **claim)
    app = application_submit(application_id=app.pk, actor=enterprise_user, today=DAY)
    assert app.snapshot["evaluation"]["path"] == "direct"
    assert app.snapshot["details"][next(name for name in claim if name != "direct_paths")]


def test_the_award_window_is_the_campaigns(enterprise_user):
    EvaluationCampaign.objects.filter(year=2026).update(award_window_years=2)
    with pytest.raises(ValidationError, match="2024至2026年间获得"):
        save(enterprise_user, **FAILING, **AWARD)
    with pytest.raises(ValidationError, match="2024至2026年间发布"):
        save(enterprise_user, **FAILING, **{**STANDARD, "standard_number": "GB/T 12345-2023", "standard_year": 2023})


def test_evidence_is_checked_again_at_submission(enterprise_user):
    """Saved within the window; the campaign then narrows it: the claim no longer stands, even though the
    filing would pass by its score."""
    app = save(enterprise_user, **FIGURES, **AWARD)
    EvaluationCampaign.objects.filter(year=2026).update(award_window_years=1)
    with pytest.raises(TransitionError, match="2025至2026年间获得") as caught:
        application_submit(application_id=app.pk, actor=enterprise_user, today=DAY)
    assert [reason.code for reason in caught.value.reasons] == ["direct_path_evidence"]
    assert reload(app).state == S.DRAFT


def test_an_expired_certificate_claim_is_refused_even_when_the_score_passes(enterprise_user):
    app = save(
        enterprise_user,
        **FIGURES,
        direct_paths=["high_tech_certificate"],
        high_tech_certificate_number="GR202351000123",
        high_tech_certificate_valid_until=DAY - dt.timedelta(days=1),
    )
    with pytest.raises(TransitionError, match="到期"):
        application_submit(application_id=app.pk, actor=enterprise_user, today=DAY)


@pytest.mark.parametrize(
    ("number", "year"),
    [
        ("GB/T 1234-2024", 2024),
        ("ISO 9001:2015", 2015),
        ("DB51/T 12", None),
        ("QB/T 1234—1999", 1999),
        ("GB/T 1234－2015", 2015),
        ("GB/T 1234−2015", 2015),
        ("ISO 9001：2015", 2015),
        ("", None),
    ],
)
def test_standard_number_year(number, year):
    assert evidence.standard_number_year(number) == year


@pytest.mark.parametrize("number", ["GB/T 1234-2024", "GB 4943.1-2024", "ISO/IEC 27001:2024", "QB/T 1234-2024",
                                    "SJ/T 11364-2024", "YD/T 1234-2024", "DL/T 5000-2024"])  # fmt: skip
def test_international_national_and_industry_standards_confirm(number):
    assert (
        evidence.standard_problem(
            name="传感器通用规范", number=number, year=2024, drafter_rank=1, evaluation_year=2026, window_years=5
        )
        is None
    )
