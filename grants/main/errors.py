"""Error pages for people and JSON errors for the API, never a bare 500 for bad input."""

import re

from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from grants.core import concurrency
from grants.core.errors import RuleViolation
from grants.core.validation import MAX_JSON_BYTES, JSONProblem, bad_text, check_json
from grants.extensions import db

MESSAGES = {
    400: lambda: _("The request is not valid."),
    401: lambda: _("Please log in."),
    403: lambda: _("You do not have permission to do this."),
    404: lambda: _("Not found."),
    405: lambda: _("This method is not allowed here."),
    409: lambda: _("The request conflicts with the current state."),
    413: lambda: _("The file is too large."),
    422: lambda: _("Some fields are not valid."),
    429: lambda: _("Too many requests. Try again later."),
    500: lambda: _("Something went wrong on our side."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(
    status: int, message: str | None = None, fields: dict | None = None, code: str | None = None
):
    message = message or MESSAGES.get(status, MESSAGES[400])()
    if wants_json():
        body = {"error": {"code": code or _code(status), "message": message, "fields": fields or {}}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def _code(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        422: "validation_error",
        429: "too_many_requests",
    }.get(status, "server_error")


class _JSONMessages:
    """User-facing texts for grants.core.validation.check_json."""

    too_large = staticmethod(lambda: _("The request body is too large."))
    too_deep = staticmethod(lambda: _("The JSON document is nested too deeply."))
    characters = staticmethod(lambda: _("Contains characters that are not allowed."))
    number = staticmethod(lambda: _("The number is out of range."))


def _reject_unstorable_input():
    """Refuse values no field accepts before any view reads them (docs/input-validation.md).

    Query and form values (names too) with control characters other than tab/LF/CR, NUL included:
    pages answer 400, the API 422 naming the parameter. JSON bodies (any route): too large (413),
    nested too deep, lone surrogates, control characters, non-finite or huge numbers: 422 naming
    the field's path, before Python's recursive parser or the database meets them.
    """
    api = request.path.startswith("/api/")
    for values in (request.args, request.form):
        for name, value in values.items(multi=True):
            if bad_text(name) or bad_text(value):
                message = _("Contains characters that are not allowed.")
                if api:
                    return error_response(422, fields={name if not bad_text(name) else "query": message})
                return error_response(400, _("The request contains characters that are not allowed."))
    if request.is_json and request.content_length != 0:
        if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
            return error_response(413)
        try:
            check_json(request.get_data(cache=True), _JSONMessages)
        except JSONProblem as problem:
            if problem.status == 413:
                return error_response(413)
            return error_response(problem.status, fields={_printable(problem.field): problem.message})
    return None


def _printable(path: str) -> str:
    """A field path that can be shown and serialised (a refused key itself may hold the bad character)."""
    return path.encode("utf-8", "backslashreplace").decode("utf-8") if path else "body"


MAX_PAGE = 1_000_000


def _reject_absurd_pages():
    """Paginated pages: a page number no list can reach would overflow the database's OFFSET (a 500);
    answer 404 as for any page past the end. The API validates `page` itself (422)."""
    if request.path.startswith("/api/"):
        return None
    page = request.args.get("page")
    if (
        page is not None and re.fullmatch(r"\s*[0-9]+\s*", page) and int(page) > MAX_PAGE
    ):  # ASCII digits: "²".isdigit()
        return error_response(404)
    return None


def register(app) -> None:
    app.before_request(_reject_unstorable_input)
    app.before_request(_reject_absurd_pages)

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return error_response(
            400, _("The form has expired or was not sent from this site. Please try again.")
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code == 401 and not wants_json():
            from flask import redirect, url_for

            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return error_response(exc.code or 500)

    @app.errorhandler(RuleViolation)
    def _rule(exc: RuleViolation):
        """A broken rule that reached no page of its own (the API's routes and request schemas)."""
        db.session.rollback()
        return error_response(exc.status, exc.message, exc.fields, exc.code)

    # Lost races answer 409 and a busy database 503, never 500 (docs/concurrency.md).
    @app.errorhandler(StaleDataError)
    def _stale(exc):
        db.session.rollback()
        return error_response(409, concurrency.conflict().message, code="conflict")

    @app.errorhandler(IntegrityError)
    def _integrity(exc):
        db.session.rollback()
        if concurrency.is_unique_violation(exc):
            return error_response(409, concurrency.conflict().message, code="conflict")
        app.logger.exception("integrity error")
        return error_response(500)

    @app.errorhandler(OperationalError)
    def _operational(exc):
        db.session.rollback()
        if concurrency.is_transient(exc):
            response = make_response(error_response(503, _("The service is busy. Try again in a moment.")))
            response.headers["Retry-After"] = "2"
            return response
        app.logger.exception("database error")
        return error_response(500)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        app.logger.exception("unhandled error")
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise exc
        try:  # the error page reads the user (roles, language): the failed transaction must not fail it too
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the 500 page is answered whatever state the session is in
            app.logger.exception("rollback after an unhandled error failed")
        return error_response(500)
