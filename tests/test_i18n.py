"""Every interface string has a Kazakh and a Russian translation, and pages render in all three languages."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import select

from grants.core.i18n import text_lang
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Evaluation

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
METHODS = [("grants/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
# as babel.cfg: the templates use the `do` statement (the app enables jinja2.ext.do)
OPTIONS = {
    "templates/**.html": {"extensions": "jinja2.ext.do"},
    "templates/**.txt": {"extensions": "jinja2.ext.do"},
}


def not_hidden(path: str) -> bool:
    """Babel skips directories whose name starts with "_" unless told otherwise; templates/_macros
    holds interface text (the Makefile's extract-messages passes the same --ignore-dirs)."""
    return not Path(path).name.startswith(".") and Path(path).name != "__pycache__"


def extracted():
    return extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS, options_map=OPTIONS, directory_filter=not_hidden
    )


def source_messages() -> set[str]:
    """Every msgid in the code and templates, extracted now (not from a possibly stale .pot)."""
    found = set()
    for _filename, _lineno, message, _comments, _context in extracted():
        if isinstance(message, tuple):  # ngettext: the catalog keys the entry by the singular
            found.add(message[0])
        elif message:
            found.add(message)
    return found


@pytest.fixture(scope="module")
def messages() -> set[str]:
    found = source_messages()
    assert len(found) > 100, "extraction found too few strings; is the babel config right?"
    return found


def test_extraction_reads_every_template():
    """Every template that calls _() is extracted, the macros' directory included."""
    calling = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"\b_\(|ngettext\(", path.read_text(encoding="utf-8"))
    }
    read = {filename for filename, *_rest in extracted() if filename.startswith("templates")}
    assert "templates/_macros/ui.html" in calling
    assert not calling - read, f"never extracted: {sorted(calling - read)}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_string_is_translated(messages, lang):
    with open(ROOT / "grants" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    missing, fuzzy, bad_placeholders = [], [], []
    for msgid in sorted(messages):
        entry = catalog.get(msgid)
        strings = (entry.string if isinstance(entry.string, tuple) else (entry.string,)) if entry else ()
        if entry is None or not all(strings):
            missing.append(msgid)
        elif entry.fuzzy:
            fuzzy.append(msgid)
        elif any(
            set(PLACEHOLDER.findall(msgid)) - {"num"} != set(PLACEHOLDER.findall(s)) - {"num"}
            for s in strings
        ):
            bad_placeholders.append(msgid)
    assert not missing, f"{len(missing)} strings lack a {lang} translation, e.g. {missing[:10]}"
    assert not fuzzy, f"{len(fuzzy)} {lang} translations are fuzzy, e.g. {fuzzy[:10]}"
    assert not bad_placeholders, f"{lang} placeholders differ: {bad_placeholders[:10]}"
    assert not catalog.fuzzy, f"the {lang} catalog header is fuzzy, so it would not be compiled"


def test_no_kazakh_translation_is_a_copy_of_the_russian_one():
    """A sentence left in Russian in the Kazakh catalogue passes the checks above and the English-word
    test of the pages; a Kazakh msgstr equal to the Russian one is such a leftover (single words such
    as «Бюджет» or «Кворум» are the same in both languages)."""
    catalogs = {}
    for lang in ("kk", "ru"):
        with open(ROOT / "grants" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
            catalogs[lang] = read_po(fh)
    copies = []
    for entry in catalogs["kk"]:
        russian = catalogs["ru"].get(entry.id)
        if entry.id and russian is not None and entry.string == russian.string:
            text = entry.string if isinstance(entry.string, str) else " ".join(entry.string)
            if sum(1 for word in text.split() if re.search(r"[^\W\d_]{3,}", word)) >= 2:
                copies.append(entry.id)
    assert not copies, f"{len(copies)} Kazakh translations are the Russian text: {copies[:10]}"


def test_catalogs_are_compiled(messages):
    for lang in ("kk", "ru"):
        assert (ROOT / "grants" / "translations" / lang / "LC_MESSAGES" / "messages.mo").exists(), (
            "run `make translations` (make test does it)"
        )


# --- user content in another language than the page (docs/i18n.md#user-content-in-another-language)


def test_a_title_that_exists_only_in_russian_is_marked_on_a_kazakh_page(client):
    lot = db.session.scalar(select(Lot).order_by(Lot.id).limit(1))
    lot.title_kk = None
    db.session.commit()
    kk = client.get(f"/lots/{lot.id}", query_string={"lang": "kk"}).get_data(as_text=True)
    assert f'<h1 class="h3" lang="ru">{lot.title_ru}</h1>' in kk
    ru = client.get(f"/lots/{lot.id}", query_string={"lang": "ru"}).get_data(as_text=True)
    assert f'<h1 class="h3" lang="ru">{lot.title_ru}</h1>' in ru
    lot.title_kk = "Қазақша атауы"
    db.session.commit()
    kk = client.get(f"/lots/{lot.id}", query_string={"lang": "kk"}).get_data(as_text=True)
    assert '<h1 class="h3" lang="kk">Қазақша атауы</h1>' in kk


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Мероприятия проведены в срок", "ru"),
        ("Іс-шаралар уақытында өткізілді", "kk"),
        ("All events were held", "en"),
        ("12 / 2025", "kk"),
        (None, "kk"),
    ],
)
def test_the_language_of_user_text_is_told_by_its_letters(app, text, lang):
    assert text_lang(text, "kk") == lang


def test_published_findings_carry_the_language_they_are_written_in(client):
    evaluation = db.session.scalar(
        select(Evaluation)
        .where(Evaluation.is_published, Evaluation.findings.isnot(None))
        .order_by(Evaluation.id)
    )
    assert evaluation is not None, "the demo data has a published evaluation with findings"
    evaluation.findings = "Іс-шаралар уақытында өткізілді"
    evaluation.recommendations = "Провести опрос участников"
    db.session.commit()
    url = f"/projects/{evaluation.project_id}" if evaluation.project_id else f"/lots/{evaluation.lot_id}"
    page = client.get(url, query_string={"lang": "ru"}).get_data(as_text=True)
    assert '<p data-findings lang="kk">Іс-шаралар уақытында өткізілді</p>' in page
    assert '<p data-recommendations lang="ru">Провести опрос участников</p>' in page
