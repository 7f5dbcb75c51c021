"""Every page and form in Kazakh and Russian shows no interface text left in English, data aside
(docs/i18n.md#the-translation-coverage-test).

The crawler signs in as each demo role, starts from every GET page without arguments and follows
the links of each page, keeping one page per endpoint and role (one object of each kind); every form
with fields to fill is also posted once with its fields emptied, so that its error messages are
shown. Each page is read in kk and ru, and `english_left` reports:

- a text or an attribute a reader meets (aria-label, title, placeholder, alt, data-confirm, the value
  of a button) equal to an English msgid of the catalogue whose translation differs;
- any other Latin word of three letters or more that is not an allowed name or acronym (ALLOWED),
  nor part of an address (e-mail, URL, file name), nor user data;
- Python list syntax (`['`), which means a list was printed instead of its items.

User data is left aside: elements marked `translate="no"` or with a `lang` other than the page's
(docs/i18n.md#user-content-in-another-language), what a form field holds, and any string stored in
the database that is shown as it is.
"""

import re
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

import pytest
import tinyhtml5
from babel.messages.pofile import read_po
from flask_babel import force_locale, get_translations
from sqlalchemy import String, Text, select

from grants.cooperation.models import Meeting, MeetingState, Recommendation, RecommendationStatus
from grants.core.i18n import BABEL_LOCALES
from grants.extensions import db
from grants.monitoring.models import Evaluation
from grants.reports.models import Report
from tests.helpers import login

ROOT = Path(__file__).resolve().parent.parent
PAGE_LANGS = ("kk", "ru")
ROLES = (None, "admin", "ministry", "chair", "member1", "member4", "ngo", "secretary", "official")
XHTML = "{http://www.w3.org/1999/xhtml}"

# Names and acronyms that stay in Latin letters in every language.
ALLOWED = {
    "API", "BIN", "CSV", "JSON", "KATO", "OCDS", "OpenAPI", "PDF", "PNG", "JPEG", "JPG", "XLSX",
    "SHA", "UTC", "URL", "HTTP", "HTTPS", "www", "Excel", "WeasyPrint", "Bootstrap", "GitHub",
    "English", "Qazaqsha", "eGov", "ZIP", "Word",
}  # fmt: skip
# Attributes whose text a reader meets (read aloud or shown on hover, in an empty field, as a dialog).
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-confirm", "aria-description")
BUTTON_TYPES = {"submit", "button", "reset"}
# Elements whose content is code or data, never interface text.
DATA_ELEMENTS = {"script", "style", "code", "kbd", "samp", "textarea", "template"}
ADDRESS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|(?:https?://|/)[^\s\"'<>]*"  # URL or path
    r"|\b[\w.-]+\.(?:pdf|csv|xlsx|json|png|jpe?g|txt|docx?)\b"  # file name
    r"|\b[a-z0-9]+(?:_[a-z0-9]+)+\b",  # a code such as project_effectiveness
    re.IGNORECASE,
)
LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z'’]{2,}(?![\w-])")
PYTHON_LIST = re.compile(r"\[\s*['\"]|['\"]\s*\]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")

# Endpoints that answer something other than an HTML page (files, JSON, redirects), or that need
# what no page links to: they are not pages to read.
NOT_PAGES = {
    "static",
    "bootstrap.static",
    "main.healthz",
    "main.set_language",
    "opendata.lots_csv",
    "opendata.projects_csv",
    "opendata.results_json",
    "opendata.lots_xlsx",
    "opendata.projects_xlsx",
    "imports.lots_template",
    "imports.projects_template",
    "imports.campaign_assignments_template",
    "reports.evaluation_report",
    "reports.download",
    "report_jobs.download",
    "report_jobs.status",
    "report_jobs.summary_pdf",
    "portal.campaign_summary_pdf",
    "evaluations.evidence_file",
    "replies.attachment",
    "recommendations.attachment",
    "opendata.activities_csv",
    "opendata.activities_xlsx",
    "opendata.activities_json",
    "opendata.recommendations_csv",
    "opendata.recommendations_xlsx",
    "opendata.recommendations_json",
    "plans.plan_pdf",
    "plans.plan_xlsx",
    "meetings.minutes_pdf",
    "meetings.material",
    "information.feed_json",
    "working_groups.task_document",
    "working_groups.expert_document",
    # needs coverage downloads (issue 13, docs/analytics.md#needs-coverage)
    "coverage.report_pdf",
    "coverage.report_xlsx",
    # issue 13, analytics dashboard: downloads (CSV per panel, PDF), not HTML pages
    "analytics.panel_csv",
    "analytics.report_pdf",
}


# --- the checker -----------------------------------------------------------------------------


@dataclass
class Catalogue:
    """The English msgids of one language whose translation differs from them, as exact strings and
    as patterns for those with placeholders."""

    exact: set[str] = field(default_factory=set)
    patterns: list[tuple[re.Pattern, str]] = field(default_factory=list)

    @classmethod
    def load(cls, lang: str) -> "Catalogue":
        with open(ROOT / "grants" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
            po = read_po(fh)
        found = cls()
        for message in po:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                if msgid in strings or not LATIN_WORD.search(msgid):
                    continue
                text = squeeze(msgid)
                if PLACEHOLDER.search(text):
                    parts = PLACEHOLDER.split(text)
                    if sum(len(p.strip()) for p in parts) < 4:
                        continue  # "%(a)s: %(b)s" says nothing English by itself
                    pattern = ".+?".join(re.escape(p) for p in parts)
                    found.patterns.append((re.compile(rf"^{pattern}$"), msgid))
                else:
                    found.exact.add(text)
        return found

    def match(self, text: str) -> str | None:
        if text in self.exact:
            return text
        for pattern, msgid in self.patterns:
            if pattern.match(text):
                return msgid
        return None


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def local(tag) -> str:
    return tag[len(XHTML) :] if isinstance(tag, str) and tag.startswith(XHTML) else str(tag)


def reader_texts(html: str) -> tuple[str, list[str]]:
    """The page's language and every text and read attribute a reader meets outside data."""
    root = tinyhtml5.parse(html)
    page_lang = root.get("lang", "")
    found: list[str] = []

    def walk(element, in_data: bool) -> None:
        tag = local(element.tag)
        lang = element.get("lang")
        data = (
            in_data
            or tag in DATA_ELEMENTS
            or element.get("translate") == "no"
            or (lang is not None and lang.split("-")[0] != page_lang)
        )
        if not data:
            for name in READ_ATTRIBUTES:
                if element.get(name):
                    found.append(element.get(name))
            if tag == "input" and element.get("type") in BUTTON_TYPES:  # a <button> shows its content
                if element.get("value"):
                    found.append(element.get("value"))
            if element.text:
                found.append(element.text)
        for child in element:
            walk(child, data)
            if child.tail and not data:
                found.append(child.tail)

    walk(root, False)
    return page_lang, [squeeze(text) for text in found if text.strip()]


def english_left(html: str, catalogue: Catalogue, data_strings: list[str] = ()) -> list[str]:
    """What in this page is interface text left in English: msgids shown untranslated, other Latin
    words, Python lists. `data_strings` are user data as stored, which a page may show whole or in
    part (left aside)."""
    _lang, texts = reader_texts(html)
    data = UserData.of(data_strings)
    problems = []
    for text in texts:
        msgid = catalogue.match(text)
        if msgid is not None:
            problems.append(f"untranslated {msgid!r}")
            continue
        if PYTHON_LIST.search(text):
            problems.append(f"Python list in {text!r}")
        if data.holds(text):
            continue
        rest = data.remove(ADDRESS.sub(" ", text))
        words = [word for word in LATIN_WORD.findall(rest) if word not in ALLOWED]
        if words:
            problems.append(f"English {' '.join(words)!r} in {text!r}")
    return problems


@dataclass
class UserData:
    """Strings stored in the database: a text that is one of them, or a long enough part of one
    (a shortened title), is data; the ones inside a longer text are taken out of it."""

    blob: str
    pattern: re.Pattern | None

    _cache: ClassVar[dict] = {}

    @classmethod
    def of(cls, strings) -> "UserData":
        key = tuple(strings)
        if key not in cls._cache:
            values = sorted({squeeze(s) for s in strings if s and s.strip()}, key=len, reverse=True)
            pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None
            cls._cache[key] = cls("\n".join(values), pattern)
        return cls._cache[key]

    def holds(self, text: str) -> bool:
        return len(text) >= 12 and text.rstrip("….") in self.blob

    def remove(self, text: str) -> str:
        return self.pattern.sub(" ", text) if self.pattern else text


def stored_latin_strings() -> list[str]:
    """Every string column's value in the database that holds a Latin word: user data as stored
    (names, titles, file names, comments), which a page may show as it is."""
    found = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                if isinstance(value, str) and LATIN_WORD.search(value) and len(value) < 2000:
                    found.add(value)
    return sorted(found)


# --- the crawler -----------------------------------------------------------------------------


@dataclass
class Page:
    who: str | None
    url: str
    method: str = "GET"
    data: dict = field(default_factory=dict)


def is_local_page(href: str) -> bool:
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return False
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc


def endpoint_of(app, url: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(url).path, method="GET")
    except Exception:
        return None
    return endpoint


def links_of(html: str, base: str) -> list[str]:
    root = tinyhtml5.parse(html)
    found = []
    for element in root.iter():
        if local(element.tag) == "a" and is_local_page(element.get("href", "")):
            found.append(urljoin(base, element.get("href")))
    return found


def form_actions(html: str, base: str) -> list[tuple[str, dict]]:
    """The POST forms of a page that have fields to fill, each with its fields emptied: posted, they
    are refused and shown again with their messages (action buttons, with hidden fields only, are not
    posted)."""
    root = tinyhtml5.parse(html)
    found = []
    for element in root.iter():
        if local(element.tag) != "form" or (element.get("method") or "get").lower() != "post":
            continue
        fields = [
            e.get("name")
            for e in element.iter()
            if local(e.tag) in ("input", "textarea", "select")
            and (e.get("type") or "text") not in ("hidden", "submit", "button", "checkbox", "radio")
            and e.get("name")
        ]
        action = urljoin(base, element.get("action") or base)
        if fields and not urlsplit(action).path.startswith("/lang/"):
            found.append((action, dict.fromkeys(fields, "")))
    return found


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(app, client, who: str | None, extra: list[str] = ()) -> list[Page]:
    """One page per endpoint reachable by this role: seeds are the GET pages without arguments and a
    missing page; pages are the ones its links lead to. Forms with fields are posted empty once."""
    seeds = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in NOT_PAGES
    ] + ["/no-such-page", *extra]
    seen_endpoints: set[str] = set()
    seen_forms: set[str] = set()
    queue = deque(sorted(seeds))
    pages: list[Page] = []
    while queue:
        url = queue.popleft()
        endpoint = endpoint_of(app, url) or url
        if endpoint in seen_endpoints or endpoint in NOT_PAGES or endpoint.startswith("api"):
            continue
        seen_endpoints.add(endpoint)
        response = client.get(url)
        if response.status_code in (301, 302, 303) or response.mimetype != "text/html":
            continue
        pages.append(Page(who, url))
        html = response.get_data(as_text=True)
        for link in links_of(html, url):
            queue.append(without_query(link))
        for action, data in form_actions(html, url):
            form_endpoint = endpoint_of(app, action) or action
            if form_endpoint not in seen_forms:
                seen_forms.add(form_endpoint)
                refused = client.post(action, data=data)
                # A form is shown again with its messages; one accepted even so has nothing more to show.
                if not 300 <= refused.status_code < 400 and refused.mimetype == "text/html":
                    pages.append(Page(who, action, "POST", data))
    return pages


@contextmanager
def rolled_back(app):
    """Like the suite's `db` fixture, for a module's fixture: what the crawl's requests commit (a
    login's time, a form accepted empty) is rolled back afterwards."""
    from grants.accounts.throttle import login_throttle

    login_throttle.clear()
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        conn = engine.connect()
        trans = conn.begin()
        engines[None] = conn
        original = db.session
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            trans.rollback()
            conn.close()
            engines[None] = engine


class Readers:
    """One signed-in client per role and language."""

    def __init__(self, app):
        self.app = app
        self.clients = {}

    def client(self, who: str | None, lang: str | None = None):
        if (who, lang) not in self.clients:
            client = self.app.test_client()
            if who:
                login(client, f"{who}@example.kz")
            if lang:
                client.get(f"/lang/{lang}")
            self.clients[who, lang] = client
        return self.clients[who, lang]

    def read(self, page: Page, lang: str):
        client = self.client(page.who, lang)
        if page.method == "POST":
            return client.post(page.url, data=page.data)
        return client.get(page.url)


def english_in_pages(readers: Readers, pages: list[Page], lang: str, data_strings) -> dict[str, list[str]]:
    catalogue = Catalogue.load(lang)
    problems = {}
    for page in pages:
        response = readers.read(page, lang)
        if response.mimetype != "text/html" or 300 <= response.status_code < 400:
            continue
        html = response.get_data(as_text=True)
        where = f"{page.who or 'anonymous'} {page.method} {page.url}"
        if f'<html lang="{lang}"' not in html:
            problems[where] = [f"not in {lang}"]
        elif found := english_left(html, catalogue, data_strings):
            problems[where] = sorted(set(found))
    return problems


@dataclass
class Reading:
    pages: list[Page]
    problems: dict[str, dict[str, list[str]]]


def joint_work_forms() -> list[str]:
    """The forms of the joint work that the crawler would miss: it keeps one meeting page per role (the
    first it meets), while the forms hang off meetings in other states, a draft and an evaluation."""
    held = db.session.scalars(
        select(Meeting).where(Meeting.state == MeetingState.held).order_by(Meeting.id)
    ).first()
    ahead = db.session.scalars(
        select(Meeting).where(Meeting.state == MeetingState.scheduled).order_by(Meeting.id)
    ).first()
    draft = db.session.scalars(
        select(Recommendation)
        .where(Recommendation.status == RecommendationStatus.draft)
        .order_by(Recommendation.id)
    ).first()
    evaluation = db.session.scalars(
        select(Evaluation).where(Evaluation.published_at.is_not(None)).order_by(Evaluation.id)
    ).first()
    urls = [
        f"/meetings/{ahead.id}/edit",
        f"/meetings/{ahead.id}/agenda/new",
        f"/meetings/{held.id}/attendance",
        f"/meetings/{held.id}/decisions/new",
        f"/meetings/{held.id}/agenda/{held.agenda[0].id}/edit",
        f"/meetings/{held.id}/agenda/{held.agenda[0].id}/minutes",
        f"/recommendations/{draft.id}/edit",
        f"/recommendations/from-evaluation/{evaluation.id}",
    ]
    return urls


@pytest.fixture(scope="module")
def reading(app) -> Reading:
    """Crawl as every role, then read every page found in each language (in one rolled-back
    transaction: the crawl signs in and posts forms)."""
    with rolled_back(app):
        data_strings = stored_latin_strings()
        readers = Readers(app)
        # A report's verification page is opened from the code printed in the PDF, not from a link.
        fingerprint = db.session.scalar(select(Report.fingerprint).order_by(Report.id).limit(1))
        extra = [f"/verify/{fingerprint}", *joint_work_forms()]
        pages = [page for who in ROLES for page in crawl(app, readers.client(who), who, extra)]
        problems = {lang: english_in_pages(readers, pages, lang, data_strings) for lang in PAGE_LANGS}
    return Reading(pages, problems)


# --- the tests -------------------------------------------------------------------------------


def test_the_crawler_reaches_every_page(app, reading):
    """Every HTML page of the URL map is read by some role, so a new page cannot hide from the test."""
    reached = {endpoint_of(app, page.url) for page in reading.pages}
    expected = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint not in NOT_PAGES and not rule.endpoint.startswith("api")
    }
    missing = expected - reached - UNREACHED
    assert not missing, f"no demo role reaches these pages through links: {sorted(missing)}"
    assert len({page.who for page in reading.pages}) == len(ROLES)
    assert any(page.method == "POST" for page in reading.pages), "no form was posted"


# Pages that no link leads to in the demo data (named, so that a new one is noticed).
UNREACHED = {
    "report_jobs.show",  # a PDF job's page: opened after starting a render, not linked
    "plans.approve",  # offered on a draft plan only; the demo's plan is published (tests/cooperation/test_plans_pages.py)
}


@pytest.mark.parametrize("lang", PAGE_LANGS)
def test_no_interface_text_is_left_in_english(reading, lang):
    problems = reading.problems[lang]
    report = "\n".join(f"{where}: {found}" for where, found in sorted(problems.items()))
    assert not problems, f"English left in {lang} pages:\n{report}"


# --- the checker catches what it should --------------------------------------------------------


PAGE = """<!doctype html><html lang="{lang}"><head><title>{title}</title></head><body>
<nav aria-label="{nav}"><a href="/x">{link}</a></nav>{body}</body></html>"""


@pytest.mark.parametrize("lang", PAGE_LANGS)
def test_the_checker_reports_a_page_whose_catalogue_entry_is_gone(app, client, monkeypatch, lang):
    """The lot form read with one catalogue entry taken away shows that text in English: the checker
    names it, and passes the same page with the entry in place."""
    msgid = "Rows without a name are ignored."
    catalogue = Catalogue.load(lang)
    login(client, "ministry@example.kz")
    client.get(f"/lang/{lang}")
    page = client.get("/lots/new").get_data(as_text=True)
    assert english_left(page, catalogue) == []
    with app.test_request_context(), force_locale(BABEL_LOCALES[lang]):
        translations = get_translations()
        assert msgid in translations._catalog
        monkeypatch.delitem(translations._catalog, msgid)
    page = client.get("/lots/new").get_data(as_text=True)
    assert msgid in page
    assert english_left(page, catalogue) == [f"untranslated {msgid!r}"]


def test_the_checker_reports_english_words_attributes_and_lists():
    catalogue = Catalogue.load("kk")
    html = PAGE.format(
        lang="kk",
        title="Лоттар",
        nav="breadcrumb",
        link="Басты бет",
        body='<p>Табылды: 3 items</p><input type="submit" value="Save draft"><div>url: [\'Қате URL.\']</div>'
        '<input type="text" value="User typed this">',
    )
    problems = english_left(html, catalogue)
    assert any("'breadcrumb'" in p for p in problems), problems
    assert any("items" in p for p in problems), problems
    assert any("Save draft" in p for p in problems), problems
    assert any("Python list" in p for p in problems), problems
    assert not any("User typed" in p for p in problems), "a field's value is user data"


def test_the_checker_leaves_data_names_and_addresses_aside():
    catalogue = Catalogue.load("ru")
    html = PAGE.format(
        lang="ru",
        title="Лоты",
        nav="Навигация",
        link="Главная",
        body="<p>Отчёт PDF, БИН, KATO 711000000, admin@example.kz, https://example.kz/report.pdf</p>"
        '<p lang="en">Ministry of Culture</p><p translate="no">Sample Foundation</p>'
        "<p>Организация Smart Aktobe</p><code>sha256 abcdef</code>",
    )
    assert english_left(html, catalogue, ["Smart Aktobe"]) == []
    assert english_left(html, catalogue) == ["English 'Smart Aktobe' in 'Организация Smart Aktobe'"]
