#!/bin/sh
# The control-channel diff against the real ProFTPD: runs
# tests/compat/session_diff.py, which starts Debian's ProFTPD 1.3.8
# (/usr/sbin/proftpd, package proftpd-basic, through proftpd-1.3-shim) and
# our daemon on the same generated config, plays the same scripted sessions
# (banner, SYST, NOOP, FEAT, HELP, unknown verbs, framing and bad bytes,
# commands before login, USER/PASS good and bad, PWD MKD CWD CDUP RNFR/RNTO
# RMD DELE, TYPE/STRU/MODE/ALLO variants, CLNT, timeouts, QUIT) over raw
# sockets against both and prints every reply that differs. The
# normalisations and the accepted differences are listed, with their
# reasons, at the top of session_diff.py and in its output.
#
#   tests/compat/run.sh [--ours BIN] [--show] [--only SESSION]
#
# Exit 0 when identical, 1 on a difference, 2 when a server did not start;
# 0 with a "skipped" line when ProFTPD or python3 is missing.
set -eu
cd "$(dirname "$0")/../.."
real=${PROFTPD_REAL_BIN:-/usr/sbin/proftpd}
if [ ! -x "$real" ]; then
    echo "compat: $real not installed (apt-get install proftpd-basic): skipped"
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "compat: python3 missing: skipped"
    exit 0
fi
ours=${PROFTPD_TEST_BIN:-$(pwd)/target/release/proftpd}
exec python3 tests/compat/session_diff.py --ours "$ours" --real "$real" "$@"
