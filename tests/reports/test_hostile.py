"""User text in a report renders as text and makes the renderer fetch nothing (issue 4, acceptance 2)."""

import socket
import threading

import pytest

from grants.core.pdf import LocalFilesFetcher, RefusedURL, static_dir
from grants.main.templating import css_string
from grants.reports.models import Report
from tests.reports.report_helpers import finalize_with, group1_project_evaluation, pdf_text


@pytest.fixture
def listener():
    """A TCP listener on loopback that counts connections (a renderer fetching a URL would connect)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    hits = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn.recv(1024))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(1)
    server.close()


def test_hostile_comments_render_as_text_and_fetch_nothing(db, listener):
    port, hits = listener
    long_word = "А" * 3000
    hostile = (
        f'<img src="http://127.0.0.1:{port}/img.png"> '
        f'<link rel="stylesheet" href="file:///etc/passwd"> '
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"> '
        "<script>document.write('x')</script> "
        f"<style>@import url(http://127.0.0.1:{port}/i.css);</style> "
        f"{long_word}"
    )
    evaluation = finalize_with(
        group1_project_evaluation(),
        comment=hostile,
        findings=f'<iframe src="file:///etc/passwd"></iframe> url(file:///etc/hostname) {long_word}',
        recommendations=f'<object data="http://127.0.0.1:{port}/o"></object>',
    )
    report = db.session.query(Report).filter_by(evaluation_id=evaluation.id).one()
    text = pdf_text(report.content, join_hyphenated=False)  # the lines as printed
    assert hits == [], f"the renderer connected to the listener: {hits!r}"
    assert "root:x:0:0" not in text and "/bin/bash" not in text
    # The markup is visible as text, exactly as typed.
    flat = "".join(text.split())
    assert f'<imgsrc="http://127.0.0.1:{port}/img.png">' in flat
    assert "<script>document.write('x')</script>" in flat
    assert '<iframesrc="file:///etc/passwd"></iframe>' in flat
    # The unbroken 3,000-letter word wraps inside the page instead of running off it.
    lines = text.splitlines()
    assert max(len(line) for line in lines) < 200
    assert sum(line.count("А") for line in lines) >= 3000


def test_the_fetcher_reads_only_our_own_files(app, tmp_path):
    with app.app_context():
        fetcher = LocalFilesFetcher([static_dir()])
        ours = (static_dir() / "app.css").as_uri()
        assert fetcher.fetch(ours).read().startswith(b".money")
        secret = tmp_path / "secret.txt"
        secret.write_text("secret")
        for url in (
            "file:///etc/passwd",
            secret.as_uri(),
            "http://127.0.0.1:1/x",
            "https://example.com/a.png",
            "data:text/plain,hello",
            (static_dir() / ".." / "config.py").as_uri(),
        ):
            with pytest.raises(RefusedURL):
                fetcher.fetch(url)


def test_css_strings_cannot_be_escaped():
    value = css_string('a"; } body { background: url(http://x/) } /* </style><script>')
    assert value.startswith('"') and value.endswith('"')
    inner = str(value)[1:-1]
    assert '"' not in inner and "<" not in inner and "(" in inner  # quotes and tags escaped as \22 \3c
