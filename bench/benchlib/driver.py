"""Runs the compiled client (bench/client, `ftpbench`) for one workload.

bench/run builds it once per run with cargo (its own workspace, std only).
The client prints `ready` when a transfer is one command away and waits for
a line on stdin, so the harness can read the server's CPU time right
before and right after the transfer, while the session is still open.
"""

import os
import select
import subprocess
import time

from .client import FtpError
from .fixture import PASSWORD, USER

CLIENT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "client")
WAIT = 120.0  # seconds for any one line from the client


def build():
    """cargo build --release of the client; returns the binary's path."""
    target = os.path.join(CLIENT_DIR, "target")
    r = subprocess.run(["cargo", "build", "--release", "--quiet",
                        "--manifest-path", os.path.join(CLIENT_DIR, "Cargo.toml"),
                        "--target-dir", target],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"building bench/client failed:\n{r.stderr[-2000:]}")
    return os.path.join(target, "release", "ftpbench")


class Run:
    """One ftpbench process."""

    def __init__(self, binary, srv, *args):
        addr = f"{srv.addr[0]}:{srv.addr[1]}"
        self.proc = subprocess.Popen([binary, addr, USER, PASSWORD] + [str(a) for a in args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def line(self):
        """The next line; raises FtpError on `error ...`, EOF or timeout."""
        ready, _, _ = select.select([self.proc.stdout], [], [], WAIT)
        if not ready:
            self.kill()
            raise FtpError(f"client silent for {WAIT:.0f}s")
        text = self.proc.stdout.readline().strip()
        if not text or text.startswith("error"):
            self.kill()
            raise FtpError(text[6:] if text else "client exited")
        return text

    def go(self):
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def result(self):
        """{key: float or None} from the `result k=v ...` line."""
        text = self.line()
        if not text.startswith("result "):
            raise FtpError(f"client said {text!r}")
        out = {}
        for item in text[7:].split():
            k, _, v = item.partition("=")
            out[k] = None if v == "na" else float(v)
        return out

    def wait(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        deadline = time.monotonic() + 15
        while self.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if self.proc.poll() is None:
            self.kill()
            raise FtpError("client did not finish")
        if self.proc.returncode != 0:
            rest = self.proc.stdout.read().strip()
            raise FtpError(rest[6:] if rest.startswith("error") else "client failed")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
