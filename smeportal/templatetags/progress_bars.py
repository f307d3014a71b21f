"""``{{ value|bar_width }}``: the class that sets a progress bar's width (0-100 %, in static/css/portal.css).

The Content-Security-Policy refuses ``style="width: 37%"``, so each whole percentage has a class.
"""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def bar_width(value) -> str:
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, ValueError):
        percent = Decimal(0)
    if not percent.is_finite():
        percent = Decimal(0)
    return f"w-pct-{min(max(int(percent.to_integral_value()), 0), 100)}"
