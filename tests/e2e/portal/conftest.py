"""The portal in a real browser: the suite as processes, a real SMTP server, headless Chromium.

Fixtures for every portal e2e test (orders' pages, the acceptance and survey pages):

- `portal` (one per test session): `ordo up` (real PostgreSQL and RabbitMQ when reachable,
  else embedded) whose workers mail through `smtp`; `portal.urls[service]`,
  `portal.client(service, role)` for the staff's API calls, and `portal.mailbox`.
- `smtp`: an aiosmtpd server on a free port; `smtp.mailbox.wait_for(to, subject_part)` returns
  the message and `links_in(message)` the links of its text part.
- `browser`: Selenium driving Debian's /usr/bin/chromium through /usr/bin/chromedriver,
  headless, English unless a test switches; `browser.screenshot(name)` writes
  `<tmp_path>/screenshots/<name>.png`; `phone(browser)` narrows the window to a phone's.

Without Chromium the tests skip saying so; under CI=true they fail instead (.ci/run installs
chromium and chromium-driver).
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import tests.suite
from shared.client import wait_until
from tests.backends import free_port, provide_backend
from tests.conftest import REAL_BACKENDS
from tests.helpers import PORTAL_SECRET
from tests.suite import Suite, running_suite

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
MAIL_SECONDS = 60
STARTUP_SECONDS = 300


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str, subject_part: str = "") -> list[email.message.EmailMessage]:
        with self.lock:
            return [
                message
                for message in self.messages
                if address in str(message["To"]) and subject_part in str(message["Subject"])
            ]

    def wait_for(self, address: str, subject_part: str = "", count: int = 1):
        """The `count`-th message to `address` whose subject holds `subject_part`."""
        found = wait_until(
            lambda: len(self.to(address, subject_part)) >= count and self.to(address, subject_part),
            MAIL_SECONDS,
            0.2,
        )
        return found[count - 1]


def text_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message: email.message.EmailMessage) -> list[str]:
    """The links of a mail's text part, in order."""
    return re.findall(r"https?://\S+", text_of(message))


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture(scope="session")
def smtp():
    server = SmtpServer(free_port(), Mailbox())
    controller = Controller(server.mailbox, hostname="127.0.0.1", port=server.port)
    controller.start()
    yield server
    controller.stop()


@dataclass
class Portal:
    suite: Suite
    mailbox: Mailbox

    @property
    def urls(self) -> dict[str, str]:
        return self.suite.urls

    def client(self, service: str, role: str = "admin", customer_id=None):
        return self.suite.client(service, role, customer_id)


@pytest.fixture(scope="session")
def portal(tmp_path_factory, smtp):
    """The suite as real processes, mailing through `smtp` (one backend: real if reachable).
    Started once for all the portal's tests (a start costs tens of seconds on a busy machine);
    each test signs in as a customer of its own."""
    root = tmp_path_factory.mktemp("portal-suite")
    with pytest.MonkeyPatch.context() as monkeypatch:
        # Eight gunicorn and worker processes importing Ordo take minutes on a loaded 2-core
        # machine; the browser steps themselves are quick.
        monkeypatch.setattr(tests.suite, "STARTUP_SECONDS", STARTUP_SECONDS)
        yield from _running_portal(root, monkeypatch, smtp)


def _running_portal(root, monkeypatch, smtp):
    for backend in provide_backend(REAL_BACKENDS, root, monkeypatch):
        environment = {
            "ORDO_SMTP_URL": smtp.url,
            "ORDO_PORTAL_SECRET": PORTAL_SECRET,
            "ORDO_MAIL_RETRY_BASE_SECONDS": "0.2",
        }
        with running_suite(backend, **environment) as suite:
            yield Portal(suite, smtp.mailbox)


class Browser:
    """A Selenium WebDriver with the helpers the portal's tests share."""

    def __init__(self, driver, folder: Path):
        self.driver = driver
        self.folder = folder

    def __getattr__(self, name):
        return getattr(self.driver, name)

    def screenshot(self, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def wait_until(self, condition, timeout: float = 30):
        """`condition()`'s first truthy value, tried while a page loads (a click on a form's
        button returns before the next page is there)."""
        waiting = WebDriverWait(
            self.driver,
            timeout,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        )
        return waiting.until(lambda driver: _unless_gone(condition))

    def text(self) -> str:
        """The page's visible text."""
        return self.driver.find_element(By.TAG_NAME, "body").text


def _unless_gone(condition):
    """`condition()`, or False when an element it read belonged to the page that was just
    replaced: Chromium sometimes says so as an "unknown error" rather than a stale element."""
    try:
        return condition()
    except WebDriverException as error:
        if "does not belong to the document" in (error.msg or ""):
            return False
        raise


def chromium_missing() -> str | None:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return None
    return (
        f"headless Chromium is not installed ({', '.join(missing)} missing; "
        "apt-get install chromium chromium-driver)"
    )


@pytest.fixture
def browser(tmp_path):
    reason = chromium_missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield Browser(driver, tmp_path / "screenshots")
    finally:
        driver.quit()


def heading_shows(browser: Browser, expected: str) -> bool:
    """True once the page's heading holds `expected`; else an error saying which page is shown."""
    try:
        return browser.wait_until(lambda: expected in browser.find_element(By.TAG_NAME, "h1").text)
    except TimeoutException:
        shown = f"{browser.current_url} shows: {browser.text()}"
        raise AssertionError(f"expected the heading {expected!r}; {shown}") from None


def sign_in_from_the_mail(browser: Browser, portal: Portal, email: str) -> None:
    """On the sign-in page a page sent the browser to: ask for a link, open it from the mail and
    press its button; the browser then goes on to the page that asked."""
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    browser.wait_until(lambda: "Check your mail" in browser.find_element(By.TAG_NAME, "h1").text)
    [link] = links_in(portal.mailbox.wait_for(email, "sign-in link"))
    browser.get(link)
    browser.find_element(By.CSS_SELECTOR, "main form button").click()


def phone(browser: Browser) -> None:
    """A phone's viewport (375 × 812 CSS pixels)."""
    browser.driver.set_window_size(375, 812)
