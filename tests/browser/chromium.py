"""Debian's Chromium, headless, driven by Selenium through Debian's chromedriver."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--ignore-certificate-errors",
    "--autoplay-policy=no-user-gesture-required",
    # two windows in one browser: neither may be throttled while the other has focus
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--disable-dev-shm-usage",
)


def need_chromium() -> None:
    """Skip unless Chromium, chromedriver and selenium are installed (see the README's set-up)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists() and shutil.which(Path(path).name) is None:
            pytest.skip(f"{path} missing: apt-get install -y chromium chromium-driver")
    pytest.importorskip("selenium", reason="pip install -e '.[dev]' (selenium)")


@contextlib.contextmanager
def chromium(profile: Path, fake_audio: Path, extra_flags: tuple[str, ...] = ()) -> Iterator[Any]:
    """A headless Chromium whose microphone speaks ``fake_audio`` once, in a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.accept_insecure_certs = True
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP reports go there
    for flag in (*FLAGS, *extra_flags):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--use-file-for-fake-audio-capture={fake_audio}%noloop")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def viewport(driver: Any, width: int, height: int) -> None:
    """Make the current window's page exactly ``width`` × ``height`` CSS pixels."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def wait_for(driver: Any, what: str, timeout_s: float, condition: Callable[[Any], Any]) -> Any:
    """Wait for ``condition(driver)`` to be truthy; the failure names what was awaited."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # A live page re-renders while it is read: an element gone stale is retried, not a failure.
    retry = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout_s, poll_frequency=0.5, ignored_exceptions=retry).until(
        condition, message=f"timed out after {timeout_s:g} s waiting for {what}"
    )


def policy_violations(driver: Any) -> list[str]:
    """The Content Security Policy refusals logged by the current window since the last call."""
    return [
        str(entry.get("message", ""))
        for entry in driver.get_log("browser")
        if "Content Security Policy" in str(entry.get("message", ""))
    ]
