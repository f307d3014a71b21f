"""Every model of the portal can be seen in the Django admin, on its own page or inline in its parent."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests import factories

PORTAL_APPS = {"enterprises", "certification", "assistance", "dashboards", "smeportal"}


def _inline_models():
    return {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}


def test_every_portal_model_is_in_the_admin():
    missing = [
        model.__name__
        for model in apps.get_models()
        if model._meta.app_label in PORTAL_APPS and model not in admin.site._registry and model not in _inline_models()
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_changelist_opens(client, admin_user_persona):
    client.force_login(admin_user_persona)
    for model in admin.site._registry:
        if model._meta.app_label in PORTAL_APPS:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, url


def test_a_filing_enters_a_notice_batch_only_by_publishing(client, admin_user_persona, enterprise):
    """The batch and the place in its public list are shown, not offered for change, on a filing's page."""
    filing = factories.recommended_filing(enterprise)
    client.force_login(admin_user_persona)
    page = client.get(reverse("admin:certification_application_change", args=[filing.pk])).text
    assert "公示批次" in page and 'name="notice_batch"' not in page and 'name="notice_position"' not in page
