"""A throwaway Orthanc for the tests: Debian's /usr/sbin/Orthanc on a free loopback port, its own config and
storage in a temp directory, authentication with a generated password. One per test process (xdist workers
each get their own), stopped at exit. Tests using it are skipped, saying why, only where Orthanc is not
installed (bin/test installs Debian's orthanc, orthanc-dicomweb and orthanc-webviewer). The DICOMweb plugin is
loaded (pacs_server.config): the platform stores with STOW-RS and queries with QIDO-RS."""

import atexit
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from countyhealth.imaging import pacs_server


@dataclass
class Orthanc:
    url: str
    username: str
    password: str
    process: subprocess.Popen
    directory: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.directory, ignore_errors=True)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.url.rstrip("/") + path, auth=(self.username, self.password), timeout=10)


def _die_with_parent() -> None:
    """Linux PR_SET_PDEATHSIG: Orthanc gets SIGTERM when the test process ends, even one that exits without
    running atexit handlers (xdist workers)."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_server: Orthanc | None = None


def start() -> Orthanc:
    binary = pacs_server.executable()
    if binary is None:
        pytest.skip("Orthanc is not installed (Debian package `orthanc`; bin/test installs it)")
    if not pacs_server.has_dicomweb():
        pytest.skip("Orthanc's DICOMweb plugin is not installed (Debian package `orthanc-dicomweb`; bin/test "
                    "installs it)")
    directory = Path(tempfile.mkdtemp(prefix="countyhealth-orthanc-"))
    username, password, port = "countyhealth", secrets.token_urlsafe(16), _free_port()
    config = pacs_server.write_config(directory, port=port, username=username, password=password)
    log = (directory / "orthanc.log").open("w")
    process = subprocess.Popen([binary, str(config)], stdout=log, stderr=subprocess.STDOUT,
                               preexec_fn=_die_with_parent)
    server = Orthanc(f"http://127.0.0.1:{port}/", username, password, process, directory)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if server.get("/system").status_code == 200:
                if "dicom-web" not in server.get("/plugins").json():
                    break  # the plugin is there but did not load: say so below with Orthanc's log
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    output = (directory / "orthanc.log").read_text()[-2000:]
    server.stop()
    raise RuntimeError(f"Orthanc did not start:\n{output}")


def running() -> Orthanc:
    """This process's Orthanc, started on first use."""
    global _server
    if _server is None or _server.process.poll() is not None:
        _server = start()
        atexit.register(_server.stop)
    return _server


def point_settings_at(settings, server: Orthanc) -> None:
    settings.ORTHANC_URL, settings.ORTHANC_USERNAME, settings.ORTHANC_PASSWORD = (
        server.url, server.username, server.password)
    settings.ORTHANC_DICOMWEB_ROOT = "/dicom-web/"  # pacs_server.config's default


@pytest.fixture(scope="session")
def orthanc():
    return running()


@pytest.fixture
def pacs(orthanc, settings):
    """Django settings pointing at the test Orthanc for this test."""
    point_settings_at(settings, orthanc)
    return orthanc


@pytest.fixture
def pacs_down(settings):
    """Settings pointing at a loopback port where nothing listens: Orthanc unreachable."""
    settings.ORTHANC_URL = f"http://127.0.0.1:{_free_port()}/"
    settings.ORTHANC_USERNAME, settings.ORTHANC_PASSWORD = "countyhealth", "x"
    settings.ORTHANC_TIMEOUT = 2
