"""What the kernel knows about a server's processes (/proc).

A "session process" is any descendant of the server's master that did not
exist before the session connected: one process for ProFTPD and ours, two
for vsftpd (its privileged parent and the unprivileged child) and for
pure-ftpd (privsep). Their CPU time is utime+stime from /proc/<pid>/stat,
which covers every thread of the process; their memory is the Pss line of
/proc/<pid>/smaps_rollup (shared pages divided among the processes that
map them).
"""

import os

TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    """Fields 3.. of /proc/<pid>/stat (the comm field may hold spaces)."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    return text[text.rindex(")") + 2:].split()


def parents():
    """{pid: ppid} for every process visible now."""
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                out[int(name)] = int(_stat_fields(name)[1])
            except (OSError, ValueError, IndexError):
                pass  # exited while we looked
    return out


def descendants(master):
    """Every pid below `master` (children, grandchildren, ...)."""
    tree = {}
    for pid, ppid in parents().items():
        tree.setdefault(ppid, []).append(pid)
    out, todo = set(), [master]
    while todo:
        for child in tree.get(todo.pop(), ()):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def cpu_seconds(pids):
    """{pid: utime+stime in seconds} for the pids still alive."""
    out = {}
    for pid in pids:
        try:
            f = _stat_fields(pid)
            # stat fields 14 and 15 (utime, stime); f[0] is field 3.
            out[pid] = (int(f[11]) + int(f[12])) / TICK
        except (OSError, ValueError, IndexError):
            pass
    return out


class CpuProbe:
    """CPU seconds a session's processes spend between start() and stop().

    Processes alive at both ends count their difference; processes born in
    between count whole (their CPU all falls in the interval); processes
    that exited in between are lost, which is why the probe is read while
    the session is still open (before QUIT).
    """

    def __init__(self, master, before):
        self.master = master
        self.before = before  # pids that belong to earlier sessions

    def _session(self):
        return descendants(self.master) - self.before

    def start(self):
        self.t0 = cpu_seconds(self._session())

    def stop(self):
        t1 = cpu_seconds(self._session())
        return sum(v - self.t0.get(pid, 0.0) for pid, v in t1.items())


def pss_kib(pid):
    """The Pss line of /proc/<pid>/smaps_rollup, in KiB (None if gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def time_wait():
    """Sockets in TIME_WAIT on this machine (/proc/net/tcp{,6}, state 06).

    Each one holds a local port; bind(2) to port 0, which ProFTPD and ours
    use for PASV when PassivePorts is unset, gets slower as they pile up
    (the kernel searches the ephemeral range for a port nobody holds)."""
    n = 0
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                next(f, None)
                n += sum(1 for line in f if line.split()[3:4] == ["06"])
        except OSError:
            pass
    return n
