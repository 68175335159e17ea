"""The measurements: one function per workload, each returning
{metric key: value} for one server and one round.

Times are taken by the compiled client (Instant) from the command that
starts the work to the reply that ends it; byte and entry counts are
checked, so a server that sends short cannot look fast.
"""

import os
import signal
import subprocess
import threading
import time

from . import procstat
from .client import Ftp, FtpError
from .driver import Run
from .fixture import PASSWORD, SMALL, USER

MB = 1e6


def logins(srv, fx, client, conc, seconds, key):
    """Full logins (connect, banner, USER, PASS, QUIT, close) by `conc`
    clients in parallel for `seconds`; logins per second."""
    run = Run(client, srv, "logins", conc, seconds)
    r = run.result()
    run.wait()
    srv.settle()
    return {key: r["logins"] / r["secs"]}


def _session(srv, client, *args, tracer=None):
    """Runs one session workload of the client. The CPU seconds of the
    session's processes are read right before the timed work starts and
    right after its last reply, while the session is still open.
    `tracer(pids)` (optional) is called at the same point, before the work,
    and returns a function to call after it."""
    before = srv.sessions()
    run = Run(client, srv, *args)
    try:
        if run.line() != "ready":
            raise FtpError("client out of step")
        done = tracer(sorted(srv.sessions() - before)) if tracer else None
        probe = procstat.CpuProbe(srv.pid, before)
        probe.start()
        run.go()
        r = run.result()
        cpu = probe.stop()
        if done:
            done()
        run.go()
        run.wait()
    finally:
        run.kill()
    return r, cpu


def retr_big(srv, fx, client, tracer=None):
    """RETR of big.bin in TYPE I: MB/s and the session's CPU seconds."""
    r, cpu = _session(srv, client, "retr", "big.bin", fx.big_size, tracer=tracer)
    return {"retr_mbs": fx.big_size / MB / r["secs"], "retr_cpu": cpu,
            "retr_client": r["client_cpu"]}


def stor_big(srv, fx, client, tracer=None):
    """STOR of big.bin's bytes (sendfile from the page cache) to up/."""
    try:
        r, cpu = _session(srv, client, "stor", "up/big.up", fx.path("big.bin"), tracer=tracer)
        size = os.stat(fx.path("up", "big.up")).st_size
    finally:
        fx.clear_uploads()
    if size != fx.big_size:
        raise FtpError(f"STOR: {size} bytes on disk, expected {fx.big_size}")
    return {"stor_mbs": fx.big_size / MB / r["secs"], "stor_cpu": cpu,
            "stor_client": r["client_cpu"]}


def small_files(srv, fx, client, tracer=None):
    """In one session: STOR then RETR `fx.small_files` files of 4 KiB, each
    with its own PASV; files per second for each direction, and the
    session's CPU seconds for both loops, per 1,000 files."""
    n = fx.small_files
    try:
        r, cpu = _session(srv, client, "small", n, tracer=tracer)
        stored = [os.stat(fx.path("up", f)).st_size for f in os.listdir(fx.path("up"))]
    finally:
        fx.clear_uploads()
    if len(stored) != n or any(s != SMALL for s in stored):
        raise FtpError(f"STOR: {len(stored)} files of {n} arrived, or short")
    return {"small_stor": n / r["stor_secs"], "small_retr": n / r["retr_secs"],
            "small_cpu": cpu * 1000 / n}


def listings(srv, fx, client, tracer=None):
    """LIST and MLSD of dir10k in TYPE A, in one session: milliseconds
    (MLSD None when the server does not implement it), and the session's
    CPU milliseconds for both."""
    r, cpu = _session(srv, client, "list", "dir10k", tracer=tracer)
    for verb in ("list", "mlsd"):
        got = r[f"{verb}_entries"]
        if got is not None and got < fx.list_entries:
            raise FtpError(f"{verb.upper()}: {got:.0f} entries listed of {fx.list_entries}")
    return {"list_ms": r["list_ms"], "mlsd_ms": r["mlsd_ms"], "list_cpu": cpu * 1000}


def idle_pss(srv, fx, client, count, conc=32):
    """Opens `count` logged-in sessions, then sums the Pss of the session
    processes: KiB per session. (Control traffic only: Python.)"""
    before = srv.sessions()
    conns, errors, lock = [], [], threading.Lock()
    todo = iter(range(count))

    def worker():
        while True:
            with lock:
                if next(todo, None) is None:
                    return
            try:
                c = Ftp(srv.addr)
                c.login(USER, PASSWORD)
            except (OSError, FtpError) as e:
                errors.append(e)
                return
            with lock:
                conns.append(c)

    threads = [threading.Thread(target=worker) for _ in range(conc)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise FtpError(f"{len(errors)} sessions failed to log in: {errors[0]}")
        time.sleep(0.5)  # let every session reach its idle read
        pids = srv.sessions() - before
        total = sum(p for p in map(procstat.pss_kib, pids) if p is not None)
    finally:
        for c in conns:
            c.close()
    srv.settle()
    return {"pss_kib": total / count, "procs_per_session": len(pids) / count}


class Strace:
    """`strace -c -f` attached to a session's processes for one workload."""

    def __init__(self):
        self.proc = None
        self.table = ""

    def __call__(self, pids):
        cmd = ["strace", "-c", "-f", "-o", "/dev/stderr"]
        for p in pids:
            cmd += ["-p", str(p)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)  # attach
        return self.stop

    def stop(self):
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            _, self.table = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.table = self.proc.communicate()
        self.proc = None

    def calls(self):
        """The total number of syscalls in the table."""
        for line in self.table.splitlines():
            f = line.split()
            if len(f) >= 5 and f[-1] == "total":
                return int(f[3])
        return 0
