#!/usr/bin/env python3
"""Run the same control-channel sessions against ProFTPD and proftpd-rs, diff.

Both daemons get the same config, the same AuthUserFile and the same home
directory (cleaned between runs), so every reply, paths included, must be
byte-identical.  Debian's ProFTPD runs through tests/compat/proftpd-1.3-shim,
which turns `Port 0` + `--port-file` into something ProFTPD understands.

    tests/compat/session_diff.py [--ours target/release/proftpd]
                                 [--theirs tests/compat/proftpd-1.3-shim]

Exit status: 0 identical, 1 different, 2 a server did not start.
FEAT and HELP are left out on purpose: they list the modules each build
has (Debian loads mod_tls, mod_sftp, ...), not behaviour.
"""

import argparse
import difflib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# SHA-512 crypt of "demo" (the same fixture as tests/common/mod.rs).
DEMO_HASH = ("$6$quickstart$CsGnIj5k66LooYo675r1nSnt830zLsTD3o8xSZw73hUPbxw"
             "Qv.DslNP1OZ8e5UAIR9R6LlKIUFmjwqXdFbVc61")
STARTUP = 5.0      # seconds for the port file
REPLY = 5.0        # seconds for one reply
CLOSE = 3.0        # seconds for a server-side close

# Each session: lines sent one at a time; the transcript records every reply.
SESSIONS = {
    "login and directories": [
        "USER demo", "PASS demo", "PWD", "MKD sub", "MKD sub", "CWD sub",
        "PWD", "CDUP", "CWD nonexistent", "RNFR sub", "RNTO renamed",
        "RNTO again", "RNFR nope", "RMD renamed", "RMD renamed",
        "XMKD x", "XCWD x", "XPWD", "XCUP", "XRMD x", "QUIT",
    ],
    "before login": [
        "PWD", "CWD /", "MKD x", "RMD x", "RNFR x", "DELE x", "NOOP", "SYST",
        "PASS x", "USER", "ACCT x", "FOO bar", "", "QUIT",
    ],
    "three failures": [
        "USER demo", "PASS a", "USER demo", "PASS b", "USER demo", "PASS c",
        "NOOP",
    ],
    "reauthentication": [
        "USER demo", "PASS demo", "USER demo", "USER other", "PASS demo",
        "CWD", "MKD", "RNTO", "DELE nonexistent", "QUIT",
    ],
    "transfer parameters": [
        "TYPE I", "USER demo", "PASS demo", "TYPE A", "TYPE i", "TYPE L 8",
        "TYPE X", "MODE S", "MODE B", "STRU F", "STRU R", "CLNT test client",
        "NOOP", "QUIT",
    ],
    "rename sequence": [
        "USER demo", "PASS demo", "MKD a", "RNFR a", "PWD", "RNTO b",
        "RMD b", "QUIT",
    ],
}


def free_ids():
    if os.geteuid() == 0:
        return 65534, 65534
    return os.geteuid(), os.getegid()


def prepare(state):
    """(Re)creates the user file and an empty home under `state`."""
    uid, gid = free_ids()
    home = os.path.join(state, "home", "demo")
    shutil.rmtree(os.path.join(state, "home"), ignore_errors=True)
    os.makedirs(home)
    os.chmod(state, 0o755)
    os.chmod(os.path.join(state, "home"), 0o755)
    if os.geteuid() == 0:
        os.chown(home, uid, gid)
    passwd = os.path.join(state, "ftpd.passwd")
    with open(passwd, "w") as f:
        f.write(f"demo:{DEMO_HASH}:{uid}:{gid}:demo:{home}:/bin/sh\n")
    os.chmod(passwd, 0o600)
    group = os.path.join(state, "ftpd.group")
    with open(group, "w") as f:
        f.write(f"demo:x:{gid}:demo\n")
    os.chmod(group, 0o600)
    return home


def config(state):
    lines = [
        "ServerType standalone",
        "UseIPv6 off",
        "DefaultAddress 127.0.0.1",
        "SocketBindTight on",
        "Port 0",
        f"PidFile {state}/proftpd.pid",
        f"SystemLog {state}/proftpd.log",
        'ServerName "Compat"',
        "AuthOrder mod_auth_file.c",
        f"AuthUserFile {state}/ftpd.passwd",
        f"AuthGroupFile {state}/ftpd.group",
        "RequireValidShell off",
    ]
    if os.geteuid() == 0:
        lines.append("DefaultRoot ~")
    path = os.path.join(state, "proftpd.conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


class Server:
    def __init__(self, binary, state):
        self.state = state
        conf = config(state)
        port_file = os.path.join(state, "ports")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.stderr = open(os.path.join(state, "stderr.log"), "w")
        self.proc = subprocess.Popen(
            [binary, "-n", "-q", "-c", conf, "--port-file", port_file],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr,
            cwd=state)
        deadline = time.monotonic() + STARTUP
        while True:
            try:
                with open(port_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    host, port = text.splitlines()[0].rsplit(":", 1)
                    self.addr = (host.strip("[]"), int(port))
                    return
            except FileNotFoundError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{binary} did not start (exit {self.proc.returncode})")
            time.sleep(0.01)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()


def read_reply(sock, buf):
    """Returns (reply bytes, rest of buffer); reply b'' on EOF/timeout."""
    deadline = time.monotonic() + REPLY
    while True:
        end = complete(buf)
        if end is not None:
            return buf[:end], buf[end:]
        left = deadline - time.monotonic()
        if left <= 0:
            return b"<timeout>" + buf, b""
        sock.settimeout(left)
        try:
            data = sock.recv(4096)
        except socket.timeout:
            continue
        except ConnectionResetError:
            data = b""
        if not data:
            return (buf + b"<closed>") if buf else b"<closed>", b""
        buf += data


def complete(buf):
    nl = buf.find(b"\n")
    if nl < 0:
        return None
    first = buf[:nl + 1]
    if len(first) < 4 or not first[:3].isdigit() or first[3:4] != b"-":
        return nl + 1
    pos = nl + 1
    while True:
        nl = buf.find(b"\n", pos)
        if nl < 0:
            return None
        line = buf[pos:nl + 1]
        pos = nl + 1
        if line[:3] == first[:3] and line[3:4] == b" ":
            return pos


def transcript(addr, lines):
    out = []
    sock = socket.create_connection(addr, timeout=REPLY)
    buf = b""
    reply, buf = read_reply(sock, buf)
    out.append(f"<<< {reply!r}")
    for line in lines:
        if reply.endswith(b"<closed>"):
            break
        out.append(f">>> {line}")
        try:
            sock.sendall(line.encode() + b"\r\n")
        except OSError:
            out.append("<<< <closed>")
            break
        reply, buf = read_reply(sock, buf)
        out.append(f"<<< {reply!r}")
    sock.close()
    return out


def run_all(binary, state):
    out = []
    for name, lines in SESSIONS.items():
        prepare(state)
        srv = Server(binary, state)
        try:
            out.append(f"=== {name}")
            out.extend(transcript(srv.addr, lines))
        finally:
            srv.stop()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ours", default=os.environ.get(
        "PROFTPD_TEST_BIN", os.path.join(REPO, "target/release/proftpd")))
    ap.add_argument("--theirs", default=os.path.join(REPO, "tests/compat/proftpd-1.3-shim"))
    ap.add_argument("--show", action="store_true", help="print ProFTPD's transcript")
    args = ap.parse_args()

    state = tempfile.mkdtemp(prefix="proftpd-rs-compat.")
    try:
        try:
            theirs = run_all(args.theirs, state)
            ours = run_all(args.ours, state)
        except RuntimeError as e:
            print(f"session_diff: {e}")
            return 2
    finally:
        shutil.rmtree(state, ignore_errors=True)

    if args.show:
        print("\n".join(theirs))
    diff = list(difflib.unified_diff(theirs, ours, "proftpd-1.3", "proftpd-rs", lineterm=""))
    if diff:
        print("\n".join(diff))
        print(f"session_diff: {sum(1 for d in diff if d.startswith('+') and not d.startswith('+++'))} "
              f"lines differ from ProFTPD")
        return 1
    print(f"session_diff: {len(SESSIONS)} sessions, {len(ours)} lines, identical to ProFTPD")
    return 0


if __name__ == "__main__":
    sys.exit(main())
