"""Control-connection-only FTP client (Python), for what is not timed
closely: warm-up logins and holding 200 idle sessions open. Every timed
workload runs in the compiled client (driver.py, client/src/main.rs)."""

import socket

REPLY_TIMEOUT = 10.0   # seconds for one reply


class FtpError(RuntimeError):
    pass


class Ftp:
    """One control connection."""

    def __init__(self, addr, timeout=REPLY_TIMEOUT):
        self.sock = socket.create_connection(addr, timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.expect("220")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise FtpError("control connection closed")
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r").decode("latin-1")

    def reply(self):
        """(code, text) of the next reply; multi-line replies are joined."""
        first = self._line()
        code, lines = first[:3], [first]
        if first[3:4] == "-":
            while True:
                line = self._line()
                lines.append(line)
                if line[:3] == code and line[3:4] == " ":
                    break
        return code, "\n".join(lines)

    def expect(self, prefix, line=None):
        if line is not None:
            self.sock.sendall(line.encode("latin-1") + b"\r\n")
        code, text = self.reply()
        if not code.startswith(prefix):
            raise FtpError(f"{line or 'banner'}: expected {prefix}, got {text!r}")
        return text

    def login(self, user, password):
        self.expect("331", f"USER {user}")
        self.expect("230", f"PASS {password}")


def login_once(addr, user, password):
    """connect, banner, USER, PASS, QUIT (221), close."""
    with Ftp(addr) as c:
        c.login(user, password)
        c.expect("221", "QUIT")
