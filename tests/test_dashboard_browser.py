"""The dashboard, started as a user starts it and checked in a real headless Chromium.

Needs Debian's `chromium` (/usr/bin/chromium) and Playwright; CI installs chromium and sets
NEWSFLOW_REQUIRE_BROWSER=1, so there a missing browser fails the test instead of skipping it.
The screenshot lands in tests/artifacts/dashboard.png (ignored by git).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import handmade
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 90_000  # the first page load compiles a lot of JavaScript on a busy 2-core machine

pytestmark = pytest.mark.slow


def _need_browser():
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        message = "dashboard browser test needs " + " and ".join(missing)
        if os.environ.get("NEWSFLOW_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory):
    """`newsflow dashboard` serving the hand-made warehouse; stopped after the module."""
    _need_browser()
    wh = handmade.build(tmp_path_factory.mktemp("dashboard-warehouse"))
    port = _free_port()
    log = (tmp_path_factory.mktemp("dashboard-log") / "dashboard.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "dashboard", "--warehouse", str(wh), "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            assert proc.poll() is None, Path(log.name).read_text()
            assert time.monotonic() < deadline, "dashboard did not start:\n" + Path(log.name).read_text()
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the CLI and the Streamlit server it started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture()
def page(dashboard_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000},
        )
        try:
            pg = context.new_page()
            pg.errors = []
            pg.on("pageerror", lambda e: pg.errors.append(str(e)))
            pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
            pg.set_default_timeout(TIMEOUT_MS)
            pg.goto(dashboard_url)
            yield pg
        finally:
            context.close()


def _metric(pg, label: str):
    return pg.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')


def _table_rows(pg, heading: str) -> list[list[str]]:
    """Body rows of the first table after a heading, as cell texts (index cell dropped)."""
    table = pg.locator(f'xpath=//*[normalize-space()="{heading}"]/following::*[@data-testid="stTable"][1]')
    rows = table.locator("tbody tr")
    return [[c.strip() for c in r.locator("td").all_inner_texts()] for r in rows.all()]


def _wait_idle(pg):
    """Until Streamlit has finished the current script run (the status widget is gone)."""
    pg.wait_for_timeout(300)
    pg.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


def _pick(pg, widget, text: str):
    widget.click()
    pg.keyboard.type(text)
    pg.keyboard.press("Enter")
    pg.keyboard.press("Escape")
    _wait_idle(pg)


def _choose(pg, selectbox, option: str, tries: int = 5):
    """Open a selectbox and pick `option`; a click that lands during a rerun is tried again."""
    wanted = pg.get_by_role("option", name=option)
    for _ in range(tries):
        _wait_idle(pg)
        selectbox.get_by_role("combobox").click()
        try:
            wanted.wait_for(timeout=10_000)
            break
        except Exception:  # the dropdown did not open: the page was re-rendering
            pg.keyboard.press("Escape")
    wanted.click()
    _wait_idle(pg)


def test_dashboard_shows_the_warehouse_and_filters_change_it(page):
    pg = page
    from playwright.sync_api import expect

    expect(_metric(pg, "Articles")).to_have_text("6")
    expect(pg.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first) \
        .to_be_visible()
    pg.get_by_text("Reject reasons").wait_for()
    _wait_idle(pg)
    assert _metric(pg, "Truncated").inner_text() == "2"
    assert _metric(pg, "Summarised").inner_text() == "4"
    assert _metric(pg, "Sources").inner_text() == "2"

    assert _table_rows(pg, "Top entities")[0] == ["Jane Doe", "PERSON", "4", "7"]
    rising = _table_rows(pg, "Rising entities")
    assert [r[:2] for r in rising] == [["Berlin", "GPE"], ["Jane Doe", "PERSON"], ["Paris", "GPE"]]
    assert rising[0][2:5] == ["3", "0", "3"]  # articles now, before, change

    expect(pg.get_by_text("6 matching articles")).to_be_visible()
    card = pg.locator('[data-testid="stVerticalBlock"]').filter(has_text="Title a1").last
    expect(card).to_contain_text("MARKETS")
    expect(card).to_contain_text("Shares fell for a third day")
    expect(card).to_contain_text("Acme Corp shares fell again.")
    expect(pg.locator('[data-testid="stVerticalBlock"]').filter(has_text="Title a2").last) \
        .to_contain_text("truncated")
    runs_text = pg.locator('[data-testid="stTable"]').filter(has_text=handmade.RUN1).inner_text()
    assert handmade.RUN2 in runs_text
    assert _table_rows(pg, "Reject reasons")[0][2] == "1"

    # a filter changes the numbers: only feeds/alpha.jsonl (a1, a2, a5)
    _pick(pg, pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first, "alpha")
    expect(_metric(pg, "Articles")).to_have_text("3")
    expect(_metric(pg, "Truncated")).to_have_text("2")
    expect(pg.get_by_text("3 matching articles")).to_be_visible()
    assert _table_rows(pg, "Top entities")[0] == ["Acme Corp", "ORG", "3", "4"]
    assert [r[0] for r in _table_rows(pg, "Quality per source")] == [handmade.ALPHA]

    # drill down to the articles about one entity, then search the list
    _choose(pg, pg.locator('[data-testid="stSelectbox"]').first, "Jane Doe (PERSON)")
    _wait_idle(pg)
    drill = pg.locator('xpath=//*[normalize-space()="Drill down: articles about an entity"]/following::*'
                       '[contains(normalize-space(), "2 mentions")][1]')
    expect(drill).to_be_visible()
    expect(pg.get_by_text("Jane Doe flew from Paris to Berlin to meet Acme Corp.").first).to_be_visible()
    search = pg.locator('[data-testid="stTextInput"] input')
    search.fill("berlin")
    search.press("Enter")
    _wait_idle(pg)
    expect(pg.get_by_text("1 matching article", exact=True)).to_be_visible()

    errors = [e for e in pg.errors if not re.search(r"favicon", e)]
    assert not errors, errors
    assert pg.locator('[data-testid="stException"]').count() == 0

    ARTIFACTS.mkdir(exist_ok=True)
    pg.set_viewport_size({"width": 1400, "height": 3600})
    pg.wait_for_timeout(500)
    pg.screenshot(path=ARTIFACTS / "dashboard.png", full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000
