"""The open-data exports stream (docs/performance.md#exports): the response body is a generator, read
as it is sent, and the number of SQL queries of an export does not grow with its rows."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from grants.extensions import db as database
from tests.opendata.test_exports import TEST_YEAR, add_lot, add_project

URLS = (
    "/api/v1/export/lots.csv",
    "/api/v1/export/projects.csv",
    "/api/v1/export/results.json",
    "/export/lots.xlsx",
    "/export/projects.xlsx",
)


def build(first: int, count: int) -> None:
    for i in range(first, first + count):
        lot = add_lot(f"Потоковый лот {i}", number=f"ST-{i}")
        add_project(lot, number=f"ST-C-{i}")


def streamed(app, url: str) -> bytes:
    """The body of url as the server sends it: the response must be a stream (no length known)."""
    with app.test_request_context(url):
        response = app.full_dispatch_request()
        assert response.status_code == 200
        assert response.is_streamed, url
        assert "Content-Length" not in response.headers
        return b"".join(response.response)


def queries(app, url: str) -> int:
    statements = []

    def count(*args, **kwargs):
        statements.append(1)

    connection = database.engines[None]
    event.listen(connection, "before_cursor_execute", count)
    try:
        streamed(app, url)
    finally:
        event.remove(connection, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("url", URLS)
def test_each_export_is_streamed_with_the_content_of_the_whole_file(app, client, url):
    build(0, 3)
    body = streamed(app, f"{url}?year={TEST_YEAR}")
    if url.endswith(".xlsx"):
        rows = list(load_workbook(io.BytesIO(body)).worksheets[0].iter_rows(values_only=True))
        assert len(rows) == 4
    else:
        assert body == client.get(f"{url}?year={TEST_YEAR}").data or url.endswith(".json")
        assert body.count("Потоковый лот".encode()) >= 3 or url.endswith("projects.csv")


@pytest.mark.parametrize("url", URLS)
def test_the_queries_of_an_export_do_not_grow_with_its_rows(app, url):
    build(0, 2)
    few = queries(app, f"{url}?year={TEST_YEAR}")
    build(2, 40)
    many = queries(app, f"{url}?year={TEST_YEAR}")
    assert 0 < many == few, (url, few, many)
