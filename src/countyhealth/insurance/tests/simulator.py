"""The insurance simulator as a real subprocess on a free loopback port, for tests, browser tests and benches."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

SRC = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SimulatorProcess:
    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="insurance-sim-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.http = httpx.Client(base_url=self.url, timeout=5)
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "insurance_simulator", "--port", str(self.port),
             "--db", str(Path(self.dir.name) / "sim.sqlite3")], env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while True:
            try:
                if self.http.get("sim/health", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the insurance simulator did not start")
            time.sleep(0.05)

    def fault(self, infno: str, kind: str, *, seconds: float = 0, remaining: int = 1) -> None:
        """kind: "error" (HTTP 500, nothing done), "delay" (sleep, then do it), "delay_after" (do it, answer late)."""
        self.http.post("sim/faults", json={"infno": infno, "kind": kind, "seconds": seconds,
                                           "remaining": remaining}).raise_for_status()

    def clear_faults(self) -> None:
        self.http.post("sim/faults", json={"clear": True}).raise_for_status()

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.dir.cleanup()
