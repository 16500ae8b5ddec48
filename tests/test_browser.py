"""The interactive notebook in a real browser: Voilà serves ``notebooks/06_interactive.ipynb``,
Debian's headless Chromium (driven by Playwright) moves the explorer's ``k`` slider, and the
rendered figure and status line must change.

Needs Voilà and Playwright (the ``test`` extras) and Chromium at ``/usr/bin/chromium``
(``apt-get install chromium``; Playwright's own browser download is never used).  The test
is skipped, saying why, only when Chromium is missing or cannot start; a missing Voilà or
Playwright is a failure.  The last page is
saved as ``tests/artifacts/voila_06_interactive.png``.
"""

import importlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/06_interactive.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
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
#: Seconds for Voilà to answer, and for the notebook to run in the page (WBXR_FAST=1).
SERVER_TIMEOUT = 60
NOTEBOOK_TIMEOUT = 150
#: The last output of the notebook: once shown, every cell has run.
LAST_OUTPUT = "FC drawn == np.corrcoef of the selection: True"


def require(module: str):
    """A test dependency (from the ``test`` extras): missing is a failure, not a skip."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        pytest.fail(f"{module} is a test dependency: pip install -e '.[test]' ({error})")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Stop Voilà and the kernels it started (its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A fresh headless Chromium (new user-data-dir), or a skip saying why there is none."""
    sync_api = require("playwright.sync_api")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if executable is None:
        pytest.skip(f"Chromium is not installed ({CHROMIUM} missing; apt-get install -y chromium)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        try:
            context = playwright.chromium.launch_persistent_context(
                str(profile), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1400, "height": 1000},
            )
        except sync_api.Error as error:
            pytest.skip(f"Chromium at {executable} cannot start: {str(error).splitlines()[0]}")
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    """Voilà serving the notebook on a free localhost port; stopped afterwards."""
    require("voila")
    port = free_port()
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    env = {**os.environ, "WBXR_FAST": "1", "JAX_PLATFORMS": "cpu", "JUPYTER_RUNTIME_DIR": str(runtime)}
    log = open(runtime / "voila.log", "w+")  # noqa: SIM115 - closed in the finaliser
    process = subprocess.Popen(
        [sys.executable, "-m", "voila", NOTEBOOK, "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--show_tracebacks=True"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so that its kernels stop with it
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"Voilà exited with code {process.returncode}:\n{log.read()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "voila/static/voila.js", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"Voilà did not answer at {url} within {SERVER_TIMEOUT} s")
            time.sleep(0.25)
        yield url
    finally:
        stop(process)
        log.close()


def test_moving_the_k_slider_redraws_the_explorer(browser, voila_url):
    start = time.monotonic()
    page = browser.new_page()
    page.set_default_timeout(NOTEBOOK_TIMEOUT * 1000)
    page.goto(voila_url)
    finished = page.get_by_text(LAST_OUTPUT)  # every cell has run; the kernel is idle
    failed = page.locator("[data-mime-type='application/vnd.jupyter.error']")
    finished.or_(failed).first.wait_for()
    if failed.count():
        pytest.fail(f"the notebook failed in Voilà:\n{failed.first.inner_text()[-3000:]}")
    loaded = time.monotonic()

    k_slider = page.locator(".widget-hslider", has=page.locator("label", has_text=re.compile(r"^k$"))).first
    status = page.locator(".widget-html-content", has_text="simulated").first
    figure = page.locator("img.widget-image").first  # the network explorer's figure
    readout = k_slider.locator(".widget-readout")
    assert float(readout.inner_text()) == 0.5
    assert "k = 0.5," in status.inner_text()
    before_src, before_pixels = figure.get_attribute("src"), figure.screenshot()

    handle = k_slider.locator(".noUi-handle")
    handle.focus()
    handle.press("ArrowRight")  # one step: k 0.5 -> 0.51, and the network runs again
    page.wait_for_function(
        "src => document.querySelector('img.widget-image').getAttribute('src') !== src",
        arg=before_src,
        timeout=30_000,
    )
    status_text, readout_text = status.inner_text(), readout.inner_text()
    after_pixels = figure.screenshot()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "voila_06_interactive.png", full_page=True)
    page.close()
    assert float(readout_text) == 0.51
    assert "k = 0.51," in status_text and "error" not in status_text.lower()
    assert after_pixels != before_pixels
    print(f"notebook shown in {loaded - start:.1f} s, redrawn {time.monotonic() - loaded:.1f} s later")
