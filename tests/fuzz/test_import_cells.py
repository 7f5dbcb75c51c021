"""Fuzz of import files (docs/input-validation.md): lot and project rows whose cells are hostile values,
uploaded as CSV and XLSX and confirmed, never answer 5xx."""

import io
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.fuzz import hostile
from tests.helpers import login
from tests.imports.helpers import (
    LOT_HEADERS,
    PROJECT_HEADERS,
    csv_bytes,
    lot_row,
    own_bin,
    project_row,
    xlsx_bytes,
)

IMPORT_SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_IMPORT_EXAMPLES", "80")),
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CELL = st.one_of(
    st.sampled_from(hostile.INT_VALUES + hostile.TEXT_VALUES),
    st.sampled_from(
        ["31.02.2033", "01.01.0001", "99.99.9999", "1" * 40, "-5", "0,00", "1e16", "12 500 000,00"]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
)


def test_hostile_cells_in_imports(app, client, server_errors):
    login(client, "ministry@example.kz")
    admin_bin = own_bin()

    @IMPORT_SETTINGS
    @given(data=st.data())
    def run(data):
        kind = data.draw(st.sampled_from(["lots", "projects"]), label="kind")
        headers = LOT_HEADERS if kind == "lots" else PROJECT_HEADERS
        rows = []
        for n in range(data.draw(st.integers(1, 3), label="rows")):
            row = lot_row(n, admin_bin) if kind == "lots" else project_row(n, "Л-001/2025")
            for header in data.draw(
                st.lists(st.sampled_from(headers), max_size=3, unique=True), label="spoiled"
            ):
                row[header] = data.draw(CELL, label=header)
            rows.append(row)
        as_xlsx = data.draw(st.booleans(), label="xlsx")
        if as_xlsx:  # openpyxl cannot write control characters; a CSV carries them
            rows = [{k: ILLEGAL_CHARACTERS_RE.sub("", v) for k, v in row.items()} for row in rows]
        content = xlsx_bytes(rows, headers, typed=False) if as_xlsx else csv_bytes(rows, headers)
        response = client.post(
            f"/imports/{kind}",
            data={"file": (io.BytesIO(content), "file.xlsx" if as_xlsx else "file.csv")},
            content_type="multipart/form-data",
        )
        assert response.status_code < 500, server_errors[-1:] or response.status_code
        text = response.get_data(as_text=True)
        if response.status_code == 200 and 'name="token"' in text:
            token = text.split('name="token" type="hidden" value="', 1)[1].split('"', 1)[0]
            confirmed = client.post(f"/imports/{kind}/confirm", data={"token": token})
            assert confirmed.status_code < 500, server_errors[-1:] or confirmed.status_code

    run()
