"""vsftpd and pure-ftpd, the peers ProFTPD is measured against.

Debian's vsftpd and pure-ftpd cannot be installed next to proftpd-basic
(all three `Conflicts: ftp-server`), so the harness keeps its own copies:
`apt-get download` fetches the .debs into bench/.peers/debs and
`dpkg-deb -x` unpacks each into bench/.peers/<package>/ (gitignored). Both
steps are skipped when already done, and the whole thing is skipped when
the daemon is installed system-wide. Nothing is configured or started by
dpkg: the harness runs the binaries with configs of its own.
"""

import glob
import os
import subprocess

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(BENCH, ".peers")

# package -> the daemon inside it
DAEMONS = {"vsftpd": "usr/sbin/vsftpd", "pure-ftpd": "usr/sbin/pure-ftpd"}


def missing_libs(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if "not found" in line]


def locate(package, fetch, log):
    """Path of the daemon of `package`, or None (with a reason logged)."""
    rel = DAEMONS[package]
    system = "/" + rel
    if os.access(system, os.X_OK):
        return system
    root = os.path.join(PEERS, package)
    binary = os.path.join(root, rel)
    if not os.access(binary, os.X_OK):
        debs = os.path.join(PEERS, "debs")
        found = glob.glob(os.path.join(debs, f"{package}_*.deb"))
        if not found and fetch:
            os.makedirs(debs, exist_ok=True)
            log(f"fetching {package} (apt-get download) into {debs}")
            try:
                r = subprocess.run(["apt-get", "download", package], cwd=debs,
                                   capture_output=True, text=True, timeout=180)
            except (OSError, subprocess.TimeoutExpired) as e:
                r = None
                log(f"{package}: apt-get download failed: {e}")
            if r is not None and r.returncode != 0:
                log(f"{package}: apt-get download failed: {r.stderr.strip()[-200:]}")
            found = glob.glob(os.path.join(debs, f"{package}_*.deb"))
        if not found:
            log(f"{package}: not installed and no .deb (see docs/BENCH.md): skipped")
            return None
        os.makedirs(root, exist_ok=True)
        r = subprocess.run(["dpkg-deb", "-x", sorted(found)[-1], root],
                           capture_output=True, text=True)
        if r.returncode != 0 or not os.access(binary, os.X_OK):
            log(f"{package}: dpkg-deb -x failed: {r.stderr.strip()}")
            return None
    libs = missing_libs(binary)
    if libs:
        log(f"{package}: shared libraries missing ({', '.join(libs)}): skipped")
        return None
    return binary
