"""Public notice batches, objections, registration numbering and revocation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation

from certification.models import Application, ApplicationEvent, CalendarOverride, Objection, Registration
from certification.rules.workdays import nth_working_day
from certification.selectors.calendar import calendar_overrides_for
from certification.selectors.filing import applications_visible_to
from certification.services.calendar import calendar_override_add, calendar_override_delete
from certification.services.filing import application_save_draft
from certification.services.notice import (
    notice_batch_create,
    objection_decide,
    objection_file,
)
from certification.services.registration import notice_batch_register_due, registration_expire_due
from certification.services.review import application_recommend
from certification.services.revocation import revocation_notice
from certification.workflow import TransitionError
from enterprises.models import District
from tests import factories
from tests.helpers import evidence_pdf, notices_may_end_by, open_filing_today, reload, revoke

S = Application.State
START = dt.date(2026, 9, 28)  # the window runs over National Day 2026 and its make-up Saturday
END = dt.date(2026, 10, 15)


@pytest.fixture
def filing(enterprise):
    return factories.recommended_filing(enterprise)


@pytest.fixture
def batch(filing, city_official):
    return notice_batch_create(
        actor=city_official, title="2026年第3批公示", start_date=START, today=START, application_ids=[filing.pk]
    )


# --- Notice batches ------------------------------------------------------------------------------


def test_batch_end_is_tenth_working_day_on_official_calendar(batch, filing):
    # 28–30 Sep, National Day 1–7 Oct off, 8–9 Oct, Saturday 10 Oct is a make-up working day, 12–15 Oct.
    assert batch.end_date == END
    app = reload(filing)
    assert app.state == S.UNDER_NOTICE
    assert app.notice_batch == batch
    event = ApplicationEvent.objects.get(application=filing)
    assert (event.from_state, event.to_state) == (S.RECOMMENDED, S.UNDER_NOTICE)


@pytest.mark.parametrize(
    ("kind", "day", "end"),
    [
        (CalendarOverride.Kind.HOLIDAY, dt.date(2026, 10, 13), dt.date(2026, 10, 16)),
        (CalendarOverride.Kind.WORKING_DAY, dt.date(2026, 10, 11), dt.date(2026, 10, 14)),
        (CalendarOverride.Kind.HOLIDAY, dt.date(2026, 10, 16), END),  # after the window: no effect
    ],
)
def test_officials_overrides_move_the_end(filing, city_official, kind, day, end):
    CalendarOverride.objects.create(date=day, kind=kind, reason="国务院办公厅通知")
    batch = notice_batch_create(
        actor=city_official, title="公示", start_date=START, today=START, application_ids=[filing.pk]
    )
    assert batch.end_date == end


def test_calendar_override_services(city_official):
    override = calendar_override_add(
        actor=city_official, date=dt.date(2027, 2, 20), kind=CalendarOverride.Kind.WORKING_DAY, reason="春节调休"
    ).override
    assert (override.created_by, override.updated_by, override.reason) == (city_official, city_official, "春节调休")
    with pytest.raises(ValidationError):  # one override per date
        calendar_override_add(actor=city_official, date=override.date, kind=CalendarOverride.Kind.HOLIDAY, reason="x")
    with pytest.raises(ValidationError):
        calendar_override_add(actor=city_official, date=dt.date(2027, 2, 21), kind="weekend", reason="x")
    override_id = override.pk
    deleted = calendar_override_delete(actor=city_official, override_id=override_id, reason="录入错误")
    assert deleted.override.date == override.date
    assert not CalendarOverride.objects.exists()
    with pytest.raises(Http404):
        calendar_override_delete(actor=city_official, override_id=override_id, reason="录入错误")


@pytest.mark.parametrize("persona", ["district_official", "enterprise_user", "department_user"])
def test_only_city_officials_change_the_calendar(request, persona):
    actor = request.getfixturevalue(persona)
    existing = CalendarOverride.objects.create(date=dt.date(2027, 1, 1), kind=CalendarOverride.Kind.HOLIDAY)
    with pytest.raises(PermissionDenied):
        calendar_override_add(actor=actor, date=dt.date(2027, 1, 2), kind=CalendarOverride.Kind.HOLIDAY, reason="x")
    with pytest.raises(PermissionDenied):
        calendar_override_delete(actor=actor, override_id=existing.pk, reason="x")
    assert list(CalendarOverride.objects.values_list("pk", flat=True)) == [existing.pk]


def test_year_without_calendar_data_does_not_crash(enterprise, city_official):
    app = factories.recommended_filing(enterprise, year=2030)
    notices_may_end_by(2030, dt.date(2031, 12, 31))
    batch = notice_batch_create(
        actor=city_official,
        title="公示",
        start_date=dt.date(2031, 3, 3),
        today=dt.date(2031, 3, 3),
        application_ids=[app.pk],
    )
    assert batch.end_date >= dt.date(2031, 3, 14)


def test_window_spanning_new_year_uses_next_years_overrides(enterprise, city_official):
    app = factories.recommended_filing(enterprise)
    notices_may_end_by(2026, dt.date(2027, 3, 31))
    CalendarOverride.objects.create(date=dt.date(2027, 1, 4), kind=CalendarOverride.Kind.HOLIDAY)
    without = nth_working_day(dt.date(2026, 12, 28), 10)
    batch = notice_batch_create(
        actor=city_official,
        title="公示",
        start_date=dt.date(2026, 12, 28),
        today=dt.date(2026, 12, 28),
        application_ids=[app.pk],
    )
    assert batch.end_date > without


@pytest.mark.parametrize("persona", ["district_official", "enterprise_user", "department_user"])
def test_only_city_officials_create_batches(request, filing, persona):
    with pytest.raises(PermissionDenied):
        notice_batch_create(
            actor=request.getfixturevalue(persona),
            title="公示",
            start_date=START,
            today=START,
            application_ids=[filing.pk],
        )
    assert reload(filing).state == S.RECOMMENDED


def test_batch_refuses_filings_not_recommended(filing, enterprise, city_official, other_enterprise):
    submitted = factories.ApplicationFactory(enterprise=other_enterprise, state=S.SUBMITTED)
    with pytest.raises(TransitionError):
        notice_batch_create(
            actor=city_official, title="公示", start_date=START, today=START, application_ids=[filing.pk, submitted.pk]
        )
    assert reload(filing).state == S.RECOMMENDED
    assert not ApplicationEvent.objects.exists()
    with pytest.raises(ValidationError):
        notice_batch_create(actor=city_official, title="公示", start_date=START, today=START, application_ids=[])


# --- Objections ----------------------------------------------------------------------------------


def test_objection_during_window_holds_registration(batch, filing, other_enterprise_user, city_official):
    objection = objection_file(
        actor=other_enterprise_user,
        application_id=filing.pk,
        real_name="李四",
        contact="13800000000",
        statement="该企业研发人员为兼职",
        evidence=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        today=END,
    )
    assert objection.status == Objection.Status.OPEN
    assert objection.evidence.name.startswith("objections/") and objection.evidence.name.endswith(".pdf")
    after = END + dt.timedelta(days=1)
    assert notice_batch_register_due(today=after) == []
    assert reload(filing).state == S.UNDER_NOTICE
    objection_decide(actor=city_official, objection_id=objection.pk, upheld=False, note="经核实不成立")
    registrations = notice_batch_register_due(today=after)
    assert [r.application_id for r in registrations] == [filing.pk]
    objection.evidence.delete(save=False)


def test_upheld_objection_rejects_the_filing(batch, filing, other_enterprise_user, city_official):
    objection = objection_file(
        actor=other_enterprise_user,
        application_id=filing.pk,
        real_name="李四",
        contact="x",
        statement="y",
        evidence=evidence_pdf(),
        today=START,
    )
    objection_decide(actor=city_official, objection_id=objection.pk, upheld=True, note="成立")
    assert reload(filing).state == S.REJECTED
    assert notice_batch_register_due(today=END + dt.timedelta(days=1)) == []
    with pytest.raises(TransitionError):
        objection_decide(actor=city_official, objection_id=objection.pk, upheld=False, note="again")


def test_an_upheld_objection_is_stored_in_the_portals_language(batch, filing, other_enterprise_user, city_official):
    """The decision is the enterprise's to read: stored in Chinese (README "Display conventions") whatever
    the language of the official who upheld the objection; the notification keeps its msgid."""
    objection = objection_file(
        actor=other_enterprise_user,
        application_id=filing.pk,
        real_name="李四",
        contact="x",
        statement="y",
        evidence=evidence_pdf(),
        today=START,
    )
    with translation.override("en"):
        objection_decide(actor=city_official, objection_id=objection.pk, upheld=True, note="研发费用凭证系伪造")
    event = ApplicationEvent.objects.filter(application=filing).latest("id")
    assert reload(filing).decision_reason == event.comment == "公示异议成立：研发费用凭证系伪造"


@pytest.mark.parametrize("day", [START - dt.timedelta(days=1), END + dt.timedelta(days=1)])
def test_objection_outside_window_refused(batch, filing, other_enterprise_user, day):
    with pytest.raises(TransitionError):
        objection_file(
            actor=other_enterprise_user,
            application_id=filing.pk,
            real_name="李四",
            contact="x",
            statement="y",
            today=day,
        )


@pytest.mark.parametrize(("real_name", "statement"), [("", "有问题"), ("李四", "  ")])
def test_objection_needs_real_name_and_statement(batch, filing, other_enterprise_user, real_name, statement):
    with pytest.raises(ValidationError):
        objection_file(
            actor=other_enterprise_user,
            application_id=filing.pk,
            real_name=real_name,
            contact="x",
            statement=statement,
            today=START,
        )


def test_objection_needs_login_and_a_filing_under_notice(batch, filing, enterprise, other_enterprise_user):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        objection_file(
            actor=AnonymousUser(), application_id=filing.pk, real_name="a", contact="b", statement="c", today=START
        )
    draft = factories.ApplicationFactory(enterprise=enterprise, evaluation_year=2027)
    with pytest.raises(Http404):
        objection_file(
            actor=other_enterprise_user, application_id=draft.pk, real_name="a", contact="b", statement="c", today=START
        )


def test_objection_decide_city_only(batch, filing, other_enterprise_user, district_official):
    objection = objection_file(
        actor=other_enterprise_user,
        application_id=filing.pk,
        real_name="李四",
        contact="x",
        statement="y",
        evidence=evidence_pdf(),
        today=START,
    )
    with pytest.raises(PermissionDenied):
        objection_decide(actor=district_official, objection_id=objection.pk, upheld=True, note="x")


# --- Registration --------------------------------------------------------------------------------


def test_register_due_after_window_only_and_idempotent(batch, filing):
    assert notice_batch_register_due(today=END) == []  # the last day is still in the window
    registrations = notice_batch_register_due(today=END + dt.timedelta(days=1))
    assert len(registrations) == 1
    registration = Registration.objects.get()
    assert registration.number == "20265107030" + "00001"
    assert registration.valid_from == END + dt.timedelta(days=1)
    assert registration.valid_until == dt.date(2026, 12, 31)
    assert reload(filing).state == S.REGISTERED
    assert notice_batch_register_due(today=END + dt.timedelta(days=2)) == []
    assert Registration.objects.count() == 1
    assert ApplicationEvent.objects.filter(application=filing, to_state=S.REGISTERED).count() == 1


def test_register_due_by_hand_needs_city_official(batch, district_official, city_official):
    after = END + dt.timedelta(days=1)
    with pytest.raises(PermissionDenied):
        notice_batch_register_due(today=after, actor=district_official)
    assert len(notice_batch_register_due(today=after, actor=city_official)) == 1


def _register(applications, city_official):
    for app in applications:
        Application.objects.filter(pk=app.pk).update(state=S.RECOMMENDED)
    notice_batch_create(
        actor=city_official, title="公示", start_date=START, today=START, application_ids=[a.pk for a in applications]
    )
    notice_batch_register_due(today=END + dt.timedelta(days=1))
    return {a.pk: Registration.objects.get(application=a).number for a in applications}


@pytest.mark.parametrize(
    ("submitted_on", "established_on", "flag"),
    [
        (dt.date(2026, 5, 31), dt.date(2020, 1, 1), "0"),
        (dt.date(2026, 6, 1), dt.date(2020, 1, 1), "A"),
        (dt.date(2026, 1, 5), dt.date(2026, 1, 2), "B"),  # founded in the evaluation year wins
        (dt.date(2026, 8, 5), dt.date(2026, 1, 2), "B"),
        (dt.date(2026, 6, 1), dt.date(2025, 12, 31), "A"),
    ],
)
def test_registration_number_flags(district, city_official, submitted_on, established_on, flag):
    enterprise = factories.EnterpriseFactory(managing_district=district, established_on=established_on)
    app = factories.recommended_filing(enterprise, submitted_on=submitted_on)
    number = _register([app], city_official)[app.pk]
    assert number == f"2026510703{flag}00001"
    assert len(number) == 16


def test_zone_uses_city_code(city_official):
    zone = factories.DistrictFactory(code="ZGXQ", name="高新区", kind=District.Kind.ZONE)
    other_zone = factories.DistrictFactory(code="ZJKQ", name="经开区", kind=District.Kind.ZONE)
    a = factories.recommended_filing(
        factories.EnterpriseFactory(managing_district=zone, established_on=dt.date(2019, 5, 1))
    )
    b = factories.recommended_filing(
        factories.EnterpriseFactory(managing_district=other_zone, established_on=dt.date(2019, 5, 1))
    )
    numbers = _register([a, b], city_official)
    # Zones share the city's code, so they share one serial sequence and never collide.
    assert sorted(numbers.values()) == ["20265107000" + "00001", "20265107000" + "00002"]


def test_serials_are_consecutive_per_district_and_year(district, other_district, city_official):
    old = dt.date(2019, 5, 1)
    first = [
        factories.recommended_filing(factories.EnterpriseFactory(managing_district=district, established_on=old))
        for _ in range(2)
    ]
    elsewhere = factories.recommended_filing(
        factories.EnterpriseFactory(managing_district=other_district, established_on=old)
    )
    numbers = _register([*first, elsewhere], city_official)
    assert sorted(numbers[a.pk] for a in first) == ["202651070300" + "0001", "202651070300" + "0002"]
    assert numbers[elsewhere.pk] == "2026510704000001"
    later = factories.recommended_filing(factories.EnterpriseFactory(managing_district=district, established_on=old))
    assert _register([later], city_official)[later.pk] == "2026510703000003"


def test_number_uses_evaluating_district_frozen_at_submission(district, other_district, city_official):
    enterprise = factories.EnterpriseFactory(managing_district=district, established_on=dt.date(2019, 5, 1))
    app = factories.recommended_filing(enterprise)
    enterprise.managing_district = other_district
    enterprise.save()
    assert _register([app], city_official)[app.pk].startswith("2026510703")


# --- Revocation ----------------------------------------------------------------------------------


@pytest.fixture
def registration(batch):
    return notice_batch_register_due(today=END + dt.timedelta(days=1))[0]


def _revoked_at(year):
    return dt.datetime(year, 11, 2, 10, tzinfo=dt.UTC)


def test_revoke_and_same_year_reapplication_refused(registration, filing, city_official, enterprise_user):
    revoke(
        registration,
        city_official,
        grounds=Registration.Grounds.CONDITIONS_NOT_MET,
        reason="抽查发现科技人员不足",
        at=_revoked_at(2027),
    )
    assert reload(filing).state == S.REVOKED
    assert reload(registration).revoked_at is not None
    open_filing_today(2027, 2028)
    with pytest.raises(TransitionError, match="当年不得再次申报"):
        application_save_draft(actor=enterprise_user, evaluation_year=2027, data={})
    assert application_save_draft(actor=enterprise_user, evaluation_year=2028, data={}).state == S.DRAFT
    with pytest.raises(TransitionError):
        revocation_notice(actor=city_official, registration_id=registration.pk, grounds="fraud", reason="again")


@pytest.mark.parametrize(("year", "allowed"), [(2027, False), (2029, False), (2030, True)])
def test_fraud_bans_for_three_years(registration, city_official, enterprise_user, year, allowed):
    revoke(
        registration, city_official, grounds=Registration.Grounds.FRAUD, reason="伪造研发费用凭证", at=_revoked_at(2026)
    )
    open_filing_today(year)
    if allowed:
        assert application_save_draft(actor=enterprise_user, evaluation_year=year, data={})
    else:
        with pytest.raises(TransitionError, match="因弄虚作假被撤销入库登记，3年内不得申报"):
            application_save_draft(actor=enterprise_user, evaluation_year=year, data={})


# --- A ban met on the way to registration ----------------------------------------------------------


def revoked_under_notice(enterprise, city_official, registered_in: int, revoked_in: int, grounds: str):
    """The enterprise's filing and a neighbour's, under notice in one batch, then the enterprise's registration of
    ``registered_in`` revoked in ``revoked_in``; returns (filing, neighbour)."""
    earlier = factories.registered_filing(enterprise, year=registered_in)
    filing = factories.recommended_filing(enterprise)
    neighbour = factories.recommended_filing(
        factories.EnterpriseFactory(managing_district=enterprise.managing_district)
    )
    notice_batch_create(
        actor=city_official,
        title="2026年第3批公示",
        start_date=START,
        today=START,
        application_ids=[filing.pk, neighbour.pk],
    )
    revoke(earlier, city_official, grounds=grounds, reason="伪造研发费用凭证", at=_revoked_at(revoked_in))
    return filing, neighbour


@pytest.mark.parametrize(
    ("registered_in", "revoked_in", "grounds", "registered"),
    [
        (2025, 2026, Registration.Grounds.FRAUD, False),
        (2025, 2026, Registration.Grounds.CONDITIONS_NOT_MET, False),  # revoked in 2026: nothing for 2026
        (2023, 2023, Registration.Grounds.FRAUD, False),  # fraud in 2023: banned for 2023 to 2026
        (2022, 2022, Registration.Grounds.FRAUD, True),  # fraud in 2022: the ban ended with 2025
        (2025, 2025, Registration.Grounds.CONDITIONS_NOT_MET, True),  # not fraud: 2025 only
    ],
)
def test_a_filing_banned_while_under_notice_ends_with_the_revocation_and_the_rest_of_its_batch_is_registered(
    enterprise, city_official, registered_in, revoked_in, grounds, registered
):
    """RULES.md §3: no filing for the year of a revocation, nor for the three after one for fraud. A
    revocation decided while the filing is under notice ends it (rejected with the ban as its reason); the
    other filings of the batch are registered as usual, and a filing the ban does not reach too."""
    filing, neighbour = revoked_under_notice(enterprise, city_official, registered_in, revoked_in, grounds)
    assert reload(filing).state == (S.UNDER_NOTICE if registered else S.REJECTED)
    created = notice_batch_register_due(today=END + dt.timedelta(days=1), actor=city_official)
    expected = {neighbour.pk, filing.pk} if registered else {neighbour.pk}
    assert {registration.application_id for registration in created} == expected
    assert Registration.objects.filter(application=filing).exists() is registered


def test_a_banned_filing_still_under_notice_is_left_out_of_registration_without_failing_the_run(
    enterprise, city_official
):
    """A filing left under notice by a revocation decided before revocations ended the filings they bar: the
    nightly job and the button register the rest of the batch, every time, instead of failing on it."""
    filing, neighbour = revoked_under_notice(enterprise, city_official, 2025, 2026, Registration.Grounds.FRAUD)
    Application.objects.filter(pk=filing.pk).update(state=S.UNDER_NOTICE, decision_reason="")
    created = notice_batch_register_due(today=END + dt.timedelta(days=1), actor=city_official)
    assert [registration.application_id for registration in created] == [neighbour.pk]
    assert reload(filing).state == S.UNDER_NOTICE
    assert notice_batch_register_due(today=END + dt.timedelta(days=2)) == []  # the nightly job: no error either


def test_a_banned_enterprises_filing_is_not_recommended(enterprise, district_official, city_official):
    """The district's recommendation re-checks the ban too: a filing under review when its enterprise's
    registration is revoked ends with the revocation, and one left in review by an earlier revocation goes no
    further than review."""
    earlier = factories.registered_filing(enterprise, year=2025)
    filing = factories.ApplicationFactory(
        enterprise=enterprise, state=S.SUBMITTED, submitted_on=dt.date(2026, 4, 20), first_time_applicant=False
    )
    revoke(earlier, city_official, grounds=Registration.Grounds.FRAUD, reason="伪造研发费用凭证", at=_revoked_at(2026))
    assert reload(filing).state == S.REJECTED
    Application.objects.filter(pk=filing.pk).update(state=S.SUBMITTED)
    with pytest.raises(TransitionError, match="当年不得再次申报"):
        application_recommend(application_id=filing.pk, actor=district_official)
    assert reload(filing).state == S.SUBMITTED


# --- Selectors -----------------------------------------------------------------------------------


def test_applications_visible_to(
    filing,
    other_enterprise,
    enterprise_user,
    other_enterprise_user,
    district_official,
    other_district_official,
    city_official,
    department_user,
):
    other = factories.ApplicationFactory(enterprise=other_enterprise, state=Application.State.SUBMITTED)
    draft = factories.ApplicationFactory(enterprise=other_enterprise, evaluation_year=2025)
    assert set(applications_visible_to(city_official)) == {filing, other}
    assert list(applications_visible_to(district_official)) == [filing]
    assert list(applications_visible_to(other_district_official)) == [other]
    assert list(applications_visible_to(enterprise_user)) == [filing]
    assert set(applications_visible_to(other_enterprise_user)) == {other, draft}
    assert list(applications_visible_to(department_user)) == []


def test_calendar_overrides_for_years(db, django_assert_num_queries):
    CalendarOverride.objects.create(date=dt.date(2027, 1, 4), kind=CalendarOverride.Kind.HOLIDAY)
    CalendarOverride.objects.create(date=dt.date(2027, 2, 20), kind=CalendarOverride.Kind.WORKING_DAY)
    CalendarOverride.objects.create(date=dt.date(2028, 1, 3), kind=CalendarOverride.Kind.HOLIDAY)
    with django_assert_num_queries(1):
        overrides = calendar_overrides_for([2026, 2027])
    assert overrides.holidays == frozenset({dt.date(2027, 1, 4)})
    assert overrides.working_days == frozenset({dt.date(2027, 2, 20)})
    assert calendar_overrides_for([]).holidays == frozenset()


# --- Evidence, expiry, notifications, query counts -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, True),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 32, True),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", False),  # the name says PDF, the content does not
    ],
)
def test_objection_evidence_checked_by_content(batch, filing, other_enterprise_user, name, content, ok):
    upload = SimpleUploadedFile(name, content)
    kwargs = {"actor": other_enterprise_user, "application_id": filing.pk, "real_name": "李四", "contact": "x"}
    if ok:
        objection = objection_file(**kwargs, statement="y", evidence=upload, today=START)
        objection.evidence.delete(save=False)
    else:
        with pytest.raises(ValidationError) as caught:
            objection_file(**kwargs, statement="y", evidence=upload, today=START)
        assert "evidence" in caught.value.message_dict
        assert not Objection.objects.exists()


def test_objections_need_evidence_and_are_limited_per_account_filing_and_storage(
    batch, filing, other_enterprise_user, enterprise, city_official, settings
):
    """On the previous main any account could post objections without evidence, ten a second."""
    kwargs = {"actor": other_enterprise_user, "application_id": filing.pk, "real_name": "李四", "contact": "x"}
    with pytest.raises(ValidationError) as caught:
        objection_file(**kwargs, statement="没有证据", today=START)
    assert "evidence" in caught.value.message_dict
    settings.OBJECTIONS_PER_ACCOUNT_AND_FILING = 2
    for _ in range(2):
        objection_file(**kwargs, statement="y", evidence=evidence_pdf(), today=START)
    with pytest.raises(TransitionError, match="最多提出2次"):
        objection_file(**kwargs, statement="y", evidence=evidence_pdf(), today=START)
    other = factories.recommended_filing(factories.EnterpriseFactory(managing_district=enterprise.managing_district))
    notice_batch_create(actor=city_official, title="第二批", start_date=START, today=START, application_ids=[other.pk])
    settings.OBJECTION_EVIDENCE_BUDGET_BYTES = 2 * evidence_pdf().size + 5
    with pytest.raises(ValidationError) as caught:
        objection_file(**{**kwargs, "application_id": other.pk}, statement="y", evidence=evidence_pdf(), today=START)
    assert "上限" in caught.value.message_dict["evidence"][0]
    assert Objection.objects.count() == 2


def test_objection_evidence_size_limit(batch, filing, other_enterprise_user, settings):
    settings.MAX_UPLOAD_BYTES = 16
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * 9)
    with pytest.raises(ValidationError):
        objection_file(
            actor=other_enterprise_user,
            application_id=filing.pk,
            real_name="李四",
            contact="x",
            statement="y",
            evidence=upload,
            today=START,
        )


def test_registration_expires_after_validity_once(registration, filing):
    assert registration_expire_due(today=dt.date(2026, 12, 31)) == 0
    assert registration_expire_due(today=dt.date(2027, 1, 1)) == 1
    assert reload(filing).state == S.EXPIRED
    assert registration_expire_due(today=dt.date(2027, 1, 2)) == 0
    assert ApplicationEvent.objects.filter(application=filing, to_state=S.EXPIRED).count() == 1


def test_registration_mails_the_number(batch, filing, enterprise_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [registration] = notice_batch_register_due(today=END + dt.timedelta(days=1))
    assert len(mailoutbox) == 1
    assert registration.number in mailoutbox[0].body
    assert mailoutbox[0].to == [enterprise_user.email]


@pytest.mark.parametrize("count", [2, 8])
def test_batch_and_registration_query_counts_do_not_grow(district, city_official, count, django_assert_max_num_queries):
    apps = [
        factories.recommended_filing(
            factories.EnterpriseFactory(managing_district=district, established_on=dt.date(2019, 1, 1))
        )
        for _ in range(count)
    ]
    ids = [a.pk for a in apps]
    with django_assert_max_num_queries(9):  # with one insert of the filings' change history
        notice_batch_create(actor=city_official, title="公示", start_date=START, today=START, application_ids=ids)
    with django_assert_max_num_queries(
        16
    ):  # constant: select, campaigns, bans, 5 for the serial block, 3 bulk writes, 2 history inserts, savepoints
        registrations = notice_batch_register_due(today=END + dt.timedelta(days=1))
    assert len(registrations) == count
