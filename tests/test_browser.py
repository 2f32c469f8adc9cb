"""The Datasette site in headless Chromium: what a visitor clicks.

Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from test_publish import sample_knowledge_base

from pipeline.publish import serve_command, write_databases

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "hasło-analityka"
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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browser)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from datasette_auth_passwords.utils import hash_password

    folder = tmp_path_factory.mktemp("browser")
    public, internal = folder / "rekomendacje.db", folder / "rekomendacje-internal.db"
    write_databases(sample_knowledge_base(), public, internal)
    port = free_port()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REKOMENDACJE_ANALYST_PASSWORD_HASH", hash_password(PASSWORD))
        argv = serve_command([public, internal], port=port)
        server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("datasette did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL")
    yield context.new_page()
    context.close()


def test_landing_page_in_polish(page, base_url):
    page.goto(base_url + "/")
    assert (
        page.locator("h1").inner_text() == "Rekomendacje: wsparcie uchodźców w dzielnicach Warszawy"
    )
    assert page.locator("ul.queries li").count() == 7
    page.screenshot(path=ARTIFACTS / "landing.png", full_page=True)


def test_search_with_an_inflected_word(page, base_url):
    page.goto(base_url + "/")
    page.fill("#q", "mieszkaniach")
    page.locator("form.search input[type=submit]").click()
    page.wait_for_url("**/-/szukaj?q=mieszkaniach")
    assert "«mieszkań»" in page.locator("table#recommendations").inner_text()
    assert "«mieszkaniach»" in page.locator("table#items").inner_text()
    page.screenshot(path=ARTIFACTS / "search.png", full_page=True)


def test_facet_click_filters_the_table(page, base_url):
    page.goto(base_url + "/rekomendacje/items")
    page.locator(".facet-info[data-column=kind] a", has_text="problem").first.click()
    page.wait_for_url("**kind=problem**")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2
    page.screenshot(path=ARTIFACTS / "facet.png", full_page=True)


def test_canned_query_for_a_district(page, base_url):
    page.goto(base_url + "/")
    page.select_option("#district", "wola")
    page.locator("form[action$=rekomendacje_dla_dzielnicy] input[type=submit]").click()
    page.wait_for_url("**district=wola**")
    table = page.locator("table.rows-and-columns").inner_text()
    assert "Należy zwiększyć liczbę mieszkań interwencyjnych na Woli." in table
    page.screenshot(path=ARTIFACTS / "district.png", full_page=True)


def test_internal_database_refused_without_sign_in(page, base_url):
    response = page.goto(base_url + "/rekomendacje-internal/notes")
    assert response.status == 403
    page.screenshot(path=ARTIFACTS / "internal-refused.png", full_page=True)
    page.goto(base_url + "/-/login")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form input[type=submit]").click()
    response = page.goto(base_url + "/rekomendacje-internal/notes")
    assert response.status == 200
    assert "Katarzyna Wiśniewska" in page.locator("table.rows-and-columns").inner_text()


def test_script_in_a_note_is_shown_as_text(page, base_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base_url + "/rekomendacje/items/grupa-2-d")
    assert "<script>alert('x')</script>" in page.locator("table").first.inner_text()
    assert dialogs == []


def test_map_of_districts_and_chart_of_themes(page, base_url):
    page.goto(base_url + "/rekomendacje/mapa_dzielnic")
    page.wait_for_selector(".leaflet-container", timeout=10_000)
    page.screenshot(path=ARTIFACTS / "map.png", full_page=True)
    page.goto(base_url + "/")
    page.locator("a.chart").click()
    page.wait_for_selector("canvas, svg.marks", timeout=10_000)
    page.screenshot(path=ARTIFACTS / "chart.png", full_page=True)
