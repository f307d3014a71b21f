"""Forms draw their widgets through Jinja2 (smeportal.renderers) with the HTML Django's template language
would give them, django-bootstrap5's own widget templates included."""

import re

import pytest
from django.forms.renderers import get_default_renderer
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from certification.forms.filing import STEPS
from certification.services.filing import application_save_draft
from smeportal.renderers import FormRenderer
from tests.helpers import FIGURES

pytestmark = pytest.mark.django_db

DJANGO_LANGUAGE = "django.forms.renderers.DjangoTemplates"


def normalised(html: str) -> str:
    """The page without its per-response tokens and without the whitespace between tags."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html))


def both_ways(client, url: str, data: dict | None = None) -> tuple[str, str]:
    pages = []
    for renderer in ("smeportal.renderers.FormRenderer", DJANGO_LANGUAGE):
        with override_settings(FORM_RENDERER=renderer):
            response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code == 200, url
        pages.append(normalised(response.content.decode()))
    return pages[0], pages[1]


def test_every_filing_step_is_drawn_as_the_django_language_draws_it(client, enterprise_user):
    draft = application_save_draft(actor=enterprise_user, evaluation_year=timezone.localdate().year, data=FIGURES)
    client.force_login(enterprise_user)
    for step in STEPS:
        url = reverse("certification:filing_step", kwargs={"pk": draft.pk, "step": step})
        jinja, django = both_ways(client, url)
        assert jinja == django, step


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("department_user", "assistance:agreement_create"),  # checkbox lists: django-bootstrap5's own template
        ("city_official", "enterprises:list"),  # the filter form's selects
        ("city_official", "enterprises:import"),  # a file input
    ],
)
def test_pages_with_other_widgets_are_drawn_alike(request, client, persona, url):
    client.force_login(request.getfixturevalue(persona))
    jinja, django = both_ways(client, reverse(url))
    assert jinja == django


def test_a_template_only_the_django_language_has_comes_from_the_default_renderer():
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    widget = renderer.get_template("django/forms/widgets/text.html")
    assert widget.__module__ == "django.template.backends.jinja2"
    bootstrap = renderer.get_template("django_bootstrap5/widgets/radio_select.html")
    assert bootstrap.__module__ == "django.template.backends.django"


def test_a_refused_form_with_its_errors_is_drawn_alike(client, department_user):
    client.force_login(department_user)
    jinja, django = both_ways(client, reverse("assistance:agreement_create"), data={"year": "1900"})
    assert jinja == django
    assert "is-invalid" in django
