#!/bin/sh
# Prepares the state of sample-configurations/quickstart.conf and runs the
# daemon in the foreground.  Used by `make run` and by tests/quickstart.rs.
#
#   quickstart.sh /path/to/proftpd [extra proftpd arguments...]
#
# Environment (all optional):
#   PROFTPD_QUICKSTART_DIR   state directory (default: target/quickstart)
#   PROFTPD_QUICKSTART_PORT  port (default: 2121)
#   QUICKSTART_PREPARE_ONLY  set to 1: write the files, do not start
#
# The user file gets one user, demo, whose password is demo.  Its uid/gid
# are the invoking user's, or 65534/65534 (nobody/nogroup) under root.
set -eu

bin=${1:?usage: quickstart.sh /path/to/proftpd [proftpd args...]}
shift

here=$(cd "$(dirname "$0")" && pwd)
conf="$here/quickstart.conf"

: "${PROFTPD_QUICKSTART_DIR:=$(pwd)/target/quickstart}"
: "${PROFTPD_QUICKSTART_PORT:=2121}"
case $PROFTPD_QUICKSTART_DIR in
    /*) ;;
    *) PROFTPD_QUICKSTART_DIR=$(pwd)/$PROFTPD_QUICKSTART_DIR ;;
esac

# SHA-512 crypt of "demo" (openssl passwd -6 -salt quickstart demo).
hash='$6$quickstart$CsGnIj5k66LooYo675r1nSnt830zLsTD3o8xSZw73hUPbxwQv.DslNP1OZ8e5UAIR9R6LlKIUFmjwqXdFbVc61'

dir=$PROFTPD_QUICKSTART_DIR
home=$dir/home/demo

if [ "$(id -u)" -eq 0 ]; then
    uid=65534
    gid=65534
    set -- -D ROOT "$@"
    # The daemon itself runs as nobody/nogroup.
    PROFTPD_QUICKSTART_USER=nobody
    PROFTPD_QUICKSTART_GROUP=nogroup
else
    uid=$(id -u)
    gid=$(id -g)
    PROFTPD_QUICKSTART_USER=$(id -un 2>/dev/null || id -u)
    PROFTPD_QUICKSTART_GROUP=$(id -gn 2>/dev/null || id -g)
fi

# The state directory and the user files: readable by the daemon only.
mkdir -p "$dir" "$home"
chmod 0755 "$dir" "$dir/home"
umask 077
printf 'demo:%s:%s:%s:quickstart demo user:%s:/bin/sh\n' \
    "$hash" "$uid" "$gid" "$home" > "$dir/ftpd.passwd"
printf 'demo:x:%s:demo\n' "$gid" > "$dir/ftpd.group"
chmod 0600 "$dir/ftpd.passwd" "$dir/ftpd.group"
umask 022
chmod 0755 "$home"
if [ "$(id -u)" -eq 0 ]; then
    chown "$uid:$gid" "$home"
fi

export PROFTPD_QUICKSTART_DIR PROFTPD_QUICKSTART_PORT
export PROFTPD_QUICKSTART_USER PROFTPD_QUICKSTART_GROUP

if [ "${QUICKSTART_PREPARE_ONLY:-0}" = 1 ]; then
    exit 0
fi

echo "quickstart: ftp://demo:demo@127.0.0.1:$PROFTPD_QUICKSTART_PORT/ (home $home; Ctrl-C stops)" >&2
exec "$bin" -n -c "$conf" "$@"
