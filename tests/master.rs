//! The `proftpd` binary's command line and standalone master, driven from
//! outside: outputs and exit codes of -v/-l/-h/-t, the daemon's PidFile and
//! shutdown, `--port-file`, MaxInstances, SIGHUP, and that the master keeps
//! accepting after a forked session ran (the shared-epoll hazard).
//!
//! What the session says on the wire is not this file's business: where a
//! connection is made, the tests only rely on what the master guarantees —
//! an accepted connection is handed to a child that answers or closes it
//! promptly, and a refused one is closed without a byte.

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

const BIN: &str = env!("CARGO_BIN_EXE_proftpd");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run proftpd")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A temporary directory with a config written into it.
struct Conf {
    dir: tempfile::TempDir,
}

impl Conf {
    fn new(body: &str) -> Conf {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = Conf { dir };
        c.write(body);
        c
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("proftpd.conf")
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes the config; `{dir}` stands for the directory.
    fn write(&self, body: &str) {
        let d = self.dir.path().display().to_string();
        std::fs::write(self.path(), body.replace("{dir}", &d)).expect("write config");
    }
}

/// The config every daemon test starts from: loopback, ephemeral port.
const BASE: &str = "ServerName \"Test\"\n\
                    ServerType standalone\n\
                    UseIPv6 off\n\
                    DefaultAddress 127.0.0.1\n\
                    SocketBindTight on\n\
                    Port 0\n\
                    PidFile {dir}/proftpd.pid\n";

/// A daemon started with `-n --port-file`, stderr to a file; killed on drop.
struct Daemon {
    child: Child,
    conf: Conf,
    addrs: Vec<SocketAddr>,
}

impl Daemon {
    fn start(conf: Conf) -> Daemon {
        let err = std::fs::File::create(conf.file("stderr")).expect("stderr file");
        let child = Command::new(BIN)
            .arg("-n")
            .arg("-c")
            .arg(conf.path())
            .arg("--port-file")
            .arg(conf.file("ports"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .expect("spawn proftpd");
        let mut d = Daemon {
            child,
            conf,
            addrs: Vec::new(),
        };
        d.addrs = wait_for(Duration::from_secs(5), || {
            let t = std::fs::read_to_string(d.conf.file("ports")).ok()?;
            if !t.ends_with('\n') {
                return None;
            }
            t.lines().map(|l| l.parse().ok()).collect()
        })
        .unwrap_or_else(|| panic!("no port file; stderr:\n{}", d.stderr()));
        d
    }

    fn pid(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32)
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.conf.file("stderr")).unwrap_or_default()
    }

    fn signal(&self, s: Signal) {
        kill(self.pid(), s).expect("kill");
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Tests that need a working session (a banner) run as root: a session
/// child starts as root and changes identity, which an ordinary user's
/// daemon cannot do. Elsewhere they skip, saying so.
fn skip_unless_root(test: &str) -> bool {
    if nix::unistd::geteuid().is_root() {
        return false;
    }
    eprintln!("skipping {test}: needs root (the session child changes identity)");
    true
}

fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Live children of `pid` (from /proc).
fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in rd.flatten() {
        let Some(p) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let mut f = rest.split_whitespace();
        let state = f.next();
        if f.next().and_then(|s| s.parse::<u32>().ok()) == Some(pid) && state != Some("Z") {
            out.push(p);
        }
    }
    out
}

/// Connects and reads until EOF or `limit`: `Some(bytes)` if the peer
/// answered or closed in time, `None` if it stayed silent and open (nobody
/// accepted the connection).
fn exchange(addr: SocketAddr, limit: Duration) -> Option<Vec<u8>> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).expect("connect");
    s.set_read_timeout(Some(limit)).expect("timeout");
    let mut buf = [0u8; 512];
    match s.read(&mut buf) {
        Ok(n) => Some(buf[..n].to_vec()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Some(Vec::new()),
        Err(_) => None,
    }
}

#[test]
fn version_prints_1_3_8() {
    let o = run(&["-v"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stdout), "ProFTPD Version 1.3.8\n");
    assert!(o.stderr.is_empty());
}

#[test]
fn version_status_lists_modules_by_priority() {
    let c = Conf::new("ServerName x\n");
    let o = run(&["-vv", "-c", c.path().to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.starts_with(
            "ProFTPD Version: 1.3.8 (stable)\n  Scoreboard Version: 01040003\n  Built: "
        )
    );
    assert!(out.contains("\n\nLoaded modules:\n"));
    assert!(out.ends_with("  mod_core.c\n"), "{out}");
}

#[test]
fn list_prints_compiled_in_modules() {
    let o = run(&["-l"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(
        out.starts_with("Compiled-in modules:\n  mod_core.c\n  mod_xfer.c\n"),
        "{out}"
    );
    assert!(
        out.lines()
            .skip(1)
            .all(|l| l.starts_with("  mod_") && l.ends_with(".c"))
    );
}

#[test]
fn help_is_on_stdout_and_unknown_options_fail() {
    let o = run(&["-h"]);
    assert_eq!(o.status.code(), Some(0));
    let usage = text(&o.stdout);
    assert!(
        usage.starts_with("usage: proftpd [options]\n -h, --help\n     Display proftpd usage\n")
    );
    assert!(o.stderr.is_empty());

    let o = run(&["-x"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), usage);
    let err = text(&o.stderr);
    // Before the host name is known the field is empty: `<ts>  proftpd[..]`.
    assert!(err.contains("  proftpd["), "{err}");
    assert!(err.ends_with("]: unknown option: x\n"), "{err}");

    let o = run(&["foo"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).ends_with("]: fatal: unknown parameter: 'foo'\n"));

    let o = run(&["-c", "relative.conf"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).ends_with("]: fatal: -c requires an absolute path\n"));
}

#[test]
fn configtest_good_and_bad() {
    let good = Conf::new(BASE);
    let o = run(&["-t", "-c", good.path().to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "Checking syntax of configuration file\n");

    let bad = Conf::new("ServerName x\nNoSuchDirective on\n");
    let o = run(&["-t", "-c", bad.path().to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), "Checking syntax of configuration file\n");
    let err = text(&o.stderr);
    assert!(
        err.contains("]: fatal: unknown configuration directive 'NoSuchDirective' on line 2 of "),
        "{err}"
    );

    let o = run(&["-t", "-c", "/nonexistent/proftpd.conf"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn daemon_writes_pid_file_within_a_second_and_stops_on_sigterm() {
    let c = Conf::new(BASE);
    let started = Instant::now();
    let o = run(&[
        "-q",
        "-c",
        c.path().to_str().expect("utf8"),
        "--port-file",
        c.file("ports").to_str().expect("utf8"),
    ]);
    // The foreground process returns once the daemon is detached.
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let pid_file = c.file("proftpd.pid");
    let pid = wait_for(Duration::from_secs(1), || {
        let t = std::fs::read_to_string(&pid_file).ok()?;
        t.strip_suffix('\n')?.parse::<i32>().ok()
    })
    .expect("PidFile within 1 s");
    assert!(started.elapsed() < Duration::from_secs(2));
    let pid = Pid::from_raw(pid);
    assert!(kill(pid, None).is_ok(), "daemon alive");

    kill(pid, Signal::SIGTERM).expect("SIGTERM");
    let gone = wait_for(Duration::from_secs(2), || {
        (kill(pid, None).is_err() && !pid_file.exists()).then_some(())
    });
    if gone.is_none() {
        let _ = kill(pid, Signal::SIGKILL);
        panic!("daemon still running or PidFile left 2 s after SIGTERM");
    }
}

#[test]
fn port_file_lists_bound_listeners_and_log_has_startup_and_shutdown() {
    let c = Conf::new(BASE);
    let mut d = Daemon::start(c);
    assert_eq!(d.addrs.len(), 1);
    let a = d.addrs[0];
    assert_eq!(a.ip().to_string(), "127.0.0.1");
    assert_ne!(a.port(), 0);
    let pid = std::fs::read_to_string(d.conf.file("proftpd.pid")).expect("pid file");
    assert_eq!(pid, format!("{}\n", d.child.id()));

    d.signal(Signal::SIGTERM);
    let status = wait_for(Duration::from_secs(2), || d.child.try_wait().ok().flatten())
        .expect("exit within 2 s");
    assert_eq!(status.code(), Some(0));
    let err = d.stderr();
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines
            .first()
            .is_some_and(|l| l.contains(": ProFTPD 1.3.8 (stable) (built ")
                && l.ends_with(") standalone mode STARTUP")),
        "{err}"
    );
    let n = lines.len();
    assert!(n >= 3, "{err}");
    assert!(
        lines[n - 2].ends_with(": ProFTPD killed (signal 15)"),
        "{err}"
    );
    assert!(
        lines[n - 1].ends_with(": ProFTPD 1.3.8 standalone mode SHUTDOWN"),
        "{err}"
    );
    assert!(!d.conf.file("proftpd.pid").exists());
}

#[test]
fn master_keeps_accepting_after_sessions_ran() {
    let c = Conf::new(BASE);
    let mut d = Daemon::start(c);
    let addr = d.addrs[0];
    for round in 0..4 {
        // Each connection must be taken by a child, which answers or
        // closes; a master whose epoll interest was lost would leave it
        // hanging in the backlog.
        let got = exchange(addr, Duration::from_secs(5));
        assert!(
            got.is_some(),
            "round {round}: connection not served\n{}",
            d.stderr()
        );
        // Let the child finish before the next round.
        let master = d.child.id();
        let _ = wait_for(Duration::from_secs(3), || {
            children_of(master).is_empty().then_some(())
        });
    }
    assert!(d.alive());
}

#[test]
fn max_instances_closes_extra_connections_without_a_reply() {
    let c = Conf::new(&format!("{BASE}MaxInstances 1\n"));
    let d = Daemon::start(c);
    let addr = d.addrs[0];
    let master = d.child.id();
    // Hold one session open.
    let first = TcpStream::connect(addr).expect("connect");
    let held = wait_for(Duration::from_secs(3), || {
        (children_of(master).len() == 1).then_some(())
    });
    if held.is_none() || {
        std::thread::sleep(Duration::from_millis(200));
        children_of(master).len() != 1
    } {
        eprintln!("skipping: the session child did not stay up to hold the slot");
        return;
    }
    let got = exchange(addr, Duration::from_secs(3)).expect("refused connection closed");
    assert!(got.is_empty(), "refused connection got {:?}", text(&got));
    let logged = wait_for(Duration::from_secs(2), || {
        d.stderr()
            .contains("MaxInstances (1) reached, new connection denied")
            .then_some(())
    });
    assert!(logged.is_some(), "{}", d.stderr());
    drop(first);
}

#[test]
fn sighup_with_broken_config_keeps_serving() {
    let c = Conf::new(BASE);
    let mut d = Daemon::start(c);
    let addr = d.addrs[0];
    d.conf.write(&format!("{BASE}NoSuchDirective on\n"));
    d.signal(Signal::SIGHUP);
    let seen = wait_for(Duration::from_secs(3), || {
        let e = d.stderr();
        (e.contains("received SIGHUP -- master server reparsing configuration file")
            && e.contains("unknown configuration directive 'NoSuchDirective'"))
        .then_some(())
    });
    assert!(seen.is_some(), "{}", d.stderr());
    assert!(d.alive(), "daemon exited on a bad reload");
    assert!(
        exchange(addr, Duration::from_secs(5)).is_some(),
        "not serving after a bad reload\n{}",
        d.stderr()
    );
}

#[test]
fn sighup_with_good_config_rebinds() {
    let c = Conf::new(BASE);
    let mut d = Daemon::start(c);
    let before = d.addrs.clone();
    // Same listener: kept as it is (same port).
    d.signal(Signal::SIGHUP);
    let _ = wait_for(Duration::from_secs(3), || {
        d.stderr().contains("received SIGHUP").then_some(())
    });
    std::thread::sleep(Duration::from_millis(200));
    let now: Vec<SocketAddr> = std::fs::read_to_string(d.conf.file("ports"))
        .expect("ports")
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect();
    assert_eq!(now, before);
    assert!(d.alive());
    assert!(exchange(before[0], Duration::from_secs(5)).is_some());
}

/// Reads the first reply line (the banner).
fn banner(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.ends_with(b"\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    text(&got)
}

fn port_file(d: &Daemon) -> Vec<SocketAddr> {
    std::fs::read_to_string(d.conf.file("ports"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect()
}

#[test]
fn sighup_binds_new_listeners_and_keeps_the_old_ones() {
    if skip_unless_root("sighup_binds_new_listeners_and_keeps_the_old_ones") {
        return;
    }
    let c = Conf::new(BASE);
    let mut d = Daemon::start(c);
    let first = d.addrs[0];
    assert!(banner(first).starts_with("220 "), "{}", d.stderr());
    d.conf.write(&format!(
        "{BASE}<VirtualHost 127.0.0.1>\nServerName \"Second\"\nPort 0\n</VirtualHost>\n"
    ));
    d.signal(Signal::SIGHUP);
    let addrs = wait_for(Duration::from_secs(3), || {
        let a = port_file(&d);
        (a.len() == 2).then_some(a)
    })
    .unwrap_or_else(|| panic!("no second listener\n{}", d.stderr()));
    // The main server's socket was kept (same port), the vhost got its own.
    assert_eq!(addrs[0], first);
    assert_ne!(addrs[1].port(), first.port());
    assert!(d.alive());
    // Both ports are served by the server configured for them: the
    // ephemeral port was recorded as that server's Port.
    assert!(banner(first).starts_with("220 "), "{}", d.stderr());
    let b = banner(addrs[1]);
    assert!(
        b.starts_with("220 ") && b.contains("Second"),
        "{b:?}\n{}",
        d.stderr()
    );
}

#[test]
fn inetd_mode_serves_the_connection_on_stdin() {
    if skip_unless_root("inetd_mode_serves_the_connection_on_stdin") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("proftpd.conf");
    std::fs::write(
        &conf,
        format!(
            "ServerName \"Inetd\"\nServerType inetd\nSystemLog {}/sys.log\n",
            dir.path().display()
        ),
    )
    .expect("write");
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let mut client = TcpStream::connect(l.local_addr().expect("addr")).expect("connect");
    let (server_side, _) = l.accept().expect("accept");
    let fd: std::os::fd::OwnedFd = server_side.into();
    let out = fd.try_clone().expect("dup");
    let mut child = Command::new(BIN)
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::from(fd))
        .stdout(Stdio::from(out))
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut buf = [0u8; 256];
    let n = client.read(&mut buf).expect("banner");
    let b = text(&buf[..n]);
    assert!(b.starts_with("220 ") && b.contains("Inetd"), "{b:?}");
    std::io::Write::write_all(&mut client, b"QUIT\r\n").expect("quit");
    let status = wait_for(Duration::from_secs(5), || child.try_wait().ok().flatten());
    if status.is_none() {
        let _ = child.kill();
    }
    assert_eq!(status.and_then(|s| s.code()), Some(0));
}

#[test]
fn nofork_serves_one_session_in_process_and_exits() {
    if skip_unless_root("nofork_serves_one_session_in_process_and_exits") {
        return;
    }
    let c = Conf::new(BASE);
    let mut child = Command::new(BIN)
        .arg("-X")
        .arg("-q")
        .arg("-c")
        .arg(c.path())
        .arg("--port-file")
        .arg(c.file("ports"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let addr: SocketAddr = wait_for(Duration::from_secs(5), || {
        let t = std::fs::read_to_string(c.file("ports")).ok()?;
        t.lines().next()?.parse().ok()
    })
    .expect("port file");
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut buf = [0u8; 256];
    let n = s.read(&mut buf).expect("banner");
    assert!(text(&buf[..n]).starts_with("220 "));
    // No child process served it: the daemon itself did.
    assert!(children_of(child.id()).is_empty());
    std::io::Write::write_all(&mut s, b"QUIT\r\n").expect("quit");
    let status = wait_for(Duration::from_secs(5), || child.try_wait().ok().flatten());
    if status.is_none() {
        let _ = child.kill();
    }
    assert!(status.is_some(), "-X did not exit after its session");
}
