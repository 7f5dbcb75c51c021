"""Fuzz of every route (docs/input-validation.md): hostile paths, query strings, forms and JSON bodies,
anonymous and as each demo role, must never answer 5xx.

Three passes, bounded to run in about a minute per database:
- boundary path parameters (ids past every integer type) on every route;
- every route × role with all known parameter names set to one hostile value at a time;
- hypothesis: random routes, roles, ids and mixtures of hostile parameters and JSON bodies.
Hypothesis runs derandomised so `make test` is repeatable; FUZZ_RANDOM=1 FUZZ_EXAMPLES=2000
explores further.
"""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import hostile
from tests.fuzz.conftest import IDENTITIES
from tests.fuzz.forms import post_forms
from tests.fuzz.routes import Route, all_routes

# Routes that would end the identity's session or start heavy background work on every example.
LOGGED_IN_SKIPS = {"accounts.logout"}
FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")),
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def send(client, route: Route, path_values: dict, query=None, form=None, json_body=None, raw_json=None):
    url = route.url(path_values)
    kwargs = {"query_string": query or None}
    if route.takes_body:
        if raw_json is not None:
            kwargs.update(data=raw_json, content_type="application/json")
        elif (
            json_body is not None
        ):  # escaped as a client would: the app's encoder cannot write lone surrogates
            kwargs.update(data=json.dumps(json_body), content_type="application/json")
        elif form is not None:
            kwargs["data"] = form
    return client.open(url, method=route.method, **kwargs)


class Failures:
    """Collects 5xx answers so one run lists them all."""

    def __init__(self, server_errors):
        self.server_errors = server_errors
        self.found: list[str] = []

    def check(self, response, identity: str, route: Route, detail: str) -> None:
        if response.status_code >= 500:
            error = self.server_errors[-1] if self.server_errors else ""
            self.found.append(
                f"{response.status_code} {identity} {route.method} {route.rule} {detail[:160]!r} {error}"
            )

    def assert_none(self):
        assert not self.found, f"{len(self.found)} server errors:\n" + "\n".join(sorted(set(self.found))[:60])


def _usable(route: Route, identity: str) -> bool:
    return not (identity != "anonymous" and route.endpoint in LOGGED_IN_SKIPS)


def test_boundary_path_parameters(app, clients, server_errors):
    failures = Failures(server_errors)
    for route in all_routes(app):
        if not route.arguments:
            continue
        for value in (0, 2147483648, 9223372036854775808, int(hostile.HUGE), *hostile.PATH_STRINGS[:4]):
            values = {
                name: (value if kind == "int" or not isinstance(value, int) else "x")
                for name, kind in route.arguments
            }
            if any(kind == "int" and not isinstance(values[name], int) for name, kind in route.arguments):
                continue
            for identity in ("anonymous", "admin@example.kz"):
                response = send(clients[identity], route, values)
                failures.check(response, identity, route, str(values))
        # the first argument valid, the second absurd (e.g. a card of a real evaluation)
        if len(route.arguments) > 1:
            values = {
                name: (1 if i == 0 else int(hostile.HUGE)) for i, (name, _) in enumerate(route.arguments)
            }
            response = send(clients["admin@example.kz"], route, values)
            failures.check(response, "admin", route, str(values))
    failures.assert_none()


SWEEP_IDENTITIES = ("anonymous", "admin@example.kz", "ministry@example.kz", "chair@example.kz", "member1@example.kz", "ngo@example.kz")  # fmt: skip
# (value, identities): the commonest breaker as every role; the others (refused before any view, or
# reaching forms and bodies only) as the roles that reach most forms. Bounded to keep `make test` fast.
SWEEP_VALUES = (
    (hostile.HUGE, SWEEP_IDENTITIES),
    ("a\x01b", SWEEP_IDENTITIES[:2]),
    (
        "x" * 5000,
        SWEEP_IDENTITIES[1:3],
    ),  # forms and bodies only: 160 such query parameters take seconds to parse
    ("1e309", SWEEP_IDENTITIES[1:2]),
)
# Guards that answer before anything else reads the request (page numbers past any list) would hide
# the other parameters: they get a request of their own.
EARLY_GUARDS = ("page",)


def test_every_route_with_hostile_parameters(app, clients, server_errors, criterion_codes):
    failures = Failures(server_errors)
    names = [
        n for n in hostile.FORM_NAMES + hostile.criterion_names(criterion_codes) if n not in EARLY_GUARDS
    ]
    for route in all_routes(app):
        values = {name: (1 if kind == "int" else "ru") for name, kind in route.arguments}
        for value, identities in SWEEP_VALUES:
            for identity in identities:
                if not _usable(route, identity):
                    continue
                client = clients[identity]
                if route.api and route.takes_body:
                    response = send(client, route, values, json_body=dict.fromkeys(hostile.JSON_KEYS, value))
                elif route.takes_body:
                    response = send(
                        client, route, values, query={"year": value}, form=dict.fromkeys(names, value)
                    )
                elif len(value) > 1000:
                    continue
                else:
                    response = send(client, route, values, query=dict.fromkeys(names, value))
                    failures.check(response, identity, route, value)
                    response = send(client, route, values, query=dict.fromkeys(EARLY_GUARDS, value))
                failures.check(response, identity, route, value)
    failures.assert_none()


def test_every_json_route_with_hostile_documents(app, clients, server_errors):
    failures = Failures(server_errors)
    routes = [r for r in all_routes(app) if r.api and r.takes_body]
    for route in routes:
        values = {name: 1 for name, _ in route.arguments}
        for identity in ("anonymous", "chair@example.kz", "member1@example.kz", "admin@example.kz"):
            for document in hostile.RAW_JSON:
                response = send(clients[identity], route, values, raw_json=document)
                failures.check(response, identity, route, document[:40].decode("latin-1"))
    failures.assert_none()


@pytest.fixture
def fuzz_plan(app, criterion_codes):
    names = hostile.FORM_NAMES + hostile.criterion_names(criterion_codes)
    routes = all_routes(app)
    return routes, names


def test_random_requests(app, clients, server_errors, fuzz_plan):
    routes, names = fuzz_plan
    small_ids = st.integers(min_value=1, max_value=12)
    path_int = st.one_of(small_ids, small_ids, st.sampled_from(hostile.PATH_INTS))

    @FUZZ_SETTINGS
    @given(data=st.data())
    def run(data):
        route = data.draw(st.sampled_from(routes), label="route")
        identity = data.draw(st.sampled_from(IDENTITIES), label="identity")
        if not _usable(route, identity):
            return
        values = {
            name: data.draw(path_int if kind == "int" else st.sampled_from(hostile.PATH_STRINGS), label=name)
            for name, kind in route.arguments
        }
        query = data.draw(hostile.params(names), label="query")
        form = json_body = raw = None
        if route.takes_body:
            if route.api:
                choice = data.draw(st.integers(0, 3), label="body kind")
                if choice == 0:
                    raw = data.draw(st.sampled_from(hostile.RAW_JSON), label="raw")
                else:
                    json_body = data.draw(hostile.json_bodies(hostile.JSON_KEYS), label="json")
            else:
                form = data.draw(hostile.params(names), label="form")
        response = send(
            clients[identity], route, values, query=query, form=form, json_body=json_body, raw_json=raw
        )
        assert response.status_code < 500, (
            f"{identity} {route.method} {route.url(values)} -> {response.status_code}: "
            f"{server_errors[-1] if server_errors else ''}"
        )

    run()


FIELD_VALUES = (hostile.HUGE, "1e309", "x" * 5000)


def test_each_form_field_alone(app, clients, server_errors):
    """The forms as the pages fill them, one field at a time set to a hostile value: values that pass
    every other check reach the database (an integer no column holds, a text longer than its column)."""
    failures = Failures(server_errors)
    pages = [r for r in all_routes(app) if r.method == "GET" and "POST" in _methods(app, r.rule)]
    for identity in ("admin@example.kz", "ministry@example.kz", "chair@example.kz"):
        client = clients[identity]
        for route in pages:
            values = {name: 1 for name, _ in route.arguments}
            page = send(client, route, values)
            if page.status_code != 200 or not page.mimetype == "text/html":
                continue
            url = route.url(values)
            for form in post_forms(page.get_data(as_text=True)):
                action = form["action"] or url
                if action != url:
                    continue
                for name in form["fields"]:
                    if name in ("csrf_token",):
                        continue
                    for value in FIELD_VALUES:
                        data = dict(form["fields"], **{name: value})
                        response = client.post(action, data=data)
                        failures.check(response, identity, route, f"{name}={value[:30]}")
    failures.assert_none()


def _methods(app, rule: str) -> set[str]:
    return {m for r in app.url_map.iter_rules() if r.rule == rule for m in r.methods}
