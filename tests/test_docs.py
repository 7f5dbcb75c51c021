"""Comments cite documents that are in the repository, at headings that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *(ROOT / "grants").rglob("*.py"),
    *(ROOT / "templates").rglob("*.html"),
    *(ROOT / "migrations").rglob("*.py"),
    *(ROOT / "tests").rglob("*.py"),
    *(ROOT / "docs").glob("*.md"),
    ROOT / "README.md",
]
CITATION = re.compile(r"docs/([a-z_-]+)\.md#([a-z0-9-]+)")
OUTSIDE = re.compile(r"\bDESIGN\b|DOMAIN\.md|§")


def slug(heading: str) -> str:
    """A Markdown heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(name: str) -> set[str]:
    text = (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def citations() -> list[tuple[str, str, str]]:
    found = []
    for path in SOURCES:
        if path == Path(__file__):
            continue
        for name, anchor in CITATION.findall(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(ROOT)), name, anchor))
    return found


def test_every_cited_section_of_the_docs_exists():
    cited = citations()
    assert any(name == "domain" for _path, name, _anchor in cited)
    missing = [
        f"{path}: docs/{name}.md#{anchor}"
        for path, name, anchor in cited
        if not (ROOT / "docs" / f"{name}.md").is_file() or anchor not in anchors(name)
    ]
    assert missing == []


def test_no_comment_cites_the_design_notes_outside_the_repository():
    domain = ROOT / "docs" / "domain.md"
    stale = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SOURCES
        if path not in (Path(__file__), domain)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert stale == []


def test_slugs_follow_githubs_rule():
    assert slug(" Review and publication") == "review-and-publication"
    assert slug(" Money and dates") == "money-and-dates"
