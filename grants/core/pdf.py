"""PDF rendering with WeasyPrint: bundled fonts, and a URL fetcher that reads only our own files.

User text reaches the renderer only through autoescaped Jinja templates, and even a URL that
slipped into the markup cannot be fetched: every http(s), data: or file: URL outside the
allowed folders is refused.
"""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import fontpkg_noto_sans
from flask import current_app
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

FONT_DIR = Path(fontpkg_noto_sans.ROOT) / "files"


class RefusedURL(ValueError):
    pass


class LocalFilesFetcher(URLFetcher):
    """Serves file: URLs inside the given folders and refuses everything else."""

    def __init__(self, roots):
        super().__init__(allowed_protocols={"file"}, timeout=1)
        self.roots = [Path(root).resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url[:200])
        raise RefusedURL(f"refused to fetch {url[:100]}")


def font_css() -> str:
    regular, italic = FONT_DIR / "NotoSans[wdth,wght].ttf", FONT_DIR / "NotoSans-Italic[wdth,wght].ttf"
    return (
        f"@font-face {{ font-family: 'Report Sans'; src: url('{path2url(regular)}'); }}\n"
        f"@font-face {{ font-family: 'Report Sans'; font-style: italic; src: url('{path2url(italic)}'); }}\n"
    )


def static_dir() -> Path:
    return Path(current_app.static_folder)


def render_pdf(html: str, stylesheet: str | Path | None = None) -> bytes:
    """HTML (already escaped by Jinja) to PDF bytes, with our fonts and only our own files reachable."""
    fetcher = LocalFilesFetcher([static_dir(), FONT_DIR])
    fonts = FontConfiguration()
    sheets = [CSS(string=font_css(), font_config=fonts, url_fetcher=fetcher)]
    if stylesheet is not None:
        sheets.append(CSS(filename=str(stylesheet), font_config=fonts, url_fetcher=fetcher))
    document = HTML(string=html, base_url=path2url(static_dir()), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets, font_config=fonts)
