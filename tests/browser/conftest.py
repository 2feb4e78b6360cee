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


# --- Every page at a phone's and a desktop's width, in Finnish and in Swedish --------------------------

WIDTHS = (375, 1280)
LANGUAGES = ("fi", "sv")


def session_cookie(live_server, user) -> dict:
    """A logged-in session for ``user`` as a browser cookie, without going through the login form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}


def check_pages(browser, live_server, pages, *, user=None) -> None:
    """Open each page at 375 and 1280 px in Finnish and Swedish, and fail listing every problem found.

    ``pages`` holds paths, or (path, expected status) pairs. On each page: the expected status, the
    language in ``<html lang>``, one ``h1`` in ``main``, nothing the page loads answering 404 (the
    favicon included), no horizontal scrolling at 375 px (``scrollWidth <= 375``) and no axe-core
    WCAG 2.1 A/AA violation at either width. One context per language, with the pages in a row, so
    that the browser is reused and the run stays short.
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems: list[str] = []
    for lang in LANGUAGES:
        context = browser.new_context(locale=f"{lang}-FI", timezone_id="Europe/Helsinki",
                                      viewport={"width": WIDTHS[0], "height": 800})
        context.set_default_timeout(10_000)
        cookies = [{"name": "django_language", "value": lang, "url": live_server.url}]
        if user is not None:
            cookies.append(session_cookie(live_server, user))
        context.add_cookies(cookies)
        page = context.new_page()
        missing: list[str] = []
        # ``missing`` bound as a default: this language's list. Keyword-only, because Playwright passes a handler
        # as many arguments as it has positional parameters.
        page.on("response", lambda r, *, missing=missing: missing.append(r.url)
                if r.status == 404 and r.request.resource_type != "document" else None)
        for item in pages:
            path, status = (item, 200) if isinstance(item, str) else item
            where = f"{path} [{lang}]"
            page.set_viewport_size({"width": WIDTHS[0], "height": 800})
            missing.clear()
            response = page.goto(live_server.url + path, wait_until="load")
            if response is None or response.status != status:
                problems.append(f"{where}: HTTP {response and response.status}, expected {status}")
                continue
            if page.locator("html").get_attribute("lang") != lang:
                problems.append(f"{where}: <html lang> is {page.locator('html').get_attribute('lang')!r}")
            if page.locator("main h1").count() != 1:
                problems.append(f"{where}: {page.locator('main h1').count()} h1 in main")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                if width == WIDTHS[0]:
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        wide = page.evaluate("""w => [...document.querySelectorAll('body *')]
                            .filter(e => e.getBoundingClientRect().right > w + 0.5)
                            .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > w + 0.5))
                            .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                            + (e.className && typeof e.className === 'string'
                               ? '.' + e.className.split(' ').join('.') : ''))""",
                                             width)
                        problems.append(f"{where} at {width}px: scrolls sideways ({scroll}px wide): {', '.join(wide)}")
                results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                                 "resultTypes": ["violations"]})
                for violation in results.response["violations"]:
                    problems.append(f"{where} at {width}px: {_describe(violation)}")
            icon = page.locator("link[rel=icon]")
            if icon.count() != 1:
                problems.append(f"{where}: no favicon link")
            elif page.request.get(live_server.url + icon.get_attribute("href")).status != 200:
                problems.append(f"{where}: the favicon {icon.get_attribute('href')} is not served")
            if missing:
                problems.append(f"{where}: not found: {', '.join(sorted(set(missing)))}")
        context.close()
    if problems:
        pytest.fail(f"{len(problems)} problem(s):\n" + "\n".join(problems), pytrace=False)
