"""Filters and globals shared by every template (and later the PDF reports)."""

from flask import request, url_for
from markupsafe import Markup, escape

from grants.core import formatting, i18n
from grants.core.forms import error_messages
from grants.core.permissions import authorize  # noqa: F401


def register(app) -> None:
    app.jinja_env.filters["money"] = i18n.money
    app.jinja_env.filters["number"] = i18n.number
    app.jinja_env.filters["fixed"] = i18n.fixed
    app.jinja_env.filters["percent"] = i18n.percent  # formats: grants/core/formatting.py
    app.jinja_env.filters["amount_input"] = i18n.amount_input
    app.jinja_env.filters["breakable"] = formatting.breakable
    app.jinja_env.globals["content_lang"] = i18n.content_lang
    app.jinja_env.filters["date_long"] = i18n.date_long
    app.jinja_env.filters["date_time"] = formatting.date_time
    app.jinja_env.filters["date_short"] = i18n.date_short
    app.jinja_env.filters["nl2br"] = lambda value: Markup("<br>").join(escape(value or "").splitlines())
    app.jinja_env.filters["css_string"] = css_string
    app.jinja_env.filters["text_lang"] = i18n.text_lang
    app.jinja_env.filters["error_messages"] = error_messages
    app.jinja_env.globals["LANGUAGE_NAMES"] = i18n.LANGUAGE_NAMES
    app.jinja_env.globals["current_language"] = i18n.language

    @app.template_global()
    def subject_label(evaluation) -> str:
        """What an evaluation is about, for titles: 'Project effectiveness · 045-ГСЗ, 2026' or
        'Lot relevance · 12/2025, 2026' (the kind, the contract or lot number, the campaign's year)."""
        if evaluation.project is not None:
            number = evaluation.project.contract_number
        else:
            number = f"{evaluation.lot.number}/{evaluation.lot.year}"
        return f"{evaluation.kind.title} · {number}, {evaluation.campaign.period_start.year}"

    @app.template_global()
    def current_path() -> str:
        """This page's path and query, without Werkzeug's trailing '?' when there is no query."""
        return request.full_path.rstrip("?")

    @app.template_global()
    def url_with(**changes):
        """The current URL with some query arguments changed (for filters and pagination)."""
        args = request.args.to_dict()
        args.update({k: v for k, v in changes.items() if v is not None})
        for key in [k for k, v in changes.items() if v is None]:
            args.pop(key, None)
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def css_string(value) -> Markup:
    """A CSS string literal: quotes, backslashes and line breaks escaped, so text cannot leave the string."""
    text = str(value)
    escaped = "".join(
        c if c.isalnum() or c in " .,:;·-_()/%" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return Markup(f'"{escaped}"')
