"""The benchmark's user and files, in one temporary directory.

Every server logs in the same system user, `benchftp` (created here, removed
at the end), whose /etc/shadow hash is the SHA-512 crypt of "demo" with
5000 rounds: the same crypt cost for every server, whichever way it checks
passwords (ProFTPD and ours: mod_auth_unix; vsftpd: PAM pam_unix;
pure-ftpd: -l unix).

By default the temporary directory is a tmpfs mounted for the run (and
unmounted at the end): the disk here is ext4 with online discard under a
shared VM, and its journal commits made the STOR rounds vary by 3x, which
measures the disk, not the server. `--fs disk` keeps everything on /tmp.

Layout of the home directory (owned by the user):
  big.bin     the RETR file, real bytes (a random 1 MiB block repeated):
              a sparse file would read unrealistically fast
  small/      the 4 KiB files for RETR (f0000 ...)
  up/         STOR target; emptied by the harness after every round
  dir10k/     the listing directory (empty files e00000 ...)
"""

import grp
import os
import pwd
import shutil
import subprocess
import time

USER = "benchftp"
PASSWORD = "demo"
# SHA-512 crypt of "demo" (the hash tests/common/mod.rs uses too).
HASH = ("$6$quickstart$CsGnIj5k66LooYo675r1nSnt830zLsTD3o8xSZw73hUPbxw"
        "Qv.DslNP1OZ8e5UAIR9R6LlKIUFmjwqXdFbVc61")
SMALL = 4096


class Fixture:
    def __init__(self, state, big_size, small_files, list_entries):
        self.state = state
        self.mounted = False
        self.home = os.path.join(state, "home")
        self.big_size = big_size
        self.small_files = small_files
        self.list_entries = list_entries
        self.created_user = False

    # -- the user -----------------------------------------------------------

    def create_user(self):
        # Left over from a run that was killed (bench/run holds a lock, so
        # no other run owns them): start clean.
        try:
            pwd.getpwnam(USER)
            subprocess.run(["userdel", USER], check=False, capture_output=True)
        except KeyError:
            pass
        try:
            grp.getgrnam(USER)
            subprocess.run(["groupdel", USER], check=False, capture_output=True)
        except KeyError:
            pass
        os.makedirs(self.home)
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                        "--home-dir", self.home, "--shell", "/bin/sh", USER],
                       check=True, capture_output=True)
        self.created_user = True
        subprocess.run(["chpasswd", "-e"], input=f"{USER}:{HASH}\n", text=True,
                       check=True, capture_output=True)
        pw = pwd.getpwnam(USER)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid

    def remove_user(self):
        if self.created_user:
            subprocess.run(["userdel", USER], check=False, capture_output=True)
            self.created_user = False

    # -- the files ----------------------------------------------------------

    def mount_tmpfs(self, size):
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755",
                        "proftpd-rs-bench", self.state], check=True, capture_output=True)
        self.mounted = True

    def path(self, *parts):
        return os.path.join(self.home, *parts)

    def create_files(self):
        os.chmod(self.state, 0o755)
        block = os.urandom(1 << 20)
        with open(self.path("big.bin"), "wb") as f:
            left = self.big_size
            while left:
                n = min(left, len(block))
                f.write(block[:n])
                left -= n
        os.makedirs(self.path("small"))
        payload = os.urandom(SMALL)
        for i in range(self.small_files):
            with open(self.path("small", f"f{i:04d}"), "wb") as f:
                f.write(payload)
        os.makedirs(self.path("up"))
        os.makedirs(self.path("dir10k"))
        for i in range(self.list_entries):
            open(self.path("dir10k", f"e{i:05d}"), "wb").close()
        for root, dirs, files in os.walk(self.home):
            for name in [root] + [os.path.join(root, n) for n in dirs + files]:
                os.chown(name, self.uid, self.gid)
        # Read the RETR file once so every server finds it in the page cache.
        with open(self.path("big.bin"), "rb") as f:
            while f.read(1 << 24):
                pass

    def clear_uploads(self):
        """Removes what STOR left (before writeback: no disk traffic)."""
        up = self.path("up")
        for name in os.listdir(up):
            os.unlink(os.path.join(up, name))
        # Whatever the kernel still has queued for the disk goes now, not
        # during the next server's measurement.
        os.sync()

    def remove(self):
        self.remove_user()
        if self.mounted:
            # A session process killed a moment ago may still hold its cwd
            # here (EBUSY): retry briefly, then detach the mount lazily so
            # that none is ever left behind.
            for _ in range(30):
                if subprocess.run(["umount", self.state], capture_output=True).returncode == 0:
                    self.mounted = False
                    break
                time.sleep(0.1)
            else:
                subprocess.run(["umount", "-l", self.state], capture_output=True)
                self.mounted = False
        if not self.mounted:
            shutil.rmtree(self.state, ignore_errors=True)


def free_memory():
    """MemAvailable from /proc/meminfo, in bytes."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize
