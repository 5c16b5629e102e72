"""Take screenshots of the app's main pages into docs/screenshots/ (PNG), with the demo local authority.

Run from the repository root (needs the ``app`` and ``browser`` extras and Debian's chromium)::

    python tests/app/take_screenshots.py [--out docs/screenshots]

It starts ``csc-demand app`` as a real process (with a private, temporary CSC_DEMAND_HOME, so the demo data
are made afresh), drives headless Chromium through the pages, and stops the app. Not a test: pytest does not
collect it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from apphelp import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

WIDTH = 1400
TIMEOUT_MS = 180_000


def _idle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)   # let the charts draw


def _shot(page, path: Path, max_height: int = 5200) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside its main block, so grow the window to fit)."""
    height = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                           " return m ? m.scrollHeight : document.body.scrollHeight; }")
    page.set_viewport_size({"width": WIDTH, "height": int(min(max(height, 900), max_height))})
    _idle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": WIDTH, "height": 1000})
    print(f"wrote {path}")


def _go(page, name: str) -> None:
    page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
    # the page's title (h1): another page's h2 of the same name can linger while the page changes
    page.get_by_role("heading", name=name, exact=True, level=1).wait_for(timeout=TIMEOUT_MS)
    _idle(page)


def main(argv: list[str] | None = None) -> int:
    """Start the app, take the screenshots, stop the app."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home, running_app(Path(home), Path(home) / "app.log") as url, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": WIDTH, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        page.get_by_role("button", name="Use the demo local authority").wait_for()
        _idle(page)
        _shot(page, args.out / "1-start.png")
        page.get_by_role("button", name="Use the demo local authority").click()
        page.get_by_role("heading", name="Forecast", exact=True, level=1).wait_for()
        page.locator(".js-plotly-plot").first.wait_for()
        _idle(page)
        _shot(page, args.out / "2-forecast.png")
        page.get_by_role("textbox", name="Your local authority (name or code)").fill("Kent")
        page.keyboard.press("Enter")
        _idle(page)
        page.get_by_text("Show the published figures", exact=True).click()
        page.get_by_text("as the DfE published it").first.wait_for()
        _idle(page)
        page.set_viewport_size({"width": WIDTH, "height": 2600})
        page.get_by_role("heading", name="Beside your published figures").evaluate(
            "el => el.scrollIntoView({block: 'start'})")
        _idle(page)
        page.screenshot(path=str(args.out / "8-published-figures.png"))
        page.set_viewport_size({"width": WIDTH, "height": 1000})
        print(f"wrote {args.out / '8-published-figures.png'}")
        _go(page, "Your data")
        _shot(page, args.out / "3-data-quality.png", max_height=2200)
        _go(page, "History")
        _shot(page, args.out / "4-history.png")
        _go(page, "Scenarios")
        page.get_by_role("button", name="Add a shock").click()
        _idle(page)
        _shot(page, args.out / "5-scenario-editor.png")
        _go(page, "How far to trust this")
        _shot(page, args.out / "6-how-far-to-trust-this.png")
        _go(page, "How this works")
        _shot(page, args.out / "7-guidance.png")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
