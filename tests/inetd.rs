//! inetd mode under a real inetd (Debian's openbsd-inetd): the superserver
//! accepts on a loopback port and starts `proftpd -c <conf>` with the
//! connection on fds 0/1, one process per connection.  Skips with a
//! message when openbsd-inetd is not installed (.ci/run installs it).

mod common;

use std::fs;
use std::time::Duration;

use common::*;

const CONF: &str = "\
ServerType inetd
ServerName \"Inetd Test\"
UseIPv6 off
SystemLog {dir}/proftpd.log
AuthOrder mod_auth_file.c
AuthUserFile {dir}/ftpd.passwd
AuthGroupFile {dir}/ftpd.group
RequireValidShell off
";

fn inetd_server() -> Option<InetdServer> {
    InetdServer::start(
        TestServer::builder()
            .user(AuthUser::new("demo", "demo"))
            .config(CONF),
    )
}

#[test]
fn inetd_starts_one_session_per_connection() {
    let Some(srv) = inetd_server() else { return };
    let home = fs::canonicalize(srv.dir().join("home/demo"))
        .unwrap()
        .display()
        .to_string();
    for round in 0..2 {
        let mut c = srv.connect();
        assert_eq!(
            c.banner(),
            "220 ProFTPD Server (Inetd Test) [127.0.0.1]\r\n",
            "round {round}\n{}",
            srv.log()
        );
        c.login("demo", "demo");
        assert_eq!(
            c.cmd("PWD"),
            format!("257 \"{home}\" is the current directory\r\n")
        );
        assert_eq!(
            c.cmd(&format!("MKD d{round}")),
            format!("257 \"{home}/d{round}\" - Directory successfully created\r\n")
        );
        assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
        c.expect_closed(Duration::from_secs(3)).unwrap();
    }
    assert!(srv.dir().join("home/demo/d1").is_dir());
}

#[test]
fn inetd_session_ends_after_three_failures() {
    let Some(srv) = inetd_server() else { return };
    let mut c = srv.connect();
    c.banner();
    for _ in 0..3 {
        assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
        assert_eq!(c.cmd("PASS wrong"), "530 Login incorrect.\r\n");
    }
    c.expect_closed(Duration::from_secs(3)).unwrap();
    // inetd keeps serving.
    let mut c = srv.connect();
    assert_eq!(
        c.banner(),
        "220 ProFTPD Server (Inetd Test) [127.0.0.1]\r\n"
    );
}

/// Started the way inetd starts it (the connection on fds 0, 1 and 2),
/// the session keeps no stdio on the socket: whatever reaches stdout or
/// stderr (a panic message) must never land in the client's replies.
#[test]
fn inetd_session_detaches_stdio_from_the_connection() {
    use std::net::TcpListener;
    use std::os::fd::OwnedFd;
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("proftpd.conf");
    fs::write(
        &conf,
        format!(
            "ServerType inetd\nUseIPv6 off\nSystemLog {}/proftpd.log\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c = Control::connect(listener.local_addr().unwrap()).unwrap();
    let (sock, _) = listener.accept().unwrap();
    let fd = || Stdio::from(OwnedFd::from(sock.try_clone().unwrap()));
    // Our hardening, not a ProFTPD behaviour (1.3.8 keeps fd 0 on the
    // socket): always our build, also when the compat tier points
    // PROFTPD_TEST_BIN at ProFTPD.
    let mut child = Command::new(env!("CARGO_BIN_EXE_proftpd"))
        .arg("-c")
        .arg(&conf)
        .stdin(fd())
        .stdout(fd())
        .stderr(fd())
        .spawn()
        .unwrap();
    drop(sock);
    let banner = c.banner();
    assert!(banner.starts_with("220 "), "{banner}");
    for n in 0..3 {
        let target = fs::read_link(format!("/proc/{}/fd/{n}", child.id())).unwrap();
        assert_eq!(target, std::path::Path::new("/dev/null"), "fd {n}");
    }
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
    c.expect_closed(Duration::from_secs(3)).unwrap();
    child.wait().unwrap();
}
