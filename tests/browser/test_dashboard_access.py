"""Who gets in: ``rollstats dashboard`` as a server, spoken to over plain HTTP (no browser).

The server is the command itself (``python -m rollstats dashboard sample_data/patient.csv
--cull-after 10 --port N``). Without the token of the printed address it serves nothing and starts
no kernel (beyond the one preheated at its start, which waits for the first visit); with a foreign ``Host`` (what a DNS-rebinding page sends) it refuses even the token;
a kernel whose page never connects is shut down once the cull time has passed. The tests share
the server and run in file order.
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import re
import time
from pathlib import Path

import psutil
import pytest

from .browser_harness import Dashboard

REPO = Path(__file__).resolve().parents[2]
PATIENT = REPO / "sample_data" / "patient.csv"
CULL_AFTER = 10  #: seconds; the smallest the command takes
NO_KERNEL = "00000000-0000-4000-8000-000000000000"  #: the id of no kernel


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Dashboard(str(PATIENT), "--cull-after", str(CULL_AFTER), workdir=tmp_path_factory.mktemp("access"))
    yield server
    status = server.stop()
    assert status == 0, f"rollstats dashboard ended with status {status}:\n{server.log}"


def get(server, path: str, host: str | None = None, headers: dict | None = None, method: str = "GET"):
    """One request to the server, redirects not followed: ``(status, headers, body)``."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        headers = dict(headers or {})
        if host is not None:
            headers["Host"] = host
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def websocket_handshake(server, kernel_id: str, cookie: str | None = None) -> int:
    """The status of an attempt to open the websocket of ``kernel_id`` (101: opened, then closed)."""
    headers = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    if cookie:
        headers["Cookie"] = cookie
    return get(server, f"/api/kernels/{kernel_id}/channels", headers=headers)[0]


def refused(status: int, headers) -> bool:
    """403, or a redirect to the login form."""
    return status == 403 or (status == 302 and "/login" in headers.get("Location", ""))


@pytest.fixture(scope="module")
def loaded(server):
    """The page loaded once with the token: ``(kernel id, login cookie)``."""
    status, headers, body = get(server, f"/?token={server.token}")
    assert status == 200, body[-2000:]
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]{36})"', body).group(1)
    cookie = "; ".join(value.split(";")[0] for value in headers.get_all("Set-Cookie"))
    return kernel_id, cookie


def test_the_printed_address_carries_a_new_token_no_command_line_shows(server):
    printed = "".join(server.lines)
    assert re.fullmatch(rf"http://127\.0\.0\.1:{server.port}/\?token=[A-Za-z0-9_-]{{40,}}", server.url), printed
    assert server.url in printed
    top = psutil.Process(server.process.pid)
    lines = [" ".join(process.cmdline()) for process in (top, *top.children(recursive=True))]
    assert any("voila" in line for line in lines) and not any(server.token in line for line in lines)


@pytest.mark.parametrize("path", ["/", "/?token=wrong", "/?token=", "/voila/render/review_dashboard.ipynb",
                                  "/api/kernels", f"/api/kernels/{NO_KERNEL}"])
def test_without_the_token_nothing_is_served_and_no_kernel_starts(server, path):
    before = set(server.kernels())
    status, headers, body = get(server, path)
    assert refused(status, headers), (path, status, headers.get("Location"), body[:300])
    assert set(server.kernels()) <= before


def test_the_login_form_takes_the_token_and_offers_no_password_to_set(server):
    status, _, body = get(server, "/login")
    assert status == 200 and 'name="password"' in body
    assert 'name="new_password"' not in body  # jupyter_server would save it in the package folder


def test_a_foreign_host_is_refused_even_with_the_token(server):
    before = set(server.kernels())
    for host in ("evil.example", f"evil.example:{server.port}", f"127.0.0.1.nip.io:{server.port}"):
        assert get(server, f"/?token={server.token}", host=host)[0] == 403, host
        assert get(server, "/login", host=host)[0] == 403, host
    assert set(server.kernels()) <= before
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}"):  # the names of this computer
        assert get(server, "/login", host=host)[0] == 200, host


def test_with_the_token_the_page_is_served_and_starts_its_kernel(server, loaded):
    kernel_id, cookie = loaded
    assert kernel_id in server.kernels()
    assert cookie.startswith("username-")  # the token is traded for a login cookie


def test_the_kernel_api_and_websocket_need_the_login(server, loaded):
    kernel_id, cookie = loaded
    status, headers, _ = get(server, f"/api/kernels/{kernel_id}")
    assert refused(status, headers), status
    assert websocket_handshake(server, kernel_id) == 403
    status, _, body = get(server, f"/api/kernels/{kernel_id}", headers={"Cookie": cookie})
    assert status == 200 and json.loads(body)["id"] == kernel_id
    assert websocket_handshake(server, kernel_id, cookie) == 101
    # shutting a kernel down takes the login (and Voila's XSRF check) too
    assert get(server, f"/voila/api/shutdown/{kernel_id}", method="POST")[0] == 403
    assert kernel_id in server.kernels()


def test_a_kernel_whose_page_is_gone_is_shut_down(server, loaded):
    """Nothing holds the kernel of the page loaded above (the websocket opened and closed): the
    culler shuts it down within the cull time (waited for generously)."""
    kernel_id, _ = loaded
    process = server.kernels().get(kernel_id)
    try:
        if process is not None:
            process.wait(timeout=CULL_AFTER + 60)
    except psutil.TimeoutExpired:
        pytest.fail(f"kernel {kernel_id} still runs {CULL_AFTER + 60} s after its page went away:\n{server.log}")
    assert kernel_id not in server.kernels()
    assert re.search(rf"Culling .*{kernel_id}", server.log)  # the culler did it


def test_each_start_has_its_own_token(server, tmp_path):
    other = Dashboard(str(PATIENT), workdir=tmp_path)
    try:
        assert other.token != server.token
        # the one kernel a server starts by itself: the preheated one, waiting for the first visit
        deadline = time.monotonic() + 60
        while not other.kernels() and time.monotonic() < deadline:
            time.sleep(0.2)
        standby = set(other.kernels())
        assert len(standby) == 1, other.log
        absent = f"/api/kernels/{NO_KERNEL}"  # 404 once logged in, without starting a kernel
        status, headers, _ = get(other, f"{absent}?token={server.token}")
        assert refused(status, headers), status
        assert get(other, f"{absent}?token={other.token}")[0] == 404
        assert set(other.kernels()) == standby
    finally:
        assert other.stop() == 0, other.log
