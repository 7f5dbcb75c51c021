"""Accessibility and page-health checks for browser tests.

`assert_accessible(page)` runs axe-core (axe-playwright-python) on the page as it stands and fails
on any violation of impact "serious" or "critical", naming the rule, its impact, the first target
selectors and their HTML. `PageHealth` records the console errors and failed requests (4xx/5xx
answers, network failures) of a page from the moment it is attached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BLOCKING = ("serious", "critical")
SHOWN_NODES = 3


def axe_violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """axe's violations on the page whose impact is one of impacts."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict], nodes: int = SHOWN_NODES) -> str:
    """A readable list: rule id, impact, help, then the first nodes' targets and HTML snippets."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}, {len(v['nodes'])} element(s)): {v['help']}")
        for node in v["nodes"][:nodes]:
            target = " ".join(str(t) for t in node.get("target", []))
            html = " ".join(node.get("html", "").split())[:200]
            lines.append(f"    {target}\n      {html}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary[:240]}")
    return "\n".join(lines)


def assert_accessible(page, impacts: tuple[str, ...] = BLOCKING) -> None:
    """Fail when axe finds a violation of one of impacts (serious or critical) on the page, as it
    rests: the pointer off the controls and no colour transition running (a button just clicked is
    otherwise measured halfway between its hover and normal colours)."""
    page.mouse.move(0, 0)
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    found = axe_violations(page, impacts)
    assert not found, f"axe: {len(found)} serious/critical violation(s) on {page.url}\n" + describe(found)


@dataclass
class PageHealth:
    """Console errors and failed requests of a page, collected from the moment it is attached."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page) -> PageHealth:
        health = cls()

        def on_console(message):
            if message.type == "error":
                health.console_errors.append(f"{message.text} ({page.url})")

        def on_response(response):
            if response.status >= 400:
                health.failed_requests.append(f"{response.status} {response.url}")

        def on_failed(request):
            if request.failure and "ERR_ABORTED" in request.failure:
                return  # cancelled by the next navigation, not a missing resource
            health.failed_requests.append(f"failed {request.url}: {request.failure}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: health.console_errors.append(f"{error} ({page.url})"))
        page.on("response", on_response)
        page.on("requestfailed", on_failed)
        return health

    def problems(self) -> list[str]:
        return [*self.console_errors, *self.failed_requests]

    def clear(self) -> None:
        self.console_errors.clear()
        self.failed_requests.clear()

    def assert_clean(self) -> None:
        assert not self.problems(), "console errors or failed requests:\n" + "\n".join(self.problems())
