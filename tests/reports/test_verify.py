"""Issued reports are served exactly as stored, and anyone can check one by its sha256 or printed code."""

from grants.monitoring import operations as workflow
from grants.reports.operations import publish, review
from grants.reports.rendering import render_committed
from tests.api.evaluation_fixtures import user
from tests.api.test_openapi import conforms
from tests.conftest import login
from tests.reports import consolidation, in_review, reports_of, sha256

NOT_FOUND = "No report with this code was issued by this service."
BOUNDARY = "report-upload-boundary"


def upload(content: bytes) -> dict:
    """A multipart body built here: the test client's own encoder leaves a temporary file open past 500 KB."""
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="report.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return {"data": body, "content_type": f"multipart/form-data; boundary={BOUNDARY}"}


def ministry_client(app):
    client = app.test_client()
    login(client, "ministry@example.kz")
    return client


def test_a_report_downloads_as_the_same_stored_bytes_every_time(app, client, db):
    evaluation = in_review()
    (draft,) = reports_of(evaluation)
    ministry = ministry_client(app)
    first = ministry.get(f"/reports/{draft.id}.pdf")
    second = ministry.get(f"/reports/{draft.id}.pdf")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data == draft.content
    assert first.headers["Content-Type"] == "application/pdf"
    assert first.headers["Content-Disposition"] == f'inline; filename="{draft.filename}"'
    assert first.headers["ETag"] == f'"{sha256(first.data)}"' == f'"{draft.sha256}"'
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert (
        ministry.get(f"/reports/{draft.id}.pdf", headers={"If-None-Match": f'"{draft.sha256}"'}).status_code
        == 304
    )
    # Browsers' PDF viewers fetch parts of a file.
    part = ministry.get(f"/reports/{draft.id}.pdf", headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.data == b"%PDF"
    latest = ministry.get(f"/evaluations/{evaluation.id}/report.pdf")
    assert latest.status_code == 200 and latest.data == draft.content
    assert ministry.get(f"/evaluations/{evaluation.id}/report.pdf?lang=ru").data == draft.content
    # Tests issue reports in Russian only (REPORT_LANGUAGES).
    assert ministry.get(f"/evaluations/{evaluation.id}/report.pdf?lang=kk").status_code == 404
    assert ministry.get(f"/evaluations/{evaluation.id}/report.pdf?lang=xx").status_code == 404
    assert ministry.get("/reports/99999999.pdf").status_code == 404
    assert ministry.get("/reports/99999999999999999999.pdf").status_code == 404


def test_verify_by_the_files_sha256_and_by_the_printed_code(app, client, db):
    evaluation = in_review()
    (draft,) = reports_of(evaluation)
    content = ministry_client(app).get(f"/reports/{draft.id}.pdf").data
    for value in (sha256(content), sha256(content).upper(), draft.fingerprint):
        # Anonymous, in Russian: the language evaluation.title is read in here.
        response = client.get(f"/verify/{value}?lang=ru")
        assert response.status_code == 200, value
        page = response.get_data(as_text=True)
        assert evaluation.title in page and 'data-version="1"' in page and 'data-kind="draft"' in page
        assert f'<code class="text-break" data-sha256>{draft.sha256}</code>' in page
        assert "data-newer-version" not in page
        assert "data-index" not in page, "no scores of a draft on the public page"
        assert f'href="/reports/{draft.id}.pdf"' not in page, "the public cannot download a draft"
    assert "The file matches the stored report byte for byte." in client.get(
        f"/verify/{draft.sha256}?lang=en"
    ).get_data(as_text=True)


def test_a_changed_byte_or_a_malformed_code_is_not_found(app, client, db):
    evaluation = in_review()
    (draft,) = reports_of(evaluation)
    forged = bytearray(draft.content)
    forged[len(forged) // 2] ^= 0x01
    for value in (sha256(bytes(forged)), "0" * 64, "not-a-code", "g" * 64, draft.sha256[:63], "%3Cscript%3E"):
        response = client.get(f"/verify/{value}?lang=en")
        assert response.status_code == 404, value
        assert NOT_FOUND in response.get_data(as_text=True)
        assert "<script>" not in response.get_data(as_text=True)


def test_an_old_version_says_a_newer_one_exists(app, client, db):
    evaluation = in_review()
    (first,) = reports_of(evaluation)
    review(evaluation, user("ministry"), "return", "Уточните выводы.")
    workflow.finalize(evaluation, user("chair"), consolidation(evaluation))
    db.session.commit()
    render_committed()
    second = reports_of(evaluation)[-1]
    assert second.version == 2
    page = client.get(f"/verify/{first.sha256}?lang=en").get_data(as_text=True)
    assert "data-newer-version" in page and "A newer version of this report exists." in page
    assert "data-newest-final" not in page, "nothing public to point to before publication"
    assert "data-newer-version" not in client.get(f"/verify/{second.fingerprint}?lang=en").get_data(
        as_text=True
    )

    review(evaluation, user("ministry"), "accept", None)
    db.session.commit()
    render_committed()
    final = reports_of(evaluation)[-1]
    page = client.get(f"/verify/{final.sha256}?lang=en").get_data(as_text=True)
    assert 'data-kind="final"' in page and "data-index" not in page, "not public before publication"
    publish(evaluation, user("ministry"))
    db.session.commit()
    page = client.get(f"/verify/{first.sha256}?lang=en").get_data(as_text=True)
    assert f'href="/reports/{final.id}.pdf" data-newest-final' in page
    page = client.get(f"/verify/{final.sha256}?lang=en").get_data(as_text=True)
    assert "data-index>83.3<" in page and 'data-band="effective"' in page
    assert f'href="/reports/{final.id}.pdf"' in page  # the public may download it now
    document = client.get("/api/v1/openapi.json").get_json()
    answer = client.get(f"/verify/{first.sha256}", headers={"Accept": "application/json"})
    body = answer.get_json()
    assert answer.status_code == 200 and body["newer_version_exists"] and body["index"] is None
    assert body["newest_final_url"] == f"/reports/{final.id}.pdf"
    assert conforms(document, "Verification", body) == []
    body = client.get(f"/verify/{final.fingerprint}", headers={"Accept": "application/json"}).get_json()
    assert (body["kind"], body["version"], body["index"], body["matched"]) == (
        "final",
        3,
        "83.3",
        "fingerprint",
    )
    assert conforms(document, "Verification", body) == []
    missing = client.get(f"/verify/{'0' * 64}", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.get_json()["found"] is False
    assert conforms(document, "Verification", missing.get_json()) == []


def test_uploading_the_pdf_finds_it(app, client, db):
    evaluation = in_review()
    (draft,) = reports_of(evaluation)
    assert client.get("/verify/?lang=en").status_code == 200
    response = client.post("/verify/?lang=en", **upload(draft.content))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{draft.sha256}")
    page = client.get(response.headers["Location"] + "?lang=ru")
    assert page.status_code == 200 and evaluation.title in page.get_data(as_text=True)

    forged = draft.content + b"\n"
    response = client.post("/verify/", **upload(forged))
    assert client.get(response.headers["Location"]).status_code == 404


def test_a_pasted_code_or_link_is_cleaned_up(app, client, db):
    evaluation = in_review()
    (draft,) = reports_of(evaluation)
    code = draft.fingerprint
    for pasted in (f"  {code[:32]}\n{code[32:]} ", f"http://127.0.0.1:5000/verify/{code}", code.upper()):
        response = client.post("/verify/", data={"code": pasted})
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{code}"), (
            pasted
        )
    assert client.get(f"/verify/?code={code}").headers["Location"].endswith(f"/verify/{code}")
    assert client.post("/verify/?lang=en", data={"code": " "}).status_code == 422


def test_an_upload_over_20_mb_is_refused(app, client, db):
    limit = 20 * 1024 * 1024
    for size in (limit + 1, limit + 1024 * 1024):  # counted while hashing / refused while reading the request
        response = client.post("/verify/?lang=en", **upload(b"0" * size))
        assert response.status_code == 413, size
        assert "The file is too large: at most 20 MB." in response.get_data(as_text=True)
    assert client.post("/verify/?lang=en", **upload(b"0" * limit)).status_code == 302
    assert client.post("/verify/?lang=en", **upload(b"")).status_code == 422
