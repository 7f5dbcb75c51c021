"""Engine tweaks so SQLite behaves like PostgreSQL where it matters."""

from sqlalchemy import event


def configure_engine_events(app) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        from grants.extensions import db

        engine = db.engine

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # Foreign keys on; let SQLAlchemy (not pysqlite) issue BEGIN so SAVEPOINTs work.
        dbapi_connection.isolation_level = None
        # SQLite's lower() folds ASCII only; searches in Cyrillic and Kazakh need Unicode folding.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


def _lower(value):
    return value.lower() if isinstance(value, str) else value
