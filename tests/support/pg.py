"""A throwaway PostgreSQL server on loopback, for the test suite and the benchmarks.

Debian's initdb refuses to run as root, so the cluster is created and run as the `postgres` system user in a
temporary directory it owns; the server listens on 127.0.0.1 on a free port and is stopped on exit. When the
server binaries are missing they are installed from Debian's packages."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def ensure_installed() -> Path:
    if _bin_dir() is None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"], check=True, env=env)
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries not found after install")
    return bin_dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextlib.contextmanager
def throwaway_postgres(*, fast: bool = True, shared_buffers: str = "256MB"):
    """Yield a DATABASE_URL for a fresh superuser connection; the whole cluster is removed afterwards."""
    bin_dir = ensure_installed()
    workdir = tempfile.mkdtemp(prefix="countyhealth-pg-")
    datadir = os.path.join(workdir, "data")
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    os.chmod(workdir, 0o700)
    port = _free_port()
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", datadir, "-A", "trust", "-U", "postgres",
                                 "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    options = f"-k {workdir} -h 127.0.0.1 -p {port} -c shared_buffers={shared_buffers} -c max_connections=200"
    if fast:  # durability is worth nothing for a database that is thrown away
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", datadir, "-o", options, "-l",
                                 os.path.join(workdir, "server.log"), "-w", "start"]), check=True, capture_output=True)
    try:
        _wait_ready(port)
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", datadir, "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not start on port {port}")
