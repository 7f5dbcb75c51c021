"""Schemathesis against the served API: every documented operation, with every role's token.

The app is served on a clone of the seeded demo database (tests/live.py), its document is read
from /api/v1/openapi.json and schemathesis generates bounded cases for every operation in it
(valid and invalid input). Each case is sent once with the bearer token of a group member, the
chair, ministry staff and an NGO. Every answer must be documented and match its schema, no
answer may be a 5xx, and every 4xx must carry the error shape {"error": {"code", "message",
"fields"}} (docs/api.md). Writes change only the throwaway clone.
"""

import itertools
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import live

ROLES = ("member1@example.kz", "chair@example.kz", "ministry@example.kz", "ngo@example.kz")

# A few cases per operation and role keep the run to a couple of minutes on two cores.
MAX_EXAMPLES = 6

_revocations = itertools.count()

SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the served app has a database of its own."""
    yield None


@pytest.fixture(scope="module")
def served(seeded_template, tmp_path_factory):
    """Base URL of the app served on a clone of the demo database (for this module only)."""
    directory = tmp_path_factory.mktemp("schemathesis")
    url = live.clone_database(seeded_template, directory)
    app = live.build_app(url, EVIDENCE_DIR=str(directory / "evidence"))
    try:
        with live.serve(app) as base_url:
            yield base_url
    finally:
        live.drop_database(url)


def fresh_token(base_url: str, email: str) -> str:
    response = requests.post(
        f"{base_url}/api/v1/auth/token", json={"email": email, "password": live.DEMO_PASSWORD}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.fixture(scope="module")
def tokens(served) -> dict[str, str]:
    return {email: fresh_token(served, email) for email in ROLES}


@pytest.fixture(scope="module")
def api_schema(served):
    return schemathesis.openapi.from_url(f"{served}/api/v1/openapi.json")


@pytest.fixture(scope="module")
def session():
    with requests.Session() as s:
        yield s


def error_shape(ctx, response, case):
    """Every 4xx answer of the JSON API carries {"error": {"code", "message", "fields"}}.

    The few documented pages outside /api/v1 (spreadsheet downloads, the report check) answer
    browsers; for them the documented media type is checked instead (content_type_conformance)."""
    if not 400 <= response.status_code < 500 or not case.path.startswith("/api/v1/"):
        return None
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"{response.status_code} without a JSON body: {response.text[:200]!r}") from None
    error = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(error, dict) and {"code", "message", "fields"} <= error.keys()):
        raise AssertionError(f"{response.status_code} without the error shape: {response.text[:300]!r}")
    if not (
        isinstance(error["code"], str)
        and isinstance(error["message"], str)
        and isinstance(error["fields"], dict)
    ):
        raise AssertionError(f"malformed error: {error!r}")
    return True


def test_every_operation_with_every_role(api_schema, served, tokens, session):
    """Valid and invalid generated input for every documented operation, sent with each role's token."""
    operations = []
    for result in api_schema.get_all_operations():
        operations.append(result.ok())  # an operation schemathesis cannot read fails here
    assert len(operations) >= 30
    failures: dict[str, str] = {}
    answered: dict[str, set[str]] = {operation.label: set() for operation in operations}
    timings: dict[str, float] = {}
    started = time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            label = f"{operation.label} ({mode.value})"

            run = operation_test(operation, mode, served, tokens, session, answered[operation.label])
            started_operation = time.monotonic()
            try:
                run()
            except Unsatisfiable:
                if mode == GenerationMode.POSITIVE:
                    failures[label] = "no valid input could be generated"
                # else: nothing in the operation can be made invalid (no parameters, no body)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - schemathesis raises exception groups; all are reported
                failures[label] = f"{type(exc).__name__}: {str(exc)[:3000]}"
            timings[label] = time.monotonic() - started_operation
    elapsed = time.monotonic() - started
    slowest = sorted(timings.items(), key=lambda item: -item[1])[:8]
    print(f"schemathesis: {len(operations)} operations in {elapsed:.0f}s; slowest:", slowest)
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
    unanswered = {
        label: sorted(set(ROLES) - roles) for label, roles in answered.items() if set(ROLES) - roles
    }
    assert not unanswered, unanswered


def operation_test(operation, mode, served, tokens, session, answered: set[str]):
    """A bounded hypothesis test of one operation in one generation mode."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @SETTINGS
    def run(case):
        call_with_every_role(case, served, tokens, session, answered)

    return run


def call_with_every_role(case, served, tokens, session, answered: set[str]):
    roles = ROLES
    if case.method.upper() == "DELETE" and case.path.endswith("/auth/token"):
        # Revoking takes a token of its own (issuing one costs a password hash): one role per case.
        email = ROLES[next(_revocations) % len(ROLES)]
        tokens = {email: fresh_token(served, email)}
        roles = (email,)
    for email in roles:
        token = tokens[email]
        response = case.call(base_url=served, session=session, headers={"Authorization": f"Bearer {token}"})
        answered.add(email)
        case.validate_response(response, checks=[*CHECKS, error_shape])
