"""The page as the runtime serves it: `edge wyoming` (the runtime without its microphone, the same
``edge.app.run`` as `edge run`) with ``web.enabled`` serves it on its own event loop, behind the token,
with the devices of the runtime's context store, and a real Mosquitto for the home."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from edge.context.broker import MosquittoBroker

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "devices" / "homes" / "demo.toml"
TOKEN = "runtime-page-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_the_runtime_serves_the_page_behind_the_token(tmp_path: Path, broker: MosquittoBroker) -> None:
    port = free_port()
    cmd = [
        sys.executable, "-m", "edge", "wyoming", "--uri", f"tcp://127.0.0.1:{free_port()}",
        "--home", str(DEMO),
        "--broker", f"127.0.0.1:{broker.port}", "--db", str(tmp_path / "turns.sqlite3"),
        "--set", "web.enabled=true", "--set", f"web.port={port}", "--set", f"web.token={TOKEN}",
        "--set", f"paths.state_dir={tmp_path / 'state'}",
    ]  # fmt: skip
    runtime = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        status = 0
        while time.monotonic() < deadline and runtime.poll() is None:
            try:
                status, _ = get(f"http://127.0.0.1:{port}/login")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert status == 200, runtime.stderr.read() if runtime.poll() is not None else "no page in 120 s"
        assert get(f"http://127.0.0.1:{port}/home")[0] == 303  # to the login form
        status, html = get(f"http://127.0.0.1:{port}/home", TOKEN)
        assert status == 200 and "light.kitchen" in html and "safety-critical" in html
        status, html = get(f"http://127.0.0.1:{port}/today", TOKEN)
        assert status == 200 and "No turns yet" in html
    finally:
        runtime.terminate()
        try:
            runtime.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            runtime.kill()
            runtime.communicate()
