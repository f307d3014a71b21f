"""A credit code names one enterprise: the database refuses a second, and the admin says why."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory


def test_the_database_refuses_a_second_enterprise_with_the_same_credit_code(district):
    first = EnterpriseFactory(managing_district=district)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseFactory(managing_district=district, credit_code=first.credit_code)
    assert Enterprise.objects.filter(credit_code=first.credit_code).count() == 1


def test_validation_names_the_duplicate_credit_code_in_chinese(district):
    first = EnterpriseFactory(managing_district=district)
    second = EnterpriseFactory.build(managing_district=district, credit_code=first.credit_code)
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "该统一社会信用代码的企业已存在。" in refused.value.messages
