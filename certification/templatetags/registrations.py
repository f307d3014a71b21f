"""``{% latest_registration enterprise as registration %}``: an enterprise's newest registration, for the
pages of the enterprises app, which may not import certification (the template joins the two)."""

from django import template

from certification.selectors import registration as registrations

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_registration(context, enterprise):
    return registrations.latest_registration(context["user"], enterprise.pk)
