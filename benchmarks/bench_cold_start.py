"""Cold start of the workbench: `streamlit run` to healthy, and to the setup page in Chromium.

Baseline in the same run: a minimal one-line Streamlit app started the same way, so the ratio
says what our imports, migrations and first page cost on top of Streamlit itself.
Run: .venv/bin/python benchmarks/bench_cold_start.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(script: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str, float]:
    port = _port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return proc, url, time.perf_counter() - t0
        except OSError:
            time.sleep(0.05)


def measure(script: Path, text: str, env: dict[str, str]) -> tuple[float, float]:
    """Seconds to healthy, and to `text` visible in a fresh browser page."""
    t0 = time.perf_counter()
    proc, url, healthy = _start(script, env)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page()
            page.goto(url)
            page.get_by_text(text).first.wait_for(timeout=60_000)
            rendered = time.perf_counter() - t0
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return healthy, rendered


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text("import streamlit as st\nst.title('Minimal page')\n")
        env = {**os.environ, "WORKBENCH_DB_URL": f"sqlite:///{tmp}/cold.db"}
        base_health, base_render = measure(minimal, "Minimal page", env)
        ours_health, ours_render = measure(ROOT / "workbench.py", "First-time setup", env)
    print(f"minimal app: healthy {base_health:.2f} s, rendered {base_render:.2f} s")
    print(
        f"workbench (empty database, setup page): healthy {ours_health:.2f} s, "
        f"rendered {ours_render:.2f} s"
    )
    print(f"ratio rendered workbench / minimal: {ours_render / base_render:.2f}x")


if __name__ == "__main__":
    main()
