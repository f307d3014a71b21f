"""How the portal writes values for people, in one place: numbers, money, headcounts, people's names and
stored messages. The template filters of ``smeportal.templatetags.display`` and the Python code that
writes text (exports, notifications) both call these.

- Numbers as people write them: thousands grouped, no trailing zeros on a headcount (``28 人``, not
  ``28.00 人``), money always with two decimals (``1,500.00 万元``).
- A person by their full name, else their login name.
- A message stored in the database (a notification, an import's rejection reason) is stored in the
  source language, Chinese, which is the catalog's msgid (:func:`source_text`), with its msgid and
  parameters when it has any (:class:`Message`), and translated when it is shown
  (:func:`shown_message`, ``Message.__str__``), so an English reader reads it in English.

Dates are not here: the portal's one date format (``2026-12-02``, ``2026-12-02 14:30``) is set for every
language in ``smeportal/formats`` (``FORMAT_MODULE_PATH``), so ``{{ day }}`` and ``|date`` agree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

UNITS = {"people": _("%(value)s 人"), "money": _("%(value)s 万元"), "items": _("%(value)s 项")}
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
        return f"{amount.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"
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


def source_text(text) -> str:
    """``text`` (a lazy translation, a :class:`Message`) written in the source language, Chinese: what is
    stored, so that :func:`shown_message` can translate it for whoever reads it later."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def shown_message(text) -> str:
    """A stored message in the reader's language. Stored text is the catalog's msgid (Chinese); text the
    catalog does not know (a typed reason, a message stored before) is shown as it is."""
    return gettext(str(text)) if text else ""


class Message:
    """A message to store and show later in the reader's language: the msgid (``gettext_noop("…{name}…")``
    or a lazy translation, never an already translated string) and its parameters, each plain text or
    itself a :class:`Message` (a label, a subject). ``str()`` renders it in the active language;
    :meth:`as_data` is what a JSON field stores, :meth:`from_data` reads it back. Parameters are filled
    with ``str.format`` (``{name}``) or, for msgids written with ``%(name)s``, with ``%``."""

    def __init__(self, msgid, /, **params):
        self.msgid = msgid._proxy____args[0] if hasattr(msgid, "_proxy____args") else str(msgid)
        self.params = params

    def __str__(self) -> str:
        values = {key: str(value) for key, value in self.params.items()}
        template = gettext(self.msgid)
        try:
            return template % values if "%(" in self.msgid else template.format(**values)
        except (KeyError, IndexError, ValueError, TypeError):
            return template

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.params!r})"

    def as_data(self) -> dict:
        return {
            MESSAGE_KEY: self.msgid,
            "params": {
                key: value.as_data() if isinstance(value, Message) else str(value) for key, value in self.params.items()
            },
        }

    @classmethod
    def from_data(cls, data) -> Message | None:
        if not isinstance(data, dict) or not isinstance(data.get(MESSAGE_KEY), str):
            return None
        params = data.get("params") if isinstance(data.get("params"), dict) else {}
        return cls(
            data[MESSAGE_KEY],
            **{key: cls.from_data(value) or str(value) for key, value in params.items()},
        )
