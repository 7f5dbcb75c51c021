"""grants: monitoring of Kazakhstan's state social order by joint public-council groups."""

import os

from flask import Flask
from flask_talisman import Talisman

from grants.config import Config, from_environment
from grants.extensions import babel, bootstrap, csrf, db, login_manager, migrate


def create_app(config=None) -> Flask:
    """The application: Config's defaults, then the environment (grants/config.py ENVIRONMENT), then config."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="static",
    )
    app.config.from_object(Config)
    app.config.update(from_environment())
    if config:
        app.config.update(config)
    Config.finalise(app)
    app.json.ensure_ascii = False  # Kazakh and Russian text readable in API answers (UTF-8)
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from grants.core import cache, collector, database
    from grants.core.i18n import select_locale

    collector.init_app(app)  # docs/operations.md#garbage-collection
    db.init_app(app)
    database.configure_engine_events(app)
    with app.app_context():
        cache.install(db.engine)  # docs/performance.md#cached-totals
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    register_security_headers(app)

    from grants.accounts import auth, throttle

    throttle.init_app(app)

    auth.init_login(app, login_manager)
    import grants.models  # noqa: F401  (register every table with the metadata)


# No inline script anywhere (page scripts live in grants/static/js/); inline style attributes only.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",  # Bootstrap draws its icons as data: SVG
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'self'",  # the review page shows the draft PDF in an <object>
    "frame-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
}


def register_security_headers(app: Flask) -> None:
    """Security headers on every answer, pages and API alike (Flask-Talisman; docs/security.md)."""

    @app.after_request
    def _pdfs_may_be_embedded_here(response):
        # Runs after Talisman's hook (registered later, so called earlier): PDFs alone may be shown
        # inside this site's own pages (the review page's preview), never inside anyone else's.
        if response.mimetype == "application/pdf":
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
            policy = response.headers.get("Content-Security-Policy", "")
            response.headers["Content-Security-Policy"] = policy.replace(
                "frame-ancestors 'none'", "frame-ancestors 'self'"
            )
        return response

    secure = bool(app.config["SESSION_COOKIE_SECURE"])
    app.extensions["talisman"] = Talisman(
        app,
        force_https=bool(app.config["FORCE_HTTPS"]),
        strict_transport_security=bool(app.config["FORCE_HTTPS"]),  # sent only on https answers
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=secure,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )


def register_blueprints(app: Flask) -> None:
    from grants.accounts.views import bp as accounts_bp
    from grants.analytics.views_coverage import bp as coverage_bp
    from grants.analytics.views_dashboard import bp as analytics_bp
    from grants.analytics.views_risks import bp as risks_bp
    from grants.api import init_app as init_api
    from grants.cooperation.views_groups import bp as working_groups_bp
    from grants.cooperation.views_information import bp as information_bp
    from grants.cooperation.views_meetings import bp as meetings_bp
    from grants.cooperation.views_plans import bp as plans_bp
    from grants.cooperation.views_recommendations import bp as recommendations_bp
    from grants.councils.views import bp as councils_bp
    from grants.imports.views import bp as imports_bp
    from grants.main.views import bp as main_bp
    from grants.monitoring.views_campaigns import bp as campaigns_bp
    from grants.monitoring.views_methodologies import bp as methodologies_bp
    from grants.needs.views import bp as needs_bp
    from grants.notifications.views import bp as notifications_bp
    from grants.portal.lots import bp as lots_bp
    from grants.portal.organisations import bp as organisations_bp
    from grants.portal.views import bp as portal_bp
    from grants.projects.views import bp as projects_bp
    from grants.replies.views import bp as replies_bp
    from grants.reports.job_views import bp as report_jobs_bp
    from grants.reports.render_views import bp as report_renders_bp
    from grants.reports.views import bp as reports_bp
    from grants.scoring.views import bp as evaluations_bp

    for bp in (
        main_bp, accounts_bp, lots_bp, projects_bp, needs_bp, organisations_bp, councils_bp,
        campaigns_bp, methodologies_bp, evaluations_bp, reports_bp, report_jobs_bp,
        imports_bp, notifications_bp, portal_bp, replies_bp, report_renders_bp,
        plans_bp, meetings_bp, recommendations_bp, working_groups_bp, information_bp,
        coverage_bp, analytics_bp, risks_bp,
    ):  # fmt: skip
        app.register_blueprint(bp)
    init_api(app)  # the JSON API and the open-data exports, with their OpenAPI document

    from grants.cooperation import reminders as recommendation_reminders
    from grants.notifications import handlers
    from grants.reports import handlers as report_handlers

    handlers.connect(app)
    report_handlers.connect(app)
    recommendation_reminders.connect()  # send-reminders also reminds of recommendations


def register_errorhandlers(app: Flask) -> None:
    from grants.main.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from grants.main.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from grants.accounts.cli import create_user, set_password
    from grants.audit.cli import verify_audit
    from grants.imports.cli import import_lots, import_projects
    from grants.maintenance.cli import backup, restore
    from grants.monitoring.cli import tick
    from grants.notifications.cli import send_mail, send_reminders
    from grants.reports.cli import render_reports
    from grants.seed.cli import seed_bench, seed_demo

    for command in (
        seed_demo, create_user, verify_audit, render_reports, seed_bench, import_lots, import_projects, send_reminders,
        send_mail, set_password, backup, restore, tick,
    ):  # fmt: skip
        app.cli.add_command(command)
