"""Redirect targets after login and a language switch stay on this site."""

import pytest

from grants.core.validation import is_local_path

OUTSIDE = [
    "//evil.example/x",
    "/\\evil.example",
    "https://evil.example/",
    "/\\/evil",
    "javascript:alert(1)",
    "",
    "/x\r\nSet-Cookie: a=b",
]


@pytest.mark.parametrize("target", OUTSIDE)
def test_outside_targets_are_refused(target):
    assert not is_local_path(target)


def test_local_paths_are_kept():
    assert is_local_path("/lots/?year=2025&page=2")


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example"])
def test_language_switch_and_login_never_leave_the_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] in ("/", "http://localhost/")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "member1@example.kz", "password": "demo-pass-2026"},
    )
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
