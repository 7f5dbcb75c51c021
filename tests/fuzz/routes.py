"""Every route of the app, with its path parameters filled, for the fuzz tests."""

import re
from dataclasses import dataclass
from urllib.parse import quote

SKIPPED_METHODS = {"HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    method: str
    arguments: tuple[tuple[str, str], ...]  # (name, converter)

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def takes_body(self) -> bool:
        return self.method in {"POST", "PUT", "PATCH", "DELETE"}

    def url(self, values: dict) -> str:
        """The rule with each <converter:name> replaced by values[name] (quoted)."""

        return re.sub(
            r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", lambda m: quote(str(values[m.group(1)]), safe=""), self.rule
        )


def all_routes(app) -> list[Route]:
    routes = []
    for rule in app.url_map.iter_rules():
        converters = dict(
            (name, type(conv).__name__)
            for name, conv in rule._converters.items()  # noqa: SLF001
        )
        arguments = tuple(
            sorted((name, "int" if "Integer" in kind else "str") for name, kind in converters.items())
        )
        for method in sorted(rule.methods - SKIPPED_METHODS):
            routes.append(Route(rule.rule, rule.endpoint, method, arguments))
    return sorted(routes, key=lambda r: (r.rule, r.method))
