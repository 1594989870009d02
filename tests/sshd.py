"""A throwaway sshd on 127.0.0.1 for the tests: its own host key, port and authorized key."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
MISSING = None if os.path.exists(SSHD) and shutil.which("ssh") and shutil.which("ssh-keygen") \
    else "openssh-server and the ssh client are not installed (apt-get install openssh-server)"
if MISSING is None and os.getuid() != 0:
    MISSING = "the test sshd logs in as root with a throwaway key: run the tests as root"


@dataclass
class Server:
    """Where the test sshd listens, and the ssh options that reach it."""

    port: int
    options: list[str]
    destination: str = "root@127.0.0.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def sshd() -> Iterator[Server]:
    """Start sshd in the foreground; yield once it says it listens; stop it after."""
    folder = Path(tempfile.mkdtemp(prefix="mpscope-sshd-"))
    try:
        for name in ("host_key", "client_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                            str(folder / name)], check=True)
        (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # its privilege separation dir
        port = _free_port()
        (folder / "sshd_config").write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {folder / 'host_key'}
AuthorizedKeysFile {folder / 'authorized_keys'}
PidFile {folder / 'sshd.pid'}
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
""")
        server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(folder / "sshd_config")],
                                  stderr=subprocess.PIPE, text=True)
        listening, said = threading.Event(), []

        def drain() -> None:  # sshd logs each connection: read it all, or it would block
            assert server.stderr is not None
            for line in server.stderr:
                said.append(line)
                if "Server listening" in line:
                    listening.set()

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        try:
            if not listening.wait(20):
                raise RuntimeError(f"sshd did not start: {''.join(said)[-500:]}")
            yield Server(port, ["-p", str(port), "-i", str(folder / "client_key"),
                                "-o", "StrictHostKeyChecking=no",
                                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"])
        finally:
            server.terminate()
            server.wait(10)
            reader.join(10)
            assert server.stderr is not None
            server.stderr.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
