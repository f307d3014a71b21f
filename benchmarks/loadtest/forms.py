"""The fields of an HTML form as a browser would submit them (stdlib only: the locustfile imports it)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self, marker: tuple[str, str] | None):
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"id": attrs.get("id"), "fields": {}, "numbers": set(), "marked": False}
            self.forms.append(self.current)
        if self.current is None:
            return
        fields = self.current["fields"]
        if tag == "option" and self.select and ("selected" in attrs or fields[self.select] is None):
            fields[self.select] = attrs.get("value", "")
        if not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    fields[name] = attrs.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                fields[name] = attrs.get("value") or ""
                if kind == "number":
                    self.current["numbers"].add(name)
            if self.marker and (name, attrs.get("value")) == self.marker:
                self.current["marked"] = True
        elif tag == "select":
            self.select = name
            fields.setdefault(name, None)  # the first option unless another is selected
        elif tag == "textarea":
            self.textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None


def form_fields(
    html: str, marker: tuple[str, str | None] | None = None, form_id: str | None = None
) -> tuple[dict[str, str], set[str]]:
    """The fields of the first form with the id ``form_id`` or holding the input ``marker`` (name, value;
    None: an input without a value), and the names of its number inputs; ({}, set()) without one."""
    parser = _FormFields(marker)
    parser.feed(html)
    forms = [form for form in parser.forms if form["marked"] or (form_id and form["id"] == form_id)]
    if not forms:
        return {}, set()
    fields = {name: "" if value is None else value for name, value in forms[0]["fields"].items()}
    return fields, set(forms[0]["numbers"])
