"""Row locking under real concurrency (PostgreSQL): two officials act on the same filing at once."""

import datetime as dt

from certification.models import Application, ApplicationEvent, Registration
from certification.services.notice import notice_batch_create
from certification.services.registration import notice_batch_register_due
from certification.services.review import application_recommend
from certification.workflow import TransitionError
from tests import factories
from tests.concurrency import run_together

S = Application.State


def test_two_officials_recommend_at_once_exactly_one_wins(
    transactional_db, require_postgres, enterprise, district_official, city_official
):
    app = factories.ApplicationFactory(
        enterprise=enterprise, state=S.SUBMITTED, submitted_on=dt.date(2026, 4, 20), first_time_applicant=False
    )
    results = run_together(
        [
            lambda: application_recommend(application_id=app.pk, actor=district_official),
            lambda: application_recommend(application_id=app.pk, actor=city_official),
        ],
        timeout=30,
    )
    winners = [r for r in results if isinstance(r, Application)]
    losers = [r for r in results if isinstance(r, TransitionError)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert Application.objects.get(pk=app.pk).state == S.RECOMMENDED
    assert ApplicationEvent.objects.filter(application=app, to_state=S.RECOMMENDED).count() == 1


def test_two_registration_runs_at_once_number_each_filing_once(
    transactional_db, require_postgres, district, city_official
):
    apps = [
        factories.ApplicationFactory(
            enterprise=factories.EnterpriseFactory(managing_district=district, established_on=dt.date(2019, 1, 1)),
            state=S.RECOMMENDED,
            submitted_on=dt.date(2026, 4, 20),
            first_time_applicant=False,
            evaluating_district=district,
        )
        for _ in range(3)
    ]
    start = dt.date(2026, 9, 28)
    notice_batch_create(
        actor=city_official, title="公示", start_date=start, today=start, application_ids=[a.pk for a in apps]
    )
    after = dt.date(2026, 10, 16)
    results = run_together([lambda: notice_batch_register_due(today=after)] * 2, timeout=30)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r) for r in results) == [0, 3]
    assert sorted(Registration.objects.values_list("number", flat=True)) == [
        "2026510703" + "0" + f"{n:05d}" for n in (1, 2, 3)
    ]
