"""A real `streamlit run` on a free port, for the browser tests and the browser benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A running `streamlit run workbench.py` (or another script) on its own port and
    database file."""

    def __init__(self, db_url: str, script: Path = REPO_ROOT / "workbench.py") -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "WORKBENCH_DB_URL": db_url}
        # The server's output goes to a file, never to a pipe nobody reads (a full pipe would
        # block a server that logs a lot); a failure shows its tail.
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = ARTIFACTS / f"streamlit-{self.port}.log"
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.headless=true",
                "--server.address=127.0.0.1",
                f"--server.port={self.port}",
                "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        self.started_in = self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("streamlit did not become healthy")

    def output(self, tail: int = 20_000) -> str:
        """The newest part of what the server printed."""
        return self.log.read_bytes()[-tail:].decode(errors="replace")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log_file.close()
