#!/usr/bin/env python3
"""Acceptance: Python's ftplib logs in to the quickstart server as demo/demo.

Against `make run` (127.0.0.1:2121) run it with no arguments.  The test
suite (tests/quickstart.rs) starts its own server on an ephemeral port and
passes --port and --expect-pwd.

Each reply is compared with the exact text of the spec
(../shared/spec/commands.md, checked against ProFTPD 1.3.8); ftplib strips
only the trailing CRLF.  Exit status 0 = every reply matched.
"""

import argparse
import ftplib
import os
import re
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2121)
    ap.add_argument("--user", default="demo")
    ap.add_argument("--password", default="demo")
    ap.add_argument("--server-name", default="proftpd-rs quickstart",
                    help="ServerName expected in the banner ('' = do not check)")
    ap.add_argument("--expect-pwd", default=None,
                    help="directory PWD must report right after login "
                         "('/' under DefaultRoot ~); default: any absolute path")
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()

    failures = []

    def expect(what: str, got: str, want) -> None:
        ok = bool(re.fullmatch(want, got)) if isinstance(want, re.Pattern) else got == want
        shown = want.pattern if isinstance(want, re.Pattern) else want
        if ok:
            print(f"ok   {what}: {got!r}")
        else:
            print(f"FAIL {what}: got {got!r}, want {shown!r}")
            failures.append(what)

    def send(cmd: str) -> str:
        # sendcmd raises on 4xx/5xx; the text is what we compare, so keep it.
        try:
            return ftp.sendcmd(cmd)
        except ftplib.all_errors as e:
            return str(e)

    ftp = ftplib.FTP()
    banner = ftp.connect(args.host, args.port, timeout=args.timeout)
    if args.server_name:
        expect("banner", banner, f"220 ProFTPD Server ({args.server_name}) [{args.host}]")
    else:
        expect("banner", banner, re.compile(r"220 .*"))

    try:
        login = ftp.login(args.user, args.password)
    except ftplib.all_errors as e:
        login = str(e)
    expect("USER/PASS", login, f"230 User {args.user} logged in")
    if failures:
        return finish(failures)

    pwd = send("PWD")
    m = re.fullmatch(r'257 "(/.*)" is the current directory', pwd)
    if args.expect_pwd is not None:
        expect("PWD", pwd, f'257 "{args.expect_pwd}" is the current directory')
        base = args.expect_pwd
    else:
        expect("PWD", pwd, re.compile(r'257 "/.*" is the current directory'))
        base = m.group(1).replace('""', '"') if m else "/"

    def under(name: str) -> str:
        path = base.rstrip("/") + "/" + name
        return path.replace('"', '""')

    name = f"ftplib-{os.getpid()}"
    renamed = name + "-renamed"

    expect("MKD", send(f"MKD {name}"), f'257 "{under(name)}" - Directory successfully created')
    expect("CWD", send(f"CWD {name}"), "250 CWD command successful")
    expect("PWD in subdir", send("PWD"), f'257 "{under(name)}" is the current directory')
    expect("CDUP", send("CDUP"), "250 CDUP command successful")
    expect("RNFR", send(f"RNFR {name}"), "350 File or directory exists, ready for destination name")
    expect("RNTO", send(f"RNTO {renamed}"), "250 Rename successful")
    expect("RMD", send(f"RMD {renamed}"), "250 RMD command successful")
    expect("RMD again", send(f"RMD {renamed}"), f"550 {renamed}: No such file or directory")

    try:
        bye = ftp.quit()
    except ftplib.all_errors as e:
        bye = str(e)
    expect("QUIT", bye, "221 Goodbye.")
    return finish(failures)


def finish(failures) -> int:
    if failures:
        print(f"ftplib_demo: {len(failures)} failed: {', '.join(failures)}")
        return 1
    print("ftplib_demo: all replies matched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
