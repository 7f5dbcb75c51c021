"""The fields of the HTML forms on a page, with the values the page filled in (stdlib HTML parser)."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").upper(),
                          "fields": {}}  # fmt: skip
            self.forms.append(self._form)
        if self._form is None or not attrs.get("name"):
            return
        name, fields = attrs["name"], self._form["fields"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields[name] = attrs.get("value", "y")
                elif kind == "radio":
                    fields.setdefault(name, None)
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            fields[name] = None
        elif tag == "option" and self._select:
            if fields.get(self._select) is None or "selected" in attrs:
                if "selected" in attrs or fields.get(self._select) is None:
                    fields[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data


def post_forms(html: str) -> list[dict]:
    """[{action, fields}] of the page's POST forms, radio groups without a choice left out."""
    parser = _Forms()
    parser.feed(html)
    result = []
    for form in parser.forms:
        if form["method"] == "POST":
            form["fields"] = {k: v for k, v in form["fields"].items() if v is not None}
            result.append(form)
    return result
