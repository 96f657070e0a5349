"""The published site in a real headless Chromium (driven by Playwright), served on
127.0.0.1: charts draw with no network, a click lists the documents behind a point, crawled
text shows as text and never runs, and pages pass axe-core's accessibility rules.

Every request that leaves 127.0.0.1 is refused and recorded, so a chart that needed a CDN
would fail here. Screenshots go to $MARKETSPEAK_SCREENSHOTS when set (to look at them),
else to the test's temporary folder.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from marketspeak.pipelines.demo_site.generate import HOSTILE_TITLE
from marketspeak.pipelines.preview import serve_folder

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (Debian package 'chromium')"
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SITE_CHARTS = ["naming-index", "market-share-index", "lexicon-rates", "term-rates", "kind-index"]


class Watched:
    """A page with everything it did that a test may forbid."""

    def __init__(self, context) -> None:
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self) -> None:
        outside = [u for u in self.requests if urlsplit(u).hostname not in ("127.0.0.1", None)]
        outside = [u for u in outside if not u.startswith(("data:", "about:", "blob:"))]
        assert outside == [], "requests left 127.0.0.1"
        assert self.errors == [], "console errors"
        assert self.dialogs == [], "a script from crawled text ran"


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def context(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})

    def local_only(route) -> None:
        host = urlsplit(route.request.url).hostname
        route.continue_() if host in ("127.0.0.1", None) else route.abort()

    context.route("**/*", local_only)
    yield context
    context.close()


@pytest.fixture(scope="module")
def site(published):
    out, _ = published
    with serve_folder(out) as url:
        yield url


@pytest.fixture()
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("MARKETSPEAK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def drawn(frame_or_page, timeout: float = 30_000):
    """Wait until chart.js says the chart is drawn; return the #vis element."""
    frame_or_page.wait_for_selector('#vis[data-rendered="true"] svg', timeout=timeout)
    return frame_or_page.locator("#vis")


def ink(png: bytes) -> int:
    """How many pixels of a screenshot are not (near) white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(1 for value in image.getdata() if value < 235)


def test_the_index_draws_every_chart_with_no_network(context, site, shots):
    watched = Watched(context)
    watched.page.goto(site + "index.html")
    for name in SITE_CHARTS:
        frame = watched.page.frame_locator(f'iframe[src="embed/{name}.html"]')
        frame.locator("#vis").scroll_into_view_if_needed()
        vis = frame.locator('#vis[data-rendered="true"] svg')
        vis.wait_for(timeout=30_000)
        assert ink(vis.screenshot()) > 2_000, f"{name} drew nothing"
    watched.page.screenshot(path=shots / "index.png", full_page=True)
    watched.assert_clean()
    runtime = [u for u in watched.requests if u.endswith("/assets/vega-runtime.js")]
    assert runtime, "embed pages load the shared runtime"


def test_a_standalone_chart_draws_in_an_iframe_on_another_site(context, site, shots, tmp_path):
    host = tmp_path / "campaign"
    host.mkdir()
    (host / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Our campaign</title>'
        "</head><body><h1>Our campaign</h1>"
        f'<iframe src="{site}charts/market-share-index.html" title="Market share index" '
        'width="100%" height="640" style="border:0"></iframe></body></html>'
    )
    with serve_folder(host) as campaign:
        watched = Watched(context)
        watched.page.goto(campaign + "index.html")
        frame = watched.page.frame_locator("iframe")
        vis = frame.locator('#vis[data-rendered="true"] svg')
        vis.wait_for(timeout=30_000)
        assert ink(vis.screenshot()) > 5_000
        watched.page.screenshot(path=shots / "standalone-in-iframe.png", full_page=True)
    watched.assert_clean()
    assert not [u for u in watched.requests if "/assets/" in u], "standalone needs no assets"


def test_clicking_a_point_lists_the_documents_behind_it(context, site, published, read_db):
    watched = Watched(context)
    watched.page.goto(site + "embed/market-share-index.html")
    vis = drawn(watched.page)
    points = vis.locator("svg g.mark-symbol path")
    assert points.count() == 20  # 2005 to 2024
    points.nth(14).click()  # 2019
    heading = watched.page.locator("#documents h2")
    heading.wait_for()
    expected = read_db.execute(
        "SELECT count(*) FROM document_counts WHERE year(published) = 2019"
    ).fetchone()[0]
    assert heading.inner_text() == f"2019: {expected} documents"
    assert watched.page.locator("#documents li").count() == expected
    first = watched.page.locator("#documents li a").first
    assert first.get_attribute("href").startswith("http://127.0.0.1:")
    watched.assert_clean()


def test_the_crawled_script_title_shows_as_text_and_never_runs(context, site, shots):
    for path in ("embed/market-share-index.html", "charts/market-share-index.html"):
        watched = Watched(context)
        watched.page.goto(site + path)
        drawn(watched.page)
        watched.page.select_option("#period-picker", "2019")  # the keyboard route
        listed = watched.page.locator("#documents").inner_text()
        assert HOSTILE_TITLE in listed, path
        assert watched.page.locator("#documents script").count() == 0
        watched.page.screenshot(path=shots / f"drill-down-{Path(path).parent.name}.png")
        watched.assert_clean()


def test_pages_have_no_serious_accessibility_violations(browser, site):
    import axe_playwright_python

    axe = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    # axe is injected as a script, which the pages' own CSP would (rightly) refuse.
    context = browser.new_context(bypass_csp=True)
    found = {}
    for path in (
        "index.html",
        "methods.html",
        "embed/market-share-index.html",
        "charts/market-share-index.html",
        "embed/term-rates.html",
    ):
        page = context.new_page()
        page.goto(site + path)
        if path.endswith("index.html"):
            pass
        elif path.startswith(("embed/", "charts/")):
            drawn(page)
            if "market-share-index" in path:
                page.select_option("#period-picker", "2019")  # with the drill-down open
        page.add_script_tag(path=str(axe))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"
        )
        found[path] = [v for v in violations if v["impact"] in ("serious", "critical")]
        page.close()
    context.close()
    assert found == {path: [] for path in found}
