"""Each daemon under test, started in the foreground on 127.0.0.1.

Fairness rules, the same for every server: 127.0.0.1 only; the system user
from fixture.py; no chroot; no reverse DNS; no transfer log; no login delay;
default transfer settings otherwise (sendfile where the server uses it by
default); limits raised so 200 sessions fit.
"""

import os
import signal
import socket
import subprocess
import time

from . import procstat
from .fixture import USER

STARTUP = 5.0   # seconds for a server to listen
SESSIONS = 300  # connection limit given to every server


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """A daemon process; subclasses say how to configure and start it."""

    name = "?"
    has_port_file = False
    errors_on_stdin = False

    def __init__(self, binary, state):
        self.binary = binary
        self.state = state
        self.proc = None
        self.notes = []

    def command(self, port):
        raise NotImplementedError

    def start(self):
        port = 0 if self.has_port_file else free_port()
        cmd = self.command(port)
        self.stderr = open(os.path.join(self.state, f"{self.name}.stderr"), "w")
        # vsftpd writes its startup errors to fd 0.
        stdin = self.stderr if self.errors_on_stdin else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, stdin=stdin,
                                     stdout=self.stderr, stderr=self.stderr,
                                     cwd=self.state, start_new_session=True)
        deadline = time.monotonic() + STARTUP
        while True:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                with open(self.stderr.name) as f:
                    tail = f.read()[-600:]
                raise RuntimeError(f"{self.name} ({' '.join(cmd)}) did not start:\n{tail}")
            addr = self._listening(port)
            if addr:
                self.addr = addr
                break
            time.sleep(0.02)
        if not self.has_port_file:
            # The probe connect was a session: let it go before measuring.
            self.settle()

    def _listening(self, port):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return ("127.0.0.1", port)
        except OSError:
            return None

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def sessions(self):
        return procstat.descendants(self.pid)

    def settle(self, limit=5.0):
        """Waits (bounded) until no session process is left."""
        deadline = time.monotonic() + limit
        while self.sessions() and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            kids = self.sessions()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            # Sessions the master left behind (it started them, so they
            # are ours to end).
            for pid in kids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            deadline = time.monotonic() + 2
            while any(os.path.exists(f"/proc/{p}") for p in kids) \
                    and time.monotonic() < deadline:
                time.sleep(0.02)
        self.stderr.close()
        self.proc = None


class ProFTPDFamily(Server):
    """ProFTPD 1.3.8 and proftpd-rs: the same config text, plus lines per
    daemon (ours does not parse every ProFTPD directive yet)."""

    extra = ()

    def config_lines(self, port):
        st = self.state
        return [
            "ServerType standalone",
            "UseIPv6 off",
            "DefaultAddress 127.0.0.1",
            "SocketBindTight on",
            f"Port {port}",
            f"PidFile {st}/{self.name}.pid",
            f"SystemLog {st}/{self.name}.log",
            'ServerName "Bench"',
            "AuthOrder mod_auth_unix.c",
            "UseReverseDNS off",
            f"MaxInstances {SESSIONS}",
            "Umask 022",
        ] + list(self.extra)

    def write_config(self, port, lines=None):
        conf = os.path.join(self.state, f"{self.name}.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines or self.config_lines(port)) + "\n")
        return conf


class ProFTPD(ProFTPDFamily):
    name = "proftpd-1.3"
    # DelayEngine off: mod_delay pads USER/PASS on purpose (so failed and
    # good logins take equally long), which is not speed.
    extra = ("WtmpLog off", "DelayEngine off", "TransferLog NONE",
             "AllowOverwrite on")

    def config_lines(self, port):
        return super().config_lines(port) + [
            f"ScoreboardFile {self.state}/{self.name}.scoreboard"]

    def command(self, port):
        return [self.binary, "-n", "-q", "-c", self.write_config(port)]

    def version(self):
        r = subprocess.run([self.binary, "-v"], capture_output=True, text=True)
        return r.stdout.strip() or r.stderr.strip()


class Ours(ProFTPDFamily):
    name = "proftpd-rs"
    has_port_file = True
    # Lines ProFTPD gets too; each is kept only if our build parses it
    # (checked with -t), so the harness runs while directives land.
    optional = ("TransferLog NONE", "AllowOverwrite on")

    def command(self, port):
        base = self.config_lines(port)
        kept = []
        for line in self.optional:
            conf = self.write_config(port, base + kept + [line])
            r = subprocess.run([self.binary, "-t", "-c", conf],
                               capture_output=True, text=True, timeout=10)
            if r.returncode == 0:
                kept.append(line)
            else:
                self.notes.append(f"{self.name}: left out '{line}' (not parsed yet)")
        conf = self.write_config(port, base + kept)
        self.port_file = os.path.join(self.state, f"{self.name}.ports")
        return [self.binary, "-n", "-q", "-c", conf, "--port-file", self.port_file]

    def _listening(self, port):
        try:
            with open(self.port_file) as f:
                text = f.read()
        except FileNotFoundError:
            return None
        if not text.endswith("\n"):
            return None
        host, p = text.splitlines()[0].rsplit(":", 1)
        return (host.strip("[]"), int(p))

    def version(self):
        r = subprocess.run([self.binary, "-v"], capture_output=True, text=True)
        return (r.stdout.strip() or r.stderr.strip()) + f" ({self.binary})"


class Vsftpd(Server):
    """vsftpd 3.0.3 has no reverse-DNS setting: it never resolves names."""

    name = "vsftpd"
    errors_on_stdin = True

    def command(self, port):
        empty = os.path.join(self.state, "vsftpd-empty")
        os.makedirs(empty, exist_ok=True)
        os.chmod(empty, 0o755)
        # Its own PAM service file comes with an installed package only;
        # "other" is Debian's fallback stack (common-auth: pam_unix).
        pam = "vsftpd" if os.path.exists("/etc/pam.d/vsftpd") else "other"
        if pam == "other":
            self.notes.append("vsftpd: PAM service 'other' (pam_unix via common-*)")
        lines = [
            "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1",
            f"listen_port={port}", "background=NO",
            "anonymous_enable=NO", "local_enable=YES", "write_enable=YES",
            "local_umask=022", "chroot_local_user=NO",
            "xferlog_enable=NO", "dirmessage_enable=NO", "syslog_enable=NO",
            f"vsftpd_log_file={self.state}/vsftpd.log",
            "max_clients=0", "max_per_ip=0",
            "seccomp_sandbox=NO", f"secure_chroot_dir={empty}",
            f"pam_service_name={pam}", "userlist_enable=NO", "tcp_wrappers=NO",
            "connect_from_port_20=NO", "use_sendfile=YES",
        ]
        conf = os.path.join(self.state, "vsftpd.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        return [self.binary, conf]

    def version(self):
        return _package_version(self.binary, "vsftpd")


class PureFtpd(Server):
    name = "pure-ftpd"

    def command(self, port):
        return [self.binary,
                "-S", f"127.0.0.1,{port}",
                "-l", "unix",        # /etc/passwd + /etc/shadow, crypt()
                "-E",                # no anonymous logins
                "-H",                # no reverse DNS
                "-4",
                "-c", str(SESSIONS), "-C", str(SESSIONS),
                "-u", "1",           # our user is a system user (uid < 1000)
                "-L", "100000:8",    # listings beyond the 10,000-entry default
                "-U", "022:022",
                "-f", "none"]        # no syslog

    def version(self):
        return _package_version(self.binary, "pure-ftpd")


def _package_version(binary, package):
    """Version of the .deb the binary came from (installed or unpacked)."""
    if binary.startswith("/usr/"):
        r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package],
                           capture_output=True, text=True)
        return f"{package} {r.stdout.strip()} (installed)"
    root = binary.rsplit("/usr/sbin/", 1)[0]
    debs = sorted(os.listdir(os.path.join(os.path.dirname(root), "debs")))
    debs = [d for d in debs if d.startswith(package + "_")]
    return f"{package} {debs[-1].split('_')[1] if debs else '?'} (unpacked in {root})"
