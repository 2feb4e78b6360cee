"""Browser tests: Playwright's sync API driving Debian's Chromium, with axe-core checking WCAG 2.1 A and AA.

One Chromium per run (``browser``), a fresh context per test (``page``: Finnish locale, Helsinki time),
and the ``axe_check`` fixture: ``axe_check(page)`` fails the test with a readable list of violations.
Without a ``chromium`` on the PATH every test here skips, so a machine without a browser still passes.
Never ``playwright install``.

The browser, and the ``DJANGO_ALLOW_ASYNC_UNSAFE`` setting its event loop needs, live in package-scoped
fixtures: they open before the first test in this folder and close after the last one, so the rest of the
suite runs without Playwright's loop and with Django's async-safety check on.
"""

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="package", autouse=True)
def _allow_django_under_playwright():
    """Playwright's sync API keeps an event loop running in this thread; Django then refuses DB calls.

    Set only while this folder runs, and restored afterwards.
    """
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package", autouse=True)
def browser(_allow_django_under_playwright):
    """Chromium from the system (apt package ``chromium``), headless, one for the whole folder."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("no chromium on PATH: install Debian's `chromium` to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency: `uv sync`")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page in a fresh context: no cookies or storage carried over from other tests."""
    context = browser.new_context(locale="fi-FI", timezone_id="Europe/Helsinki")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _describe(violation: dict) -> str:
    lines = [f"{violation['id']} ({violation.get('impact') or 'no impact given'}): {violation['help']}"]
    for node in violation.get("nodes", []):
        lines.append(f"    at {' '.join(map(str, node.get('target', [])))}")
    return "\n".join(lines)


def run_axe(page) -> None:
    """Run axe-core on the page for WCAG 2.1 A and AA; fail listing every violation and where it is."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    violations = results.response["violations"]
    if violations:
        report = "\n".join(_describe(v) for v in violations)
        pytest.fail(f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:\n{report}",
                    pytrace=False)


@pytest.fixture
def axe_check():
    """``axe_check(page)``: fail the test if axe-core finds WCAG 2.1 A/AA violations on the page."""
    return run_axe
