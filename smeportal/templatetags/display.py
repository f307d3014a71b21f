"""Template filters writing values for people (``{% load display %}``), all from ``smeportal.display``:

- ``{{ value|number }}`` ``1,500`` / ``28`` / ``28.5``; ``{{ value|number:2 }}`` ``1,500.00``
- ``{{ value|unit:"people" }}`` ``28 人``; ``|unit:"money"`` ``1,500.00 万元``; ``|unit:"items"`` ``3 项``
- ``{{ user|who }}`` full name, else login name (empty for nobody: ``{{ user|who|default:"—" }}``)
- ``{{ notification.message|message }}`` a stored message in the reader's language
"""

from django import template

from smeportal import display

register = template.Library()


@register.filter
def number(value, places=None):
    return display.number(value, None if places in (None, "") else int(places))


@register.filter
def unit(value, name: str):
    return display.with_unit(value, name)


@register.filter
def who(user):
    return display.display_name(user)


@register.filter
def message(text):
    return display.shown_message(text)
