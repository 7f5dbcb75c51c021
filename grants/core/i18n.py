"""Language selection (kk_KZ, ru_KZ, en). Formatting lives in grants/core/formatting.py; its
functions are re-exported here for the modules that import them from i18n."""

from flask import current_app, request, session
from flask_babel import get_locale

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
