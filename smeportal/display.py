"""How the portal writes values for people, in one place: numbers, money, headcounts, people's names and
stored messages. The template filters of ``smeportal.templatetags.display`` and the Python code that
writes text (exports, notifications) both call these.

- Numbers as people write them: thousands grouped, no trailing zeros on a headcount (``28 人``, not
  ``28.00 人``), money always with two decimals (``1,500.00 万元``).
- A person by their full name, else their login name.
- A message stored in the database (a notification, an import's rejection reason) is stored in the
  source language, Chinese, as the catalog's msgid (with its parameters when it has any, see
  :func:`stored_message`) and translated when it is shown, so an English reader sees it in English.

Dates are not here: the portal's one date format (``2026-12-02``, ``2026-12-02 14:30``) is set for every
language in ``smeportal/formats`` (``FORMAT_MODULE_PATH``), so ``{{ day }}`` and ``|date`` agree.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

UNITS = {"people": _("%(value)s 人"), "money": _("%(value)s 万元"), "items": _("%(value)s 项")}
# A stored message with parameters is a JSON object with this key (a plain msgid never starts with "{").
MESSAGE_KEY = "msgid"


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number(value, places: int | None = None) -> str:
    """``1500`` → ``1,500``; ``Decimal("28.00")`` → ``28``; ``28.5`` → ``28.5``; with ``places`` always that
    many decimals (``1,500.00``). Anything that is not a number comes back as text, unchanged."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    if places is not None:
        return f"{amount.quantize(Decimal(1).scaleb(-places)):,.{places}f}"
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    text = f"{amount.normalize():,f}"
    return text


def with_unit(value, unit: str) -> str:
    """A figure with its unit in the reader's language: ``people`` (``28 人``), ``money`` (``1,500.00 万元``),
    ``items`` (``3 项``). No value: an em dash."""
    if _decimal(value) is None:
        return "—"
    return gettext(str(UNITS[unit])) % {"value": number(value, 2 if unit == "money" else None)}


def display_name(user) -> str:
    """A person as others should read them: full name, else the login name; nobody: empty text."""
    if user is None:
        return ""
    return (user.get_full_name() or "").strip() or user.get_username()


def stored_message(msgid: str, **params) -> str:
    """What to store for a message shown later: the msgid itself, or with parameters a small JSON object.
    Pass the source text (``gettext_noop("…{name}…")``), never a translated one."""
    if not params:
        return str(msgid)
    return json.dumps({MESSAGE_KEY: str(msgid), "params": params}, ensure_ascii=False, default=str)


def _decoded(text: str) -> dict | None:
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get(MESSAGE_KEY), str):
        return data
    return None


def shown_message(text: str) -> str:
    """A stored message in the reader's language: the msgid translated and its parameters filled in (a
    parameter that is itself a stored message is translated too; a name or a typed reason stays as
    typed). Text the catalog does not know (stored before messages were stored this way) is shown as is."""
    if not text:
        return ""
    data = _decoded(text)
    if data is None:
        return gettext(text)
    params = data.get("params") if isinstance(data.get("params"), dict) else {}
    values = {key: shown_message(value) if _decoded(str(value)) else value for key, value in params.items()}
    translated = gettext(data[MESSAGE_KEY])
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError):
        return translated
