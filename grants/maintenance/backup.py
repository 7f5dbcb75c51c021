"""Backups of the database and the uploaded files, and their restore (docs/backups.md).

A backup is a directory:

    manifest.json            format, time, database kind, Alembic revision, row counts, and the
                             sha256 and size of every other file in the directory
    database.dump            PostgreSQL: pg_dump's custom format
    database.sqlite3         SQLite: a copy made with SQLite's online backup API
    files/evidence/...       EVIDENCE_DIR: evidence and NGO reply attachments

Restore checks the whole backup against its manifest, and the manifest against this code (same
database kind, same schema revision), before it touches anything.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import make_url

from grants.extensions import db

MANIFEST = "manifest.json"
FORMAT = "grants-backup"
FORMAT_VERSION = 1
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FILES = "files"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --- what is backed up ------------------------------------------------------------------------


def file_roots() -> dict[str, Path]:
    """Directories of files the database refers to, by their name inside a backup.

    Issued reports are stored in the database itself; instance/reports holds only campaign ZIPs,
    which are rebuilt on request, and instance/imports only uploads awaiting confirmation.
    """
    evidence = current_app.config.get("EVIDENCE_DIR") or os.path.join(current_app.instance_path, "evidence")
    return {"evidence": Path(evidence)}


def code_revision() -> str:
    """The Alembic head of this code's migrations."""
    directory = current_app.extensions["migrate"].directory
    return ScriptDirectory(directory).get_current_head()


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {name}")
    return name


def _table_names() -> list[str]:
    return [t.name for t in db.metadata.sorted_tables] + ["alembic_version"]


def database_state(conn) -> tuple[str | None, dict[str, int]]:
    """(Alembic revision, rows per table) as seen by the connection."""
    existing = set(inspect(conn).get_table_names())
    revision = (
        conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if "alembic_version" in existing
        else None
    )
    counts = {
        name: conn.execute(select(func.count()).select_from(table(name))).scalar()
        for name in _table_names()
        if name in existing
    }
    return revision, counts


def current_state() -> tuple[str | None, dict[str, int]]:
    with db.engine.connect() as conn:
        return database_state(conn)


# --- checksums --------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _listing(root: Path) -> dict[str, dict]:
    """sha256 and size of every regular file under root, keyed by POSIX path relative to root."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        found[path.relative_to(root).as_posix()] = {"sha256": sha256_of(path), "size": path.stat().st_size}
    return found


# --- PostgreSQL tools -------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    folder = current_app.config.get("PG_BIN_DIR")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found; install the PostgreSQL client of the server's version "
            f"(Debian: postgresql-client-<major>) or set PG_BIN_DIR"
        )
    return found


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if not match:
        raise BackupError(f"cannot read a version in {version_text!r}")
    return int(match.group(1))


def _checked_pg_tool(name: str) -> str:
    """The tool's path, once its major version is the server's (a newer pg_dump writes SQL an older
    server refuses, an older one cannot read a newer server)."""
    tool = _pg_tool(name)
    client = _major(subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout)
    with db.engine.connect() as conn:
        server = int(conn.execute(text("SHOW server_version_num")).scalar()) // 10000
    if client != server:
        raise BackupError(
            f"{name} is version {client} but the server is PostgreSQL {server}; "
            f"install postgresql-client-{server} or point PG_BIN_DIR at its binaries"
        )
    return tool


def _libpq_target() -> tuple[str, dict]:
    """A libpq URI without the password, and an environment carrying it (not on the command line)."""
    url = make_url(db.engine.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        detail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise BackupError(f"{what} failed (exit {done.returncode}):\n{detail}")


def _sqlite_path() -> Path:
    database = make_url(db.engine.url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


# --- backup -----------------------------------------------------------------------------------


def create_backup(target: Path) -> dict:
    """Write a backup of the database and its files into the new directory target; returns the manifest.

    The database is copied first, then the files: a file added in between is an unreferenced extra,
    while every file the copied database refers to is already on disk (files are written before
    their rows commit and never deleted afterwards, grants/scoring/evidence.py).
    """
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists; give a new directory for each backup")
    dialect = _dialect()
    work = target.parent / f".{target.name}.partial-{uuid.uuid4().hex[:8]}"
    target.parent.mkdir(parents=True, exist_ok=True)
    work.mkdir(mode=0o700)  # password hashes and uploads: readable by the service's account only
    try:
        database_file = work / DATABASE_FILES[dialect]
        if dialect == "postgresql":
            revision, counts = _dump_postgres(database_file)
        else:
            revision, counts = _copy_sqlite(database_file)
        if revision is None:
            raise BackupError("the database has no schema yet (run `flask --app grants db upgrade`)")
        for name, root in file_roots().items():
            destination = work / FILES / name
            destination.mkdir(parents=True)
            if root.is_dir():
                shutil.copytree(root, destination, symlinks=False, dirs_exist_ok=True)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "dialect": dialect,
                "file": database_file.name,
                "revision": revision,
                "rows": counts,
            },
            "file_roots": sorted(file_roots()),
            "files": _listing(work),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _dump_postgres(database_file: Path) -> tuple[str | None, dict[str, int]]:
    """pg_dump in custom format; the row counts are read in the very snapshot pg_dump copies."""
    uri, env = _libpq_target()
    tool = _checked_pg_tool("pg_dump")
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            state = database_state(conn)
            command = [tool, "--format=custom", f"--snapshot={snapshot}", "--file", str(database_file)]
            _run([*command, "--dbname", uri], env, "pg_dump")
    return state


def _copy_sqlite(database_file: Path) -> tuple[str | None, dict[str, int]]:
    """SQLite's online backup API: a consistent copy even while the application writes."""
    with (
        closing(sqlite3.connect(_sqlite_path(), timeout=30)) as source,
        closing(sqlite3.connect(database_file)) as copy,
    ):
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    engine = create_engine(f"sqlite:///{database_file}")
    try:
        with engine.connect() as conn:
            return database_state(conn)
    finally:
        engine.dispose()


# --- checking a backup ------------------------------------------------------------------------


def _safe_relative(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def verify_backup(source: Path) -> dict:
    """The backup's manifest, once every file matches it and it matches this code; BackupError otherwise."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            f"{source} holds no {MANIFEST}: not a backup made by `flask --app grants backup`"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{source / MANIFEST} cannot be read ({exc}); the backup is damaged") from None
    try:
        if manifest["format"] != FORMAT or manifest["format_version"] != FORMAT_VERSION:
            raise BackupError(f"{source} is not a backup of this format ({FORMAT} {FORMAT_VERSION})")
        database, listed = manifest["database"], manifest["files"]
        dialect, revision = database["dialect"], database["revision"]
        database_file = database["file"]
        roots = manifest["file_roots"]
        if not isinstance(listed, dict) or not all(isinstance(entry, dict) for entry in listed.values()):
            raise TypeError
    except (KeyError, TypeError):
        raise BackupError(f"{source / MANIFEST} lacks required fields; the backup is damaged") from None

    problems = []
    present = _listing(source)
    present.pop(MANIFEST, None)
    for name, expected in sorted(listed.items()):
        if not _safe_relative(name):
            problems.append(f"{name}: not a path inside the backup")
        elif name not in present:
            problems.append(f"{name}: missing")
        elif present[name]["size"] != expected.get("size") or present[name]["sha256"] != expected.get(
            "sha256"
        ):
            problems.append(f"{name}: checksum or size differs from the manifest (file damaged or altered)")
    problems += [f"{name}: not listed in the manifest" for name in sorted(set(present) - set(listed))]
    if database_file != DATABASE_FILES.get(dialect) or database_file not in listed:
        problems.append(f"the database file {database_file!r} is not listed in the manifest")
    if problems:
        raise BackupError(f"the backup in {source} does not match its manifest:\n" + "\n".join(problems))

    here = _dialect()
    if dialect != here:
        raise BackupError(f"this backup is of a {dialect} database; the configured database is {here}")
    head = code_revision()
    if revision != head:
        raise BackupError(
            f"this backup's schema is at migration {revision}, this code's at {head}: restore it with the "
            f"release that made it, then upgrade (`flask --app grants db upgrade`)"
        )
    if sorted(roots) != sorted(file_roots()):
        raise BackupError(
            f"this backup holds the file folders {roots}, this code expects {sorted(file_roots())}"
        )
    if dialect == "postgresql":
        _checked_pg_tool("pg_restore")
    return manifest


# --- restore ----------------------------------------------------------------------------------


def restore_backup(source: Path, manifest: dict | None = None) -> dict:
    """Replace the database and the file folders with the backup's; checks everything first.

    Stop the application and its workers first: PostgreSQL's restore waits for their transactions,
    and files uploaded meanwhile would be dropped.
    """
    source = Path(source)
    manifest = manifest or verify_backup(source)
    database_file = source / manifest["database"]["file"]
    # Nothing of this process may hold a transaction (or SQLite's write lock) while the database is replaced.
    db.session.remove()
    db.engine.dispose()
    if manifest["database"]["dialect"] == "postgresql":
        uri, env = _libpq_target()
        tool = _checked_pg_tool("pg_restore")
        command = [tool, "--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner"]
        _run([*command, "--no-privileges", "--dbname", uri, str(database_file)], env, "pg_restore")
    else:
        target = _sqlite_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            closing(sqlite3.connect(database_file)) as backup,
            closing(sqlite3.connect(target, timeout=30)) as live,
        ):
            backup.backup(live)
    db.engine.dispose()

    for name, root in file_roots().items():
        _replace_folder(source / FILES / name, root, manifest["files"], f"{FILES}/{name}/")

    revision, counts = current_state()
    if revision != manifest["database"]["revision"] or counts != manifest["database"]["rows"]:
        raise BackupError(
            "the restored database does not hold what the manifest lists; check the server's log"
        )
    return manifest


def _replace_folder(copy_from: Path, root: Path, listed: dict, prefix: str) -> None:
    """Make root hold exactly the backup's files: staged beside it, checked, then swapped in."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staged = root.parent / f".{root.name}.restoring-{uuid.uuid4().hex[:8]}"
    shutil.copytree(copy_from, staged)
    expected = {name[len(prefix) :]: entry for name, entry in listed.items() if name.startswith(prefix)}
    if _listing(staged) != expected:
        shutil.rmtree(staged, ignore_errors=True)
        raise BackupError(f"copying the files to {root} did not reproduce the backup (disk full?)")
    old = root.parent / f".{root.name}.replaced-{uuid.uuid4().hex[:8]}"
    if root.exists():
        root.rename(old)
    staged.rename(root)
    shutil.rmtree(old, ignore_errors=True)
