"""How forms draw their widgets."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    """Django's own form and widget templates drawn by Jinja2, which Django ships for each of them with
    the same HTML: drawing the 18 fields of a filing step took half of that page's time in Django's
    template language. Templates that exist in that language only (django-bootstrap5's radio lists and
    file input) come from Django's default form renderer."""

    fallback = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
