//! The session runtime on the wire: exact reply bytes over a real TCP
//! connection, two ways.
//!
//! * In process (most tests): each test accepts one connection on an
//!   ephemeral port and hands it to `session::run` on a thread, as the
//!   forked child would, over a config built in code with mod_core,
//!   mod_xfer and mod_ls only, so the bytes do not move when other modules
//!   grow. No such test sets `User`/`Group`/`Umask` or changes directory:
//!   those are process-wide and threads share the process.
//! * Through the real binary (`binary_*`): the daemon started by the
//!   harness in `tests/common`, with a real config file and the master's
//!   fork, checking what a client of the installed server sees.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use proftpd::session::{SessionStart, run};
use proftpd_api::config::{ConfigKey, ConfigTree, Merge, Origin};
use proftpd_api::module::ModuleDef;

use mod_core::keys::{PORT, SERVER_ADMIN, SERVER_NAME, TIMEOUT_IDLE};

static MODULES: &[&ModuleDef] = &[&mod_core::MODULE, &mod_xfer::MODULE, &mod_ls::MODULE];

/// How long a reply may take.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

struct Wire {
    stream: TcpStream,
    session: Option<JoinHandle<i32>>,
}

fn add<T: std::any::Any + Send + Sync>(t: &mut ConfigTree, key: &ConfigKey<T>, v: T) {
    let main = t.main_server();
    t.add(main, key, v, vec![], Merge::Down, Origin::default());
}

/// Starts a session over `tree` (its `Port` set to the listener's unless
/// `port` overrides it) and connects to it.
fn start_with(mut tree: ConfigTree, port: Option<u16>) -> Wire {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let local = listener.local_addr().expect("local address");
    add(&mut tree, &PORT, port.unwrap_or(local.port()));
    let config = Arc::new(tree);
    let session = std::thread::spawn(move || {
        let (control, _) = listener.accept().expect("accept");
        run(SessionStart {
            config,
            modules: Arc::from(MODULES),
            control,
        })
    });
    let stream = TcpStream::connect(local).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("read timeout");
    Wire {
        stream,
        session: Some(session),
    }
}

fn start() -> Wire {
    let mut t = ConfigTree::new();
    add(&mut t, &SERVER_NAME, "Wire".to_string());
    add(&mut t, &SERVER_ADMIN, "admin@example.com".to_string());
    start_with(t, None)
}

impl Wire {
    /// Reads until `want` complete reply lines ending in a final `NNN `
    /// line arrived, or EOF; returns the bytes and whether EOF was seen.
    fn read_replies(&mut self, finals: usize) -> (Vec<u8>, bool) {
        let deadline = Instant::now() + REPLY_TIMEOUT;
        let mut out = Vec::new();
        let mut buf = [0u8; 65536];
        while Instant::now() < deadline {
            if count_finals(&out) >= finals {
                return (out, false);
            }
            match self.stream.read(&mut buf) {
                Ok(0) => return (out, true),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return (out, true),
            }
        }
        (out, false)
    }

    fn banner(&mut self) -> String {
        String::from_utf8_lossy(&self.read_replies(1).0).into_owned()
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    /// Sends one line and returns the complete reply.
    fn cmd(&mut self, line: &str) -> String {
        self.send(format!("{line}\r\n").as_bytes());
        String::from_utf8_lossy(&self.read_replies(1).0).into_owned()
    }

    /// Waits for the server to close; returns anything it still sent.
    fn expect_close(&mut self) -> Vec<u8> {
        let (out, eof) = self.read_replies(usize::MAX);
        assert!(
            eof,
            "connection still open; got {:?}",
            String::from_utf8_lossy(&out)
        );
        out
    }

    fn join(&mut self) -> i32 {
        let _ = self.stream.shutdown(Shutdown::Both);
        self.session
            .take()
            .map(|h| h.join().expect("session thread"))
            .unwrap_or(0)
    }
}

/// Final reply lines (`NNN text`) in `out`.
fn count_finals(out: &[u8]) -> usize {
    out.split(|&b| b == b'\n')
        .filter(|l| l.len() >= 4 && l[..3].iter().all(u8::is_ascii_digit) && l[3] == b' ')
        .count()
}

#[test]
fn banner_and_simple_commands() {
    let mut w = start();
    assert_eq!(w.banner(), "220 ProFTPD Server (Wire) [127.0.0.1]\r\n");
    assert_eq!(w.cmd("SYST"), "215 UNIX Type: L8\r\n");
    assert_eq!(w.cmd("noop"), "200 NOOP command successful\r\n");
    // 1.3.8 with the same ServerName/ServerAdmin (all its static modules)
    // answers
    //   CLNT CSID EPRT EPSV HOST LANG C.UTF-8* MDTM MFF ... MFMT MLST ...
    //   RANG STREAM REST STREAM SIZE TVFS UTF8
    // This session loads mod_core, mod_xfer and mod_ls only, so the lines of
    // mod_lang (LANG, UTF8) and mod_facts (MFF, MFMT, MLST, TVFS) are not
    // ours here. HOST is mod_core's in 1.3.8 but not implemented yet
    // (issue 4): the expectation is 1.3.8's mod_core/mod_xfer lines without it.
    assert_eq!(
        w.cmd("FEAT"),
        "211-Features:\r\n CLNT\r\n CSID\r\n EPRT\r\n EPSV\r\n MDTM\r\n \
         RANG STREAM\r\n REST STREAM\r\n SIZE\r\n211 End\r\n"
    );
    assert_eq!(w.cmd("FEAT x"), "501 Invalid number of parameters\r\n");
    assert_eq!(w.cmd("FOO bar"), "500 FOO not understood\r\n");
    assert_eq!(
        w.cmd(""),
        "500 Invalid command: try being more creative\r\n"
    );
    assert_eq!(w.cmd("get /"), "500 GET not understood\r\n");
    assert_eq!(w.cmd("OPTS foo"), "500 OPTS FOO not understood\r\n");
    assert_eq!(w.cmd("CLNT test client"), "200 OK\r\n");
    assert_eq!(w.cmd("TYPE i"), "200 Type set to i\r\n");
    assert_eq!(w.cmd("HELP CWD"), "214 Syntax: CWD <sp> pathname\r\n");
    assert_eq!(w.cmd("QUIT"), "221 Goodbye.\r\n");
    assert!(w.expect_close().is_empty());
    assert_eq!(w.join(), 0);
}

#[test]
fn help_lists_every_module_in_load_order() {
    let mut w = start();
    w.banner();
    // 1.3.8 (all its static modules, same ServerAdmin) lists, eight a line:
    //   CWD XCWD CDUP XCUP SMNT* QUIT PORT PASV EPRT EPSV ALLO RNFR RNTO DELE
    //   MDTM RMD XRMD MKD XMKD PWD XPWD SIZE SYST HELP NOOP FEAT OPTS HOST
    //   CLNT AUTH* CCC* CONF* ENC* MIC* PBSZ* PROT* TYPE STRU MODE
    //   (mod_core) RETR STOR STOU APPE REST ABOR RANG (mod_xfer)
    //   USER PASS ACCT* REIN* (mod_auth) LIST NLST STAT (mod_ls)
    //   SITE (mod_site) MLSD MLST (mod_facts)
    // This session loads mod_core, mod_xfer and mod_ls only, so mod_auth's,
    // mod_site's and mod_facts' commands are not listed. HOST (mod_core in
    // 1.3.8) is not implemented yet (issue 4): the expectation is 1.3.8's
    // list for these modules without it, laid out again eight a line.
    assert_eq!(
        w.cmd("HELP"),
        "214-The following commands are recognized (* =>'s unimplemented):\r\n \
         CWD     XCWD    CDUP    XCUP    SMNT*   QUIT    PORT    PASV    \r\n \
         EPRT    EPSV    ALLO    RNFR    RNTO    DELE    MDTM    RMD     \r\n \
         XRMD    MKD     XMKD    PWD     XPWD    SIZE    SYST    HELP    \r\n \
         NOOP    FEAT    OPTS    CLNT    AUTH*   CCC*    CONF*   ENC*    \r\n \
         MIC*    PBSZ*   PROT*   TYPE    STRU    MODE    RETR    STOR    \r\n \
         STOU    APPE    REST    ABOR    RANG    LIST    NLST    STAT    \r\n\
         214 Direct comments to admin@example.com\r\n"
    );
}

#[test]
fn login_required_before_directory_commands() {
    let mut w = start();
    w.banner();
    for c in ["PWD", "CWD /", "MKD x", "CSID", "STAT", "MODE S", "ALLO 1"] {
        assert_eq!(w.cmd(c), "530 Please login with USER and PASS\r\n", "{c}");
    }
}

#[test]
fn foreign_protocols_are_dropped_without_reply() {
    for line in [
        "GET / HTTP/1.0",
        "POST",
        "SSH-2.0-OpenSSH_9.6",
        "EHLO mail.example",
    ] {
        let mut w = start();
        w.banner();
        w.send(format!("{line}\r\n").as_bytes());
        assert!(w.expect_close().is_empty(), "{line}");
        assert_eq!(w.join(), 0);
    }
}

#[test]
fn ten_thousand_noops_in_one_write() {
    let mut w = start();
    w.banner();
    w.send(&b"NOOP\r\n".repeat(10_000));
    let (out, eof) = w.read_replies(10_000);
    assert!(!eof);
    assert_eq!(out, b"200 NOOP command successful\r\n".repeat(10_000));
    assert_eq!(w.cmd("SYST"), "215 UNIX Type: L8\r\n");
}

#[test]
fn over_long_lines_are_ignored_then_the_connection_closes() {
    let mut w = start();
    w.banner();
    // 4100 bytes of command fit (1.3.8's default buffer).
    let mut ok = b"NOOP ".to_vec();
    ok.resize(4100, b'a');
    ok.extend_from_slice(b"\r\n");
    w.send(&ok);
    assert_eq!(w.read_replies(1).0, b"200 NOOP command successful\r\n");
    // One byte more: the CR fills the buffer, the LF ends nothing, and the
    // next command is swallowed with the rest of the line (as on 1.3.8).
    let mut swallow = b"NOOP ".to_vec();
    swallow.resize(4101, b'a');
    swallow.extend_from_slice(b"\r\nNOOP\r\n");
    w.send(&swallow);
    assert_eq!(w.cmd("SYST"), "215 UNIX Type: L8\r\n");
    // Two bytes more: silently ignored (two over-long events).
    let mut long = b"NOOP ".to_vec();
    long.resize(4102, b'a');
    long.extend_from_slice(b"\r\n");
    w.send(&long);
    assert_eq!(w.cmd("NOOP"), "200 NOOP command successful\r\n");
    // A good line resets the count; four events in a row close the session
    // without a reply.
    w.send(&long);
    w.send(&long);
    assert!(w.expect_close().is_empty());
    assert_eq!(w.join(), 0);
}

#[test]
fn megabyte_line_closes_quickly() {
    let mut w = start();
    w.banner();
    let big = vec![b'x'; 1 << 20];
    // The server may close while we are still writing.
    let _ = w.stream.write_all(&big);
    assert!(w.expect_close().is_empty());
}

#[test]
fn telnet_negotiation_is_answered_and_stripped() {
    let mut w = start();
    w.banner();
    w.send(b"\xff\xfb\x01NO\xff\xf4OP\r\n");
    assert_eq!(
        w.read_replies(1).0,
        b"\xff\xfe\x01200 NOOP command successful\r\n"
    );
}

#[test]
fn bare_lf_does_not_end_a_command() {
    let mut w = start();
    w.banner();
    // As on 1.3.8: the LF is part of the line, which ends at the CR LF
    // sent next; the stray LF is then stripped.
    w.send(b"SYST\n");
    assert_eq!(w.cmd(""), "215 UNIX Type: L8\r\n");
    // One command whose verb ends at the LF (1.3.8 answers only NOOP).
    assert_eq!(w.cmd("NOOP\nSYST"), "200 NOOP command successful\r\n");
    assert_eq!(w.cmd("NOOP\tx"), "200 NOOP command successful\r\n");
}

/// A module whose `ARM` sets a one-second session timer, for
/// [`a_command_flood_does_not_starve_the_timers`].
fn arm(ctx: &mut proftpd_api::session::CmdCtx<'_>) -> proftpd_api::module::ModRet {
    ctx.host
        .set_timer(proftpd_api::session::Timer::Session, Some(1));
    ctx.reply(200, "armed");
    proftpd_api::module::ModRet::Handled
}

static ARM_MODULE: ModuleDef = ModuleDef {
    name: "mod_arm",
    commands: &[proftpd_api::module::CmdEntry::cmd(
        "ARM",
        None,
        false,
        proftpd_api::cmd::CmdClass::NONE,
        arm,
    )],
    ..ModuleDef::EMPTY
};

#[test]
fn a_command_flood_does_not_starve_the_timers() {
    static WITH_ARM: &[&ModuleDef] = &[
        &mod_core::MODULE,
        &mod_xfer::MODULE,
        &mod_ls::MODULE,
        &ARM_MODULE,
    ];
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let local = listener.local_addr().expect("local address");
    let mut tree = ConfigTree::new();
    add(&mut tree, &PORT, local.port());
    let config = Arc::new(tree);
    let session = std::thread::spawn(move || {
        let (control, _) = listener.accept().expect("accept");
        run(SessionStart {
            config,
            modules: Arc::from(WITH_ARM),
            control,
        })
    });
    let mut stream = TcpStream::connect(local).expect("connect");
    stream.write_all(b"ARM\r\n").expect("send");
    // Keep the control socket full of NOOPs while draining the replies: the
    // session timer must still end the session.
    let mut writer = stream.try_clone().expect("clone");
    let flood = std::thread::spawn(move || {
        let chunk = b"NOOP\r\n".repeat(10_000);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && writer.write_all(&chunk).is_ok() {}
    });
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    let start = Instant::now();
    let mut tail = Vec::new();
    let mut buf = [0u8; 65536];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        tail.extend_from_slice(&buf[..n]);
        let keep = tail.len().saturating_sub(256);
        tail.drain(..keep);
    }
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "session outlived its timer under a flood"
    );
    assert!(
        String::from_utf8_lossy(&tail).contains("421 Session Timeout"),
        "{:?}",
        String::from_utf8_lossy(&tail)
    );
    let _ = stream.shutdown(Shutdown::Both);
    flood.join().expect("flood thread");
    session.join().expect("session thread");
}

#[test]
fn idle_timeout() {
    let mut t = ConfigTree::new();
    add(&mut t, &TIMEOUT_IDLE, 1u32);
    let mut w = start_with(t, None);
    w.banner();
    let out = w.expect_close();
    assert_eq!(
        out,
        b"421 Idle timeout (1 seconds): closing control connection\r\n"
    );
    assert_eq!(w.join(), 0);
}

#[test]
fn no_server_for_the_port() {
    let mut w = start_with(ConfigTree::new(), Some(1));
    let out = w.expect_close();
    assert_eq!(
        out,
        b"500 Sorry, no server available to handle request on 127.0.0.1.\r\n"
    );
    assert_eq!(w.join(), 0);
}

// ---- through the real binary ----------------------------------------------

fn binary_server() -> common::TestServer {
    common::TestServer::start("ServerName \"T\"\nServerAdmin ops@example.com\n")
}

#[test]
fn binary_banner_and_control_commands() {
    let srv = binary_server();
    let mut c = srv.connect();
    assert_eq!(c.banner(), "220 ProFTPD Server (T) [127.0.0.1]\r\n");
    assert_eq!(c.cmd("SYST"), "215 UNIX Type: L8\r\n");
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
    let feat = c.cmd("FEAT");
    assert!(feat.starts_with("211-Features:\r\n"), "{feat}");
    assert!(feat.contains("\r\n CLNT\r\n CSID\r\n"), "{feat}");
    assert!(feat.ends_with("\r\n211 End\r\n"), "{feat}");
    assert_eq!(c.cmd("XYZZY a b"), "500 XYZZY not understood\r\n");
    assert_eq!(
        c.cmd(""),
        "500 Invalid command: try being more creative\r\n"
    );
    assert_eq!(c.cmd("PWD"), "530 Please login with USER and PASS\r\n");
    assert_eq!(c.cmd("TYPE I"), "200 Type set to I\r\n");
    let help = c.cmd("HELP");
    assert!(
        help.ends_with("214 Direct comments to ops@example.com\r\n"),
        "{help}"
    );
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
    assert_eq!(c.expect_closed(common::REPLY_TIMEOUT), Ok(()));
}

#[test]
fn binary_over_long_lines_and_foreign_protocols() {
    let srv = binary_server();
    let mut c = srv.connect();
    c.banner();
    let mut long = b"NOOP ".to_vec();
    long.resize(4102, b'a');
    long.extend_from_slice(b"\r\n");
    c.send_raw(&long);
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
    c.send_raw(&long);
    c.send_raw(&long);
    assert_eq!(c.expect_closed(common::REPLY_TIMEOUT), Ok(()));

    let mut c = srv.connect();
    c.banner();
    c.send("GET / HTTP/1.1");
    assert_eq!(c.expect_closed(common::REPLY_TIMEOUT), Ok(()));
}

#[test]
fn binary_ten_thousand_noops() {
    let srv = binary_server();
    let mut c = srv.connect();
    c.banner();
    c.send_raw(&b"NOOP\r\n".repeat(10_000));
    for i in 0..10_000 {
        assert_eq!(c.reply(), "200 NOOP command successful\r\n", "reply {i}");
    }
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
}

#[test]
fn binary_signals() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;

    let srv = binary_server();
    let mut c = srv.connect();
    c.banner();
    let pid = Pid::from_raw(srv.wait_for_one_session() as i32);
    // SIGHUP and SIGUSR1 (no shutdown pending) leave the session alone.
    kill(pid, Signal::SIGHUP).expect("signal the session");
    kill(pid, Signal::SIGUSR1).expect("signal the session");
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
    // SIGTERM (ftpdctl kick) ends it without a reply.
    kill(pid, Signal::SIGTERM).expect("signal the session");
    assert_eq!(c.expect_closed(common::REPLY_TIMEOUT), Ok(()));
}
