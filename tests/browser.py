"""Real-browser tests: Debian's Chromium driven by Playwright, with axe-core and screenshots.

Use the ``browser`` fixture (one Chromium per test session) and ``new_page`` for a fresh,
isolated context per visitor. Chromium is the one from Debian (``make browser-deps``), never a
browser downloaded by Playwright; axe-core comes from ``node_modules`` (``make install``), never
from the internet at test time. Without them the tests skip, or fail under REQUIRE_SERVICES=1.

Import the fixtures in a conftest.py: ``from tests.browser import browser  # noqa: F401``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import need

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

# The flags this machine needs: without the networking ones Chromium keeps trying to reach
# Google's hosts through a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PHONE = {"width": 360, "height": 740}
# The two widths every page is looked at: a phone, and a tablet or half a PC's screen.
WIDTHS = {"phone": PHONE, "tablet": {"width": 1024, "height": 900}}

# WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


# One Playwright and one Chromium per test process, however many conftest.py files import the
# fixture: Playwright's sync API cannot run twice at once in one thread.
_RUNTIME: dict[str, Any] = {}


def _launch() -> Any:
    if "browser" not in _RUNTIME:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        # launch() gives the browser a new, empty profile (--user-data-dir in a temporary
        # folder that Playwright deletes on close); each test then opens its own context.
        _RUNTIME["playwright"] = playwright
        _RUNTIME["browser"] = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    return _RUNTIME["browser"]


def _close() -> None:
    browser = _RUNTIME.pop("browser", None)
    if browser is not None:
        browser.close()
        _RUNTIME.pop("playwright").stop()


@pytest.fixture(scope="session")
def browser(request) -> Any:
    """Chromium for the whole test session, started with a fresh, empty user-data-dir."""
    need(CHROMIUM.exists(), f"needs Chromium at {CHROMIUM} (run `make browser-deps`)")
    need(AXE_JS.exists(), f"needs {AXE_JS} (run `make install`, which runs npm ci)")
    try:
        import playwright  # noqa: F401
    except ImportError:  # pragma: no cover - the dev extras pin it
        need(False, "needs the playwright package (pip install -e '.[dev]')")
    # Playwright runs its own event loop in this thread; the ORM calls the tests make between
    # browser steps are ordinary synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    instance = _launch()
    request.addfinalizer(_close)
    return instance


def new_page(browser: Any, *, language: str = "ja-JP", accept_downloads: bool = False) -> Any:
    """Open a page in a fresh context (own cookies) sized like a 360 px wide phone."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale=language,
        timezone_id="Asia/Tokyo",
        accept_downloads=accept_downloads,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def axe_violations(page: Any, *, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return its violations (id, impact, targets)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Loaded as a same-origin script file (served by the browser from node_modules), so the
        # pages' Content-Security-Policy stays on: an inline injection would be refused.
        origin = page.evaluate("() => location.origin")
        page.route(
            f"{origin}/__axe.min.js",
            lambda route: route.fulfill(path=str(AXE_JS), content_type="application/javascript"),
        )
        page.add_script_tag(url=f"{origin}/__axe.min.js")
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }));
        }""",
        tags or AXE_TAGS,
    )
    return list(result)


def assert_accessible(page: Any, name: str) -> None:
    """Fail with axe's findings if the page has any violation; save a screenshot either way."""
    screenshot(page, name)
    violations = axe_violations(page)
    assert violations == [], f"axe violations on {name}: {violations}"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    # A page reached by a click may still be arriving: a form was shot cut off at its fifth field.
    page.wait_for_load_state()
    page.screenshot(path=str(path), full_page=True)
    return path


def layout_problems(page: Any, *, min_target: int = 44) -> list[str]:
    """Return horizontal overflow and tap targets smaller than ``min_target`` CSS px.

    Links inside running text are exempt, as WCAG 2.5.8 exempts inline targets.
    """
    return list(
        page.evaluate(
            """(min) => {
                const out = [];
                const doc = document.documentElement;
                if (doc.scrollWidth > window.innerWidth) {
                    out.push(`horizontal scroll: ${doc.scrollWidth} > ${window.innerWidth}`);
                }
                const targets = document.querySelectorAll(
                    'a[href], button, input:not([type=hidden]), select, textarea, summary');
                for (const el of targets) {
                    if (el.closest('p, li:not(.card), dd') && el.tagName === 'A'
                        && !el.classList.contains('button')) continue;
                    const r = el.getBoundingClientRect();
                    if (r.width === 0 && r.height === 0) continue;  // not displayed
                    const style = getComputedStyle(el);
                    if (style.visibility === 'hidden') continue;
                    if (el.classList.contains('skip')) continue;  // off screen until focused
                    let h = r.height, w = r.width;
                    if (el.type === 'checkbox' || el.type === 'radio') {
                        const label = el.closest('label') || el.closest('.check');
                        if (label) { const lr = label.getBoundingClientRect();
                            h = lr.height; w = lr.width; }
                    }
                    if (h < min || w < min) {
                        const label = (el.textContent || el.name || '').trim().slice(0, 30);
                        const size = `${Math.round(w)}x${Math.round(h)}`;
                        out.push(`${el.tagName.toLowerCase()} "${label}" ${size}`);
                    }
                }
                return out;
            }""",
            min_target,
        )
    )
