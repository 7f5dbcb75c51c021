"""Language selection (kk_KZ, ru_KZ, en). Formatting lives in grants/core/formatting.py; its
functions are re-exported here for the modules that import them from i18n."""

from flask import current_app, request, session
from flask_babel import get_locale
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import Form

from grants.core.formatting import (  # noqa: F401  (re-exported)
    BABEL_LOCALES,
    amount_input,
    content_lang,
    date_long,
    date_short,
    fixed,
    money,
    number,
    percent,
)

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def select_locale() -> str:
    """?lang= for one request, else the choice stored in the session, else the browser's, else ru."""
    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang")
    if lang not in languages:
        lang = session.get("lang")
    if lang not in languages:
        lang = request.cookies.get("lang")
    if lang not in languages:
        lang = request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return BABEL_LOCALES[lang]


def language() -> str:
    locale = get_locale()
    return locale.language if locale else "ru"


KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def text_lang(text, default: str | None = None) -> str:
    """The language a piece of user text is written in, told by its letters: Kazakh letters (ә, ғ, қ,
    ң, ө, ұ, ү, һ, і) -> kk, other Cyrillic -> ru, Latin only -> en; `default` (the page's language)
    when it has no letters. For the `lang` attribute of comments and replies
    (docs/i18n.md#user-content-in-another-language)."""
    value = str(text or "")
    if any(c in KAZAKH_LETTERS for c in value):
        return "kk"
    if any("\u0400" <= c <= "\u04ff" for c in value):
        return "ru"
    if any(c.isascii() and c.isalpha() for c in value):
        return "en"
    return default or language()


class RowForm(Form):
    """A sub-form (a row of a FieldList) whose built-in messages ("Not a valid choice.", "This field
    is required.") are in the reader's language, as a FlaskForm's are: a plain wtforms.Form speaks
    English only (docs/i18n.md#form-messages)."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations
