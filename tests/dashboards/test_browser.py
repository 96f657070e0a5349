"""Chart pages render in a real headless Chromium with every host name unresolvable, so a
chart that needed a CDN would come out blank."""

from __future__ import annotations

import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (Debian package 'chromium')"
)


def render(url: str, profile) -> str:
    """The DOM of `url` after its scripts ran, with no network."""
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=10000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("name", ["market-share-index", "lexicon-rates", "term-rates"])
def test_chart_renders_offline(published, name, tmp_path):
    out, _ = published
    dom = render((out / "charts" / f"{name}.html").as_uri(), tmp_path / "profile")
    assert 'class="marks"' in dom, "Vega drew nothing"
    assert "error" not in dom.lower().split('id="vis"', 1)[-1][:500]


def test_index_page_renders_with_its_charts(published, tmp_path):
    out, _ = published
    dom = render((out / "index.html").as_uri(), tmp_path / "profile")
    assert dom.count("<iframe") == 3
    assert "Market share index" in dom
