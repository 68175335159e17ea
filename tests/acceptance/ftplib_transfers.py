#!/usr/bin/env python3
"""Acceptance: Python's ftplib moves files through the daemon (issue 3).

Started by tests/clients.rs against a server whose user logs in to --home
without a chroot (so the script can check what landed on disk), with
AllowOverwrite and AllowStoreRestart on, and a large file `big.bin` of
--big-size bytes already in the home.  It covers storbinary, retrbinary
(also with rest=), storlines and retrlines, the raw bytes of ASCII transfers
both ways, APPE, REST+STOR, SIZE, MDTM, LIST (dir), NLST (nlst), MLSD (mlsd)
and abort() during a large RETR.

Replies compared exactly are ProFTPD 1.3.8's, measured with the same
config.  Every socket operation has a timeout.  Exit status 0 = all passed;
each check prints one `ok`/`FAIL` line.
"""

import argparse
import calendar
import ftplib
import io
import os
import re
import socket
import sys
import time
import traceback

failures = []


def check(what, cond, detail=""):
    if cond:
        print(f"ok   {what}")
    else:
        print(f"FAIL {what}: {detail}")
        failures.append(what)


def expect(what, got, want):
    check(what, got == want, f"got {got!r}, want {want!r}")


def reply_of(fn, *args, **kw):
    """The reply text of an ftplib call, whether it succeeded or raised."""
    try:
        return fn(*args, **kw)
    except ftplib.all_errors as e:
        return str(e)


def crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def read_all(sock, limit):
    """Everything the data connection sends, at most `limit` bytes."""
    chunks, n = [], 0
    while n <= limit:
        b = sock.recv(65536)
        if not b:
            break
        chunks.append(b)
        n += len(b)
    return b"".join(chunks)


def disk(home, name):
    with open(os.path.join(home, name), "rb") as f:
        return f.read()


def connect(args):
    ftp = ftplib.FTP()
    ftp.connect(args.host, args.port, timeout=args.timeout)
    ftp.login(args.user, args.password)
    return ftp


def binary_transfers(ftp, home, data):
    # data holds every byte value, CR/LF pairs and lone CRs: binary must not
    # touch them.
    expect("storbinary reply",
           ftp.storbinary("STOR bin.dat", io.BytesIO(data)), "226 Transfer complete")
    check("storbinary bytes on disk", disk(home, "bin.dat") == data, "content differs")

    got = bytearray()
    expect("retrbinary reply",
           ftp.retrbinary("RETR bin.dat", got.extend), "226 Transfer complete")
    check("retrbinary bytes", bytes(got) == data, f"{len(got)} bytes, want {len(data)}")

    # REST + RETR: the tail from the offset.
    for rest in (1, 1000, len(data) - 1, len(data)):
        got = bytearray()
        ftp.retrbinary("RETR bin.dat", got.extend, rest=rest)
        check(f"retrbinary rest={rest}", bytes(got) == data[rest:],
              f"{len(got)} bytes, want {len(data) - rest}")

    # REST + STOR (AllowStoreRestart on): the second half lands after the first.
    half = len(data) // 2
    ftp.storbinary("STOR part.dat", io.BytesIO(data[:half]))
    expect("storbinary rest= reply",
           ftp.storbinary("STOR part.dat", io.BytesIO(data[half:]), rest=half),
           "226 Transfer complete")
    check("storbinary rest= bytes on disk", disk(home, "part.dat") == data, "content differs")

    # APPE twice: concatenation, the first APPE creating the file.
    check("no app.dat yet", not os.path.exists(os.path.join(home, "app.dat")), "run in a fresh home")
    ftp.storbinary("APPE app.dat", io.BytesIO(data[:5000]))
    expect("APPE reply", ftp.storbinary("APPE app.dat", io.BytesIO(data[5000:])),
           "226 Transfer complete")
    check("APPE bytes on disk", disk(home, "app.dat") == data, "content differs")

    # Overwrite (AllowOverwrite on) with something shorter: truncated.
    ftp.storbinary("STOR app.dat", io.BytesIO(b"short"))
    expect("STOR over an existing file", disk(home, "app.dat"), b"short")

    # An empty file.
    ftp.storbinary("STOR empty.dat", io.BytesIO(b""))
    expect("empty storbinary", disk(home, "empty.dat"), b"")
    got = bytearray()
    ftp.retrbinary("RETR empty.dat", got.extend)
    expect("empty retrbinary", bytes(got), b"")


def ascii_transfers(ftp, home):
    text = "".join(f"line {i}: {'x' * (i % 70)}\n" for i in range(2000)).encode()
    # storlines sends TYPE A and CRLF line ends; the server stores LF.
    expect("storlines reply",
           ftp.storlines("STOR text.txt", io.BytesIO(text)), "226 Transfer complete")
    check("storlines stored LF text", disk(home, "text.txt") == text, "content differs")

    lines = []
    expect("retrlines reply",
           ftp.retrlines("RETR text.txt", lines.append), "226 Transfer complete")
    check("retrlines lines", lines == text.decode().split("\n")[:-1],
          f"{len(lines)} lines")

    # The wire: ASCII RETR sends CRLF line ends.
    expect("TYPE A", ftp.voidcmd("TYPE A"), "200 Type set to A")
    conn = ftp.transfercmd("RETR text.txt")
    with conn:
        wire = read_all(conn, 4 * len(text))
    expect("ASCII RETR end", ftp.voidresp(), "226 Transfer complete")
    check("ASCII RETR wire bytes are CRLF", wire == crlf(text),
          f"{len(wire)} bytes, want {len(crlf(text))}")

    # The wire: ASCII STOR turns CRLF into LF and leaves lone CR and LF alone
    # (measured on 1.3.8).
    sent = b"a\r\nb\nc\r\n\r\nd\re\r\n"
    conn = ftp.transfercmd("STOR mixed.txt")
    with conn:
        conn.sendall(sent)
    expect("ASCII STOR end", ftp.voidresp(), "226 Transfer complete")
    expect("ASCII STOR stored bytes", disk(home, "mixed.txt"), b"a\nb\nc\n\nd\re\n")

    # Binary mode leaves the stored text alone.
    got = bytearray()
    ftp.retrbinary("RETR text.txt", got.extend)
    check("retrbinary of the text is LF", bytes(got) == text, "content differs")

    # 1.3.8 refuses SIZE and REST in ASCII mode (measured).
    ftp.voidcmd("TYPE A")
    expect("SIZE in ASCII mode", reply_of(ftp.size, "text.txt"),
           "550 SIZE not allowed in ASCII mode")
    expect("REST in ASCII mode", reply_of(ftp.sendcmd, "REST 5"),
           "501 REST: Resuming transfers not allowed in ASCII mode")
    ftp.voidcmd("TYPE I")


def facts_and_listings(ftp, home, data):
    # bin.dat as the binary section stored it (put back in case it failed).
    ftp.storbinary("STOR bin.dat", io.BytesIO(data))
    expect("SIZE", ftp.size("bin.dat"), len(data))
    expect("SIZE raw", ftp.sendcmd("SIZE bin.dat"), f"213 {len(data)}")
    expect("SIZE of a missing file", reply_of(ftp.size, "nope"),
           "550 nope: No such file or directory")

    # MDTM is UTC: 2001-02-03 04:05:06 UTC.
    stamp = calendar.timegm((2001, 2, 3, 4, 5, 6, 0, 0, 0))
    os.utime(os.path.join(home, "bin.dat"), (stamp, stamp))
    expect("MDTM", ftp.sendcmd("MDTM bin.dat"), "213 20010203040506")

    # A directory to list: names with spaces, an empty file, a subdirectory.
    expect("MKD", ftp.mkd("list dir"), os.path.join(home, "list dir"))
    files = {"a": b"alpha\n", "b c": b"x" * 12345, "empty": b""}
    for name, body in files.items():
        ftp.storbinary(f"STOR list dir/{name}", io.BytesIO(body))
    ftp.mkd("list dir/inner")

    names = ftp.nlst("list dir")
    expect("NLST names", sorted(names),
           sorted(f"list dir/{n}" for n in list(files) + ["inner"]))
    ftp.cwd("list dir")
    expect("NLST of the cwd", sorted(ftp.nlst()), sorted(list(files) + ["inner"]))

    lines = []
    expect("LIST reply", ftp.retrlines("LIST", lines.append), "226 Transfer complete")
    row = re.compile(r"([-d])[-rwxsStT]{9} +\d+ +\S+ +\S+ +(\d+) "
                     r"[A-Z][a-z]{2} [ 123]\d (?:\d\d:\d\d| \d{4}) (.+)")
    listed = {}
    for line in lines:
        m = row.fullmatch(line)
        check(f"LIST line format: {line!r}", m is not None, "does not parse")
        if m:
            listed[m.group(3)] = (m.group(1), int(m.group(2)))
    want = {n: ("-", len(b)) for n, b in files.items()}
    expect("LIST names and sizes", {k: v for k, v in listed.items() if k != "inner"}, want)
    check("LIST shows the subdirectory", listed.get("inner", ("?",))[0] == "d", repr(listed))

    entries = dict(ftp.mlsd(facts=["type", "size", "modify"]))
    expect("MLSD names", sorted(entries), sorted(list(files) + ["inner", ".", ".."]))
    expect("MLSD cdir", entries.get(".", {}).get("type"), "cdir")
    expect("MLSD pdir", entries.get("..", {}).get("type"), "pdir")
    expect("MLSD dir", entries.get("inner", {}).get("type"), "dir")
    for name, body in files.items():
        f = entries.get(name, {})
        expect(f"MLSD {name!r} type", f.get("type"), "file")
        expect(f"MLSD {name!r} size", f.get("size"), str(len(body)))
        mtime = os.stat(os.path.join(home, "list dir", name)).st_mtime
        expect(f"MLSD {name!r} modify", f.get("modify"),
               time.strftime("%Y%m%d%H%M%S", time.gmtime(int(mtime))))
    ftp.cwd("..")


def aborts(args, big_size):
    # ftplib's abort() sends the whole "ABOR\r\n" as urgent data and reads one
    # reply: the 426 that ends the interrupted RETR.  (1.3.8 loses the urgent
    # LF, so the next command on this connection merges with "ABOR"; the
    # connection is dropped rather than reused.)
    ftp = connect(args)
    ftp.voidcmd("TYPE I")
    conn = ftp.transfercmd("RETR big.bin")
    first = conn.recv(65536)
    check("large RETR started", len(first) > 0, "no data")
    expect("abort() during RETR", reply_of(ftp.abort),
           "426 Transfer aborted. Data connection closed.")
    conn.settimeout(args.timeout)
    rest = b""
    try:
        rest = read_all(conn, big_size)
    except OSError:
        pass
    conn.close()
    check("abort() stopped the transfer early", len(first) + len(rest) < big_size,
          f"{len(first) + len(rest)} of {big_size} bytes arrived")
    ftp.close()

    # The RFC 959 way, byte for byte what Net::FTP sends: Telnet IP and IAC
    # as urgent data, then DM and ABOR on the normal stream; the data
    # connection is closed before the replies are read (1.3.8 holds the
    # ABOR's 226 while the client keeps it open).  426 then 226, and the
    # session carries on.
    ftp = connect(args)
    ftp.voidcmd("TYPE I")
    conn = ftp.transfercmd("RETR big.bin")
    conn.recv(65536)
    ftp.sock.sendall(b"\xff\xf4\xff", socket.MSG_OOB)
    ftp.sock.sendall(b"\xf2ABOR\r\n")
    conn.close()
    expect("Synch+ABOR: the RETR's reply", ftp.getmultiline(),
           "426 Transfer aborted. Data connection closed.")
    expect("Synch+ABOR: the ABOR's reply", ftp.getmultiline(), "226 Abort successful")
    expect("NOOP after the abort", ftp.sendcmd("NOOP"), "200 NOOP command successful")

    # A full RETR of the same file still works afterwards.
    n = [0]

    def count(b):
        n[0] += len(b)
    ftp.retrbinary("RETR big.bin", count, blocksize=1 << 20)
    expect("full RETR after aborts", n[0], big_size)
    expect("aborts: QUIT", ftp.quit(), "221 Goodbye.")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", default="demo")
    ap.add_argument("--password", default="demo")
    ap.add_argument("--home", required=True, help="the user's home, as PWD shows it")
    ap.add_argument("--big-size", type=int, required=True, help="size of big.bin")
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()

    # Each section runs on its own connection, so that one that dies (an
    # unexpected 4xx/5xx raises) is reported and the others still run.
    def section(name, fn):
        try:
            ftp = connect(args)
            expect(f"{name}: PWD is the home", ftp.pwd(), args.home)
            fn(ftp)
            expect(f"{name}: QUIT", ftp.quit(), "221 Goodbye.")
        except Exception as e:  # noqa: BLE001 - reported, then the next section runs
            traceback.print_exc(file=sys.stdout)
            check(f"{name} ran to the end", False, f"{type(e).__name__}: {e}")

    data = bytes(range(256)) * 1200 + b"\r\n\n\r\r\n"
    section("binary", lambda ftp: binary_transfers(ftp, args.home, data))
    section("ascii", lambda ftp: ascii_transfers(ftp, args.home))
    section("facts", lambda ftp: facts_and_listings(ftp, args.home, data))
    try:
        aborts(args, args.big_size)
    except Exception as e:  # noqa: BLE001
        traceback.print_exc(file=sys.stdout)
        check("aborts ran to the end", False, f"{type(e).__name__}: {e}")

    if failures:
        print(f"ftplib_transfers: {len(failures)} failed: {', '.join(failures)}")
        return 1
    print("ftplib_transfers: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
