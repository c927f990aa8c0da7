"""A real CKAN served over HTTP on loopback, and headless Chromium to drive it.

Pages are tested the way people use them: Debian's ``chromium`` driven by
Playwright (the browser build Playwright would download is not used). The
server runs the test app in a thread of the test process, so it shares the
test database and anything the test created with factories.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
from contextlib import contextmanager
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from ckan.common import config

CHROMIUM = os.environ.get("GOVOPEN_CHROMIUM") or shutil.which("chromium") \
    or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, url: str, server) -> None:
        self.url = url
        self._server = server

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(ckan_config, make_app) -> Iterator[LiveServer]:
    """Serve the test app (with the test's ``ckan.plugins``) on a free port."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    config["ckan.site_url"] = url
    test_app = make_app()
    server = make_server("127.0.0.1", port, test_app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url, server)
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def _browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(live_server):
    """A fresh browser page (Chinese locale) for one test."""
    with _browser() as browser:
        context = browser.new_context(locale="zh-CN",
                                      viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(20000)
        try:
            yield pg
        finally:
            context.close()


def login(page, live_server: LiveServer, username: str, password: str):
    page.goto(live_server("/user/login"))
    page.fill("#field-login", username)
    page.fill("#field-password", password)
    page.press("#field-password", "Enter")
    page.wait_for_load_state("networkidle")
    if "/user/login" in page.url:
        raise AssertionError(f"login as {username} failed")
