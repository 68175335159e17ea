//! The shared harness of the integration tests (`tests/*.rs`).
//!
//! Every test drives the real `proftpd` binary the way an admin does: a
//! config file written into a fresh temporary directory, the daemon started
//! in the foreground (`-n -q -c <conf>`), and a plain TCP client checking the
//! exact reply bytes.  Nothing is shared between tests: each server gets its
//! own directory, `Port 0` (an ephemeral port, reported through the hidden
//! `--port-file` flag), and is stopped when its [`TestServer`] is dropped.
//!
//! Every wait is bounded (see the `*_TIMEOUT` constants), so a daemon that
//! hangs fails the test instead of hanging the suite.
//!
//! Usage from a test file:
//!
//! ```ignore
//! mod common;
//! use common::*;
//!
//! let srv = TestServer::builder()
//!     .user(AuthUser::new("demo", "demo"))
//!     .config("ServerName \"T\"\nAuthUserFile {dir}/ftpd.passwd\n")
//!     .start();
//! let mut c = srv.connect();
//! assert_eq!(c.banner(), "220 ProFTPD Server (T) [127.0.0.1]\r\n");
//! assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
//! ```

// Each tests/*.rs binary uses its own subset of the harness.
#![allow(dead_code)]

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::thread::sleep;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// How long the daemon may take to write its port file.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one reply may take to arrive completely.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the daemon gets between SIGTERM and SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(2);
/// Polling step of the bounded waits.
const POLL: Duration = Duration::from_millis(10);
/// The longest reply we accept before calling it runaway output.
pub const MAX_REPLY_BYTES: usize = 1 << 20;

/// SHA-512 crypt of `demo` (`openssl passwd -6 -salt quickstart demo`), the
/// same hash `make run` uses; lets the suite run without the openssl tool.
pub const DEMO_HASH: &str = "$6$quickstart$CsGnIj5k66LooYo675r1nSnt830zLsTD3o8xSZw73hUPbxwQv.DslNP1OZ8e5UAIR9R6LlKIUFmjwqXdFbVc61";

/// The daemon under test: the binary Cargo built for this test run, unless
/// `PROFTPD_TEST_BIN` names another (an installed build, say).
pub fn proftpd_bin() -> PathBuf {
    match std::env::var_os("PROFTPD_TEST_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_proftpd")),
    }
}

/// True when the tests run as root (CI does): the root tier runs then.
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Returns early from a test that needs root, saying so on stderr.
#[macro_export]
macro_rules! skip_if_not_root {
    () => {
        if !$crate::common::is_root() {
            eprintln!(
                "SKIPPED {}: needs root (chroot, setuid); CI runs the suite as root",
                $crate::test_fn_name!()
            );
            return;
        }
    };
    ($why:expr) => {
        if !$crate::common::is_root() {
            eprintln!("SKIPPED {}: needs root: {}", $crate::test_fn_name!(), $why);
            return;
        }
    };
}

/// The path of the function the macro is used in (`login::some_test`).
#[macro_export]
macro_rules! test_fn_name {
    () => {{
        fn here() {}
        let name = std::any::type_name_of_val(&here);
        name.strip_suffix("::here").unwrap_or(name)
    }};
}

/// Serialises tests that fork, send signals or change process-wide state.
/// A test that panicked while holding it does not poison the others.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An unused TCP port on 127.0.0.1, for the few cases (inetd) where the
/// daemon cannot bind `Port 0` itself.  Racy by nature; prefer `Port 0`.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local_addr").port()
}

/// SHA-512 crypt(3) hash of `password` through `openssl passwd -6`, or the
/// committed fixture for `demo`.
pub fn crypt_sha512(password: &str) -> String {
    if password == "demo" {
        return DEMO_HASH.to_string();
    }
    let out = Command::new("openssl")
        .args(["passwd", "-6", "-salt", "proftpdrstest", password])
        .stderr(Stdio::inherit())
        .output()
        .expect("running `openssl passwd -6` (install openssl, or use the password demo)");
    assert!(out.status.success(), "openssl passwd -6 failed");
    String::from_utf8(out.stdout)
        .expect("utf-8 hash")
        .trim()
        .to_string()
}

/// One line of an AuthUserFile (passwd(5) format).
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub name: String,
    pub password: String,
    /// Defaults to the invoking user's uid, or 65534 when root (a root
    /// login is refused by default, `RootLogin off`).
    pub uid: u32,
    pub gid: u32,
    /// `None`: `<server dir>/home/<name>`, created with the user as owner.
    pub home: Option<PathBuf>,
    pub shell: String,
}

impl AuthUser {
    pub fn new(name: &str, password: &str) -> Self {
        let (uid, gid) = if is_root() {
            (65534, 65534)
        } else {
            (
                nix::unistd::geteuid().as_raw(),
                nix::unistd::getegid().as_raw(),
            )
        };
        AuthUser {
            name: name.to_string(),
            password: password.to_string(),
            uid,
            gid,
            home: None,
            shell: "/bin/sh".to_string(),
        }
    }

    pub fn ids(mut self, uid: u32, gid: u32) -> Self {
        self.uid = uid;
        self.gid = gid;
        self
    }

    pub fn home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    pub fn shell(mut self, shell: &str) -> Self {
        self.shell = shell.to_string();
        self
    }

    /// The passwd(5) line, without newline.
    pub fn line(&self, home: &Path) -> String {
        format!(
            "{}:{}:{}:{}:{}:{}:{}",
            self.name,
            crypt_sha512(&self.password),
            self.uid,
            self.gid,
            self.name,
            home.display(),
            self.shell
        )
    }
}

/// Writes an AuthUserFile (mode 0600) and creates each user's home with the
/// user as owner (chown only works, and only matters, under root).
pub fn write_auth_user_file(path: &Path, users: &[AuthUser], default_home_root: &Path) {
    let mut text = String::new();
    for u in users {
        let home = u
            .home
            .clone()
            .unwrap_or_else(|| default_home_root.join(&u.name));
        make_home(&home, u.uid, u.gid);
        writeln!(text, "{}", u.line(&home)).unwrap();
    }
    write_private(path, &text);
}

/// Writes an AuthGroupFile (mode 0600): `(name, gid, members)`.
pub fn write_auth_group_file(path: &Path, groups: &[(&str, u32, &[&str])]) {
    let mut text = String::new();
    for (name, gid, members) in groups {
        writeln!(text, "{name}:x:{gid}:{}", members.join(",")).unwrap();
    }
    write_private(path, &text);
}

fn write_private(path: &Path, text: &str) {
    fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).expect("chmod 0600");
}

/// Creates `dir` (mode 0755) owned by `uid:gid` when running as root.
pub fn make_home(dir: &Path, uid: u32, gid: u32) {
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).expect("chmod home");
    if is_root() {
        nix::unistd::chown(
            dir,
            Some(nix::unistd::Uid::from_raw(uid)),
            Some(nix::unistd::Gid::from_raw(gid)),
        )
        .unwrap_or_else(|e| panic!("chown {}: {e}", dir.display()));
    }
}

/// Builds the config and command line of one [`TestServer`].
pub struct ServerBuilder {
    /// The server's private directory: config, PidFile, SystemLog, port
    /// file, user files and homes all live here and vanish with it.
    dir: tempfile::TempDir,
    /// Config text after the harness header; `{dir}` expands to the
    /// directory above.
    body: String,
    /// Prepend the harness header (PidFile, Port 0, loopback, SystemLog).
    header: bool,
    /// Pass `-q`; without it the daemon's stderr logging is kept in
    /// `<dir>/stderr.log` (shown when startup fails).
    quiet: bool,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    users: Vec<AuthUser>,
    /// Run this program (and arguments) instead of `proftpd -n -q -c
    /// <generated config>`, with an existing config; `--port-file` and
    /// `args` are still appended.  For wrappers such as quickstart.sh.
    command: Option<(PathBuf, Vec<OsString>, PathBuf)>,
}

impl ServerBuilder {
    /// Starts `program args... --port-file <file> [arg()s]` instead of the
    /// generated config; `config` names the file it serves (diagnostics).
    /// The program must exec the daemon, so the pid is the master's.
    pub fn command(
        mut self,
        program: impl Into<PathBuf>,
        args: &[&std::ffi::OsStr],
        config: impl Into<PathBuf>,
    ) -> Self {
        self.command = Some((
            program.into(),
            args.iter().map(|a| a.to_os_string()).collect(),
            config.into(),
        ));
        self
    }

    /// The server's directory, for files the config refers to.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Appends config text; `{dir}` is replaced by the server directory.
    pub fn config(mut self, text: &str) -> Self {
        self.body.push_str(text);
        if !self.body.ends_with('\n') {
            self.body.push('\n');
        }
        self
    }

    /// Leaves out the harness header: `config` is the whole file.
    pub fn no_header(mut self) -> Self {
        self.header = false;
        self
    }

    /// Keeps the daemon's stderr (no `-q`) in `<dir>/stderr.log`.
    pub fn verbose(mut self) -> Self {
        self.quiet = false;
        self
    }

    /// `-D name`.
    pub fn define(self, name: &str) -> Self {
        self.arg("-D").arg(name)
    }

    /// One more command-line argument.
    pub fn arg(mut self, a: impl Into<OsString>) -> Self {
        self.args.push(a.into());
        self
    }

    /// An environment variable for the daemon (for `%{env:NAME}`).
    pub fn env(mut self, k: impl Into<OsString>, v: impl Into<OsString>) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    /// An AuthUserFile user: written to `{dir}/ftpd.passwd` (and its group to
    /// `{dir}/ftpd.group`) at start, home `{dir}/home/<name>` created.
    /// The config still has to name the files (`AuthUserFile
    /// {dir}/ftpd.passwd`), so each test shows what it configures.
    pub fn user(mut self, u: AuthUser) -> Self {
        self.users.push(u);
        self
    }

    /// The header every harness config starts with.
    pub fn header_text(dir: &Path) -> String {
        format!(
            "# written by tests/common/mod.rs\n\
             ServerType standalone\n\
             UseIPv6 off\n\
             DefaultAddress 127.0.0.1\n\
             SocketBindTight on\n\
             Port 0\n\
             PidFile {d}/proftpd.pid\n\
             SystemLog {d}/proftpd.log\n",
            d = dir.display()
        )
    }

    /// The config file text as it will be written.
    pub fn config_text(&self) -> String {
        let dir = self.dir.path().display().to_string();
        let mut text = String::new();
        if self.header {
            text.push_str(&Self::header_text(self.dir.path()));
        }
        text.push_str(&self.body.replace("{dir}", &dir));
        text
    }

    /// Starts the daemon; panics (with its logs) if it does not come up.
    pub fn start(self) -> TestServer {
        self.try_start().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Starts the daemon and waits for its port file.
    pub fn try_start(self) -> Result<TestServer, String> {
        let dir = self.dir.path().to_path_buf();
        if !self.users.is_empty() {
            write_auth_user_file(&dir.join("ftpd.passwd"), &self.users, &dir.join("home"));
            let mut groups: Vec<(String, u32, Vec<String>)> = Vec::new();
            for u in &self.users {
                match groups.iter_mut().find(|g| g.1 == u.gid) {
                    Some(g) => g.2.push(u.name.clone()),
                    None => groups.push((u.name.clone(), u.gid, vec![u.name.clone()])),
                }
            }
            let mut text = String::new();
            for (name, gid, members) in &groups {
                writeln!(text, "{name}:x:{gid}:{}", members.join(",")).unwrap();
            }
            write_private(&dir.join("ftpd.group"), &text);
        }

        let port_file = dir.join("ports");
        let stderr_path = dir.join("stderr.log");
        let stderr = fs::File::create(&stderr_path).map_err(|e| format!("stderr.log: {e}"))?;

        let bin = proftpd_bin();
        let (mut cmd, config_path) = match &self.command {
            Some((program, args, config)) => {
                let mut cmd = Command::new(program);
                cmd.args(args);
                (cmd, config.clone())
            }
            None => {
                let config_path = dir.join("proftpd.conf");
                fs::write(&config_path, self.config_text())
                    .map_err(|e| format!("writing config: {e}"))?;
                let mut cmd = Command::new(&bin);
                cmd.arg("-n");
                if self.quiet {
                    cmd.arg("-q");
                }
                cmd.arg("-c").arg(&config_path);
                (cmd, config_path)
            }
        };
        cmd.arg("--port-file")
            .arg(&port_file)
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr);
        let child = cmd
            .spawn()
            .map_err(|e| format!("spawning {}: {e}", bin.display()))?;

        let mut srv = TestServer {
            dir: self.dir,
            config_path,
            bin,
            child: Some(child),
            addrs: Vec::new(),
        };
        match srv.wait_for_ports(&port_file) {
            Ok(addrs) => {
                srv.addrs = addrs;
                Ok(srv)
            }
            Err(e) => {
                let status = srv.stop();
                Err(format!(
                    "proftpd did not start: {e} (exit: {status:?})\n{}",
                    srv.diagnostics()
                ))
            }
        }
    }
}

/// A running daemon; stopped (SIGTERM, then SIGKILL) when dropped.
pub struct TestServer {
    /// Owns the directory for as long as the daemon may use it.
    dir: tempfile::TempDir,
    pub config_path: PathBuf,
    /// The binary that was started (for recognising its children).
    bin: PathBuf,
    /// `None` once stopped.
    child: Option<Child>,
    /// Listening addresses, as written to the port file.
    pub addrs: Vec<SocketAddr>,
}

impl TestServer {
    /// A builder with a fresh 0755 directory (0755 so that session users
    /// other than the test's can reach homes inside it).
    pub fn builder() -> ServerBuilder {
        let dir = tempfile::Builder::new()
            .prefix("proftpd-rs-test.")
            .tempdir()
            .expect("tempdir");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod tempdir");
        ServerBuilder {
            dir,
            body: String::new(),
            header: true,
            quiet: true,
            args: Vec::new(),
            env: Vec::new(),
            users: Vec::new(),
            command: None,
        }
    }

    /// Header + `body`, started.
    pub fn start(body: &str) -> TestServer {
        Self::builder().config(body).start()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The first listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addrs[0]
    }

    /// The master's pid.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("server stopped").id()
    }

    /// A control connection to the first listener.
    pub fn connect(&self) -> Control {
        Control::connect(self.addr())
            .unwrap_or_else(|e| panic!("connect {}: {e}\n{}", self.addr(), self.diagnostics()))
    }

    /// The master's live children (the session processes).
    pub fn session_pids(&self) -> Vec<u32> {
        match &self.child {
            Some(c) => children_of(c.id()),
            None => Vec::new(),
        }
    }

    /// Waits (bounded) until exactly one session process exists, returns it.
    pub fn wait_for_one_session(&self) -> u32 {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let pids = self.session_pids();
            if pids.len() == 1 {
                return pids[0];
            }
            if Instant::now() >= deadline {
                panic!("expected one session process, found {pids:?}");
            }
            sleep(POLL);
        }
    }

    /// The SystemLog text ("" if none).
    pub fn system_log(&self) -> String {
        fs::read_to_string(self.dir().join("proftpd.log")).unwrap_or_default()
    }

    /// The daemon's stderr ("" with `-q`).
    pub fn stderr_log(&self) -> String {
        fs::read_to_string(self.dir().join("stderr.log")).unwrap_or_default()
    }

    /// Config and logs, for failure messages.
    pub fn diagnostics(&self) -> String {
        let conf = fs::read_to_string(&self.config_path).unwrap_or_default();
        format!(
            "--- {} ---\n{conf}--- SystemLog ---\n{}--- stderr ---\n{}",
            self.config_path.display(),
            self.system_log(),
            self.stderr_log()
        )
    }

    /// Sends `sig` to the master.
    pub fn signal(&self, sig: Signal) {
        kill(Pid::from_raw(self.pid() as i32), sig).expect("kill");
    }

    /// Waits (bounded) for the master to exit by itself.
    pub fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(st)) = child.try_wait() {
                self.child = None;
                return Some(st);
            }
            if Instant::now() >= deadline {
                return None;
            }
            sleep(POLL);
        }
    }

    /// SIGTERM, up to [`STOP_GRACE`], then SIGKILL; leftover session
    /// processes of this binary are killed too.  Idempotent.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let master = child.id();
        let sessions = children_of(master);
        let _ = kill(Pid::from_raw(master as i32), Signal::SIGTERM);
        let deadline = Instant::now() + STOP_GRACE;
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break Some(st),
                Ok(None) if Instant::now() < deadline => sleep(POLL),
                _ => {
                    let _ = child.kill();
                    break child.wait().ok();
                }
            }
        };
        for pid in sessions {
            if runs_binary(pid, &self.bin) {
                let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
            }
        }
        status
    }

    fn wait_for_ports(&mut self, port_file: &Path) -> Result<Vec<SocketAddr>, String> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Ok(text) = fs::read_to_string(port_file) {
                if !text.is_empty() && text.ends_with('\n') {
                    return parse_port_file(&text);
                }
            }
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(st)) = child.try_wait() {
                    self.child = None;
                    return Err(format!("it exited early with {st}"));
                }
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "no port file {} after {STARTUP_TIMEOUT:?}",
                    port_file.display()
                ));
            }
            sleep(POLL);
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// openbsd-inetd, as Debian ships it (`apt-get install openbsd-inetd`).
pub const INETD: &str = "/usr/sbin/inetd";

/// A real inetd (openbsd-inetd, in debug/foreground mode) that starts
/// `proftpd -c <conf>` for each connection to its loopback port.  The
/// config is written like a [`TestServer`]'s, without the standalone header.
pub struct InetdServer {
    dir: tempfile::TempDir,
    pub config_path: PathBuf,
    child: Option<Child>,
    pub addr: SocketAddr,
}

impl InetdServer {
    /// `None` (after saying why) when openbsd-inetd is not installed or the
    /// invoking user has no name for inetd's user field.
    pub fn start(builder: ServerBuilder) -> Option<InetdServer> {
        if !Path::new(INETD).exists() {
            eprintln!("SKIPPED: {INETD} not installed (apt-get install openbsd-inetd)");
            return None;
        }
        let user = match nix::unistd::User::from_uid(nix::unistd::geteuid()) {
            Ok(Some(u)) => u.name,
            _ => {
                eprintln!("SKIPPED: the invoking uid has no user name for inetd.conf");
                return None;
            }
        };
        let ServerBuilder {
            dir, users, body, ..
        } = builder;
        let path = dir.path().to_path_buf();
        if !users.is_empty() {
            write_auth_user_file(&path.join("ftpd.passwd"), &users, &path.join("home"));
            let groups: Vec<(String, u32, Vec<&str>)> = users
                .iter()
                .map(|u| (u.name.clone(), u.gid, vec![u.name.as_str()]))
                .collect();
            let groups: Vec<(&str, u32, &[&str])> = groups
                .iter()
                .map(|(n, g, m)| (n.as_str(), *g, m.as_slice()))
                .collect();
            write_auth_group_file(&path.join("ftpd.group"), &groups);
        }
        let config_path = path.join("proftpd.conf");
        let text = body.replace("{dir}", &path.display().to_string());
        fs::write(&config_path, text).expect("writing config");

        // inetd splits its arguments on blanks: the temp path has none.
        let port = free_port();
        let bin = proftpd_bin();
        let line = format!(
            "127.0.0.1:{port} stream tcp nowait {user} {bin} proftpd -c {conf}\n",
            bin = bin.display(),
            conf = config_path.display()
        );
        let inetd_conf = path.join("inetd.conf");
        fs::write(&inetd_conf, line).expect("writing inetd.conf");
        let log = fs::File::create(path.join("inetd.log")).expect("inetd.log");
        let child = Command::new(INETD)
            .arg("-d")
            .arg(&inetd_conf)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("dup"))
            .stderr(log)
            .spawn()
            .expect("spawning inetd");
        let mut srv = InetdServer {
            dir,
            config_path,
            child: Some(child),
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while !tcp_listening(port) {
            if Instant::now() >= deadline {
                let log = fs::read_to_string(srv.dir.path().join("inetd.log")).unwrap_or_default();
                srv.stop();
                panic!("inetd did not listen on {port}:\n{log}");
            }
            sleep(POLL);
        }
        Some(srv)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn connect(&self) -> Control {
        Control::connect(self.addr).unwrap_or_else(|e| panic!("connect {}: {e}", self.addr))
    }

    /// The inetd log (debug mode), for failure messages.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir().join("inetd.log")).unwrap_or_default()
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM);
            let deadline = Instant::now() + STOP_GRACE;
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => sleep(POLL),
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                }
            }
        }
    }
}

impl Drop for InetdServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// True when something listens on 127.0.0.1:`port` (from /proc/net/tcp,
/// without connecting, so no session is started by asking).
pub fn tcp_listening(port: u16) -> bool {
    let want = format!("0100007F:{port:04X}");
    fs::read_to_string("/proc/net/tcp")
        .map(|t| {
            t.lines().skip(1).any(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f.len() > 3 && f[1] == want && f[3] == "0A"
            })
        })
        .unwrap_or(false)
}

/// Parses `<addr>:<port>\n` lines (`[v6]:port` or `v6:port` both accepted).
pub fn parse_port_file(text: &str) -> Result<Vec<SocketAddr>, String> {
    let mut addrs = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let line = line.trim();
        let addr = line.parse::<SocketAddr>().or_else(|_| {
            let (host, port) = line
                .rsplit_once(':')
                .ok_or_else(|| format!("bad port file line {line:?}"))?;
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let ip = host
                .parse()
                .map_err(|e| format!("bad address in {line:?}: {e}"))?;
            let port = port
                .parse()
                .map_err(|e| format!("bad port in {line:?}: {e}"))?;
            Ok::<_, String>(SocketAddr::new(ip, port))
        })?;
        addrs.push(addr);
    }
    if addrs.is_empty() {
        return Err("empty port file".into());
    }
    Ok(addrs)
}

/// Live children of `pid`, from /proc (field 4 of /proc/<pid>/stat).
pub fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return out;
    };
    for e in entries.flatten() {
        let Some(p) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...; comm may contain spaces and ')'.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let mut f = rest.split_whitespace();
        let state = f.next();
        let ppid = f.next().and_then(|s| s.parse::<u32>().ok());
        if ppid == Some(pid) && state != Some("Z") {
            out.push(p);
        }
    }
    out.sort_unstable();
    out
}

fn runs_binary(pid: u32, bin: &Path) -> bool {
    let exe = fs::read_link(format!("/proc/{pid}/exe")).ok();
    let want = fs::canonicalize(bin).ok();
    exe.is_some() && exe == want
}

/// Identity of a process as /proc/<pid>/status reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcIds {
    /// Real, effective, saved, filesystem.
    pub uid: [u32; 4],
    pub gid: [u32; 4],
    pub groups: Vec<u32>,
}

/// Reads the Uid/Gid/Groups lines of /proc/<pid>/status.
pub fn proc_ids(pid: u32) -> ProcIds {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_else(|e| panic!("/proc/{pid}/status: {e}"));
    let field = |name: &str| -> Vec<u32> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
            .split_whitespace()
            .map(|n| n.parse().expect("number"))
            .collect()
    };
    let four = |v: Vec<u32>| -> [u32; 4] { v.try_into().expect("four ids") };
    let mut groups = field("Groups:");
    groups.sort_unstable();
    ProcIds {
        uid: four(field("Uid:")),
        gid: four(field("Gid:")),
        groups,
    }
}

/// A raw control-channel client: sends bytes, reads whole replies.
pub struct Control {
    stream: TcpStream,
    /// Bytes read past the end of the last reply.
    buf: Vec<u8>,
    /// Budget for one reply.
    pub timeout: Duration,
}

/// Sends PASV; returns the data address of the 227 reply.
pub fn pasv(c: &mut Control) -> SocketAddr {
    let r = c.cmd("PASV");
    assert!(r.starts_with("227 Entering Passive Mode ("), "{r}");
    let inner = &r[r.find('(').expect("(") + 1..r.find(')').expect(")")];
    let n: Vec<u16> = inner
        .split(',')
        .map(|x| x.trim().parse().expect("number"))
        .collect();
    assert_eq!(n.len(), 6, "{r}");
    let ip = std::net::Ipv4Addr::new(n[0] as u8, n[1] as u8, n[2] as u8, n[3] as u8);
    SocketAddr::new(ip.into(), n[4] * 256 + n[5])
}

/// Everything the peer sends on `s` until it closes, waiting at most
/// `wait` for each read.
pub fn read_to_close(mut s: TcpStream, wait: Duration) -> Vec<u8> {
    s.set_read_timeout(Some(wait)).expect("timeout");
    let mut v = Vec::new();
    let _ = s.read_to_end(&mut v);
    v
}

impl Control {
    pub fn connect(addr: SocketAddr) -> io::Result<Control> {
        let stream = TcpStream::connect_timeout(&addr, REPLY_TIMEOUT)?;
        stream.set_nodelay(true)?;
        Ok(Control {
            stream,
            buf: Vec::new(),
            timeout: REPLY_TIMEOUT,
        })
    }

    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Writes `bytes` as they are (no CRLF added).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send to server");
    }

    /// Writes `line` + CRLF.
    pub fn send(&mut self, line: &str) {
        let mut b = line.as_bytes().to_vec();
        b.extend_from_slice(b"\r\n");
        self.send_raw(&b);
    }

    /// Sends `line` + CRLF and returns the complete reply, CRLFs included.
    #[track_caller]
    pub fn cmd(&mut self, line: &str) -> String {
        self.send(line);
        self.reply()
    }

    /// The banner (the first reply).
    pub fn banner(&mut self) -> String {
        self.reply()
    }

    /// Reads one complete reply (multi-line aware) as text, CRLFs included.
    /// Panics on timeout or EOF, showing what had arrived.
    #[track_caller]
    pub fn reply(&mut self) -> String {
        match self.try_reply() {
            Ok(r) => r,
            Err(e) => panic!("reading reply: {e}"),
        }
    }

    /// One complete reply, or an error saying what arrived before
    /// EOF/timeout.
    pub fn try_reply(&mut self) -> Result<String, String> {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(n) = complete_reply_len(&self.buf) {
                let rest = self.buf.split_off(n);
                let reply = std::mem::replace(&mut self.buf, rest);
                return Ok(String::from_utf8_lossy(&reply).into_owned());
            }
            if self.buf.len() > MAX_REPLY_BYTES {
                return Err(format!("reply over {MAX_REPLY_BYTES} bytes"));
            }
            match self.fill(deadline) {
                Ok(0) => {
                    return Err(format!(
                        "connection closed; partial reply {:?}",
                        String::from_utf8_lossy(&self.buf)
                    ));
                }
                Ok(_) => {}
                Err(e) => {
                    return Err(format!(
                        "{e}; partial reply {:?}",
                        String::from_utf8_lossy(&self.buf)
                    ));
                }
            }
        }
    }

    /// True if the server closes the connection within `within` without
    /// sending anything more (a reset counts as closed).  Bytes that do
    /// arrive are returned as the error.
    pub fn expect_closed(&mut self, within: Duration) -> Result<(), String> {
        let deadline = Instant::now() + within;
        loop {
            if !self.buf.is_empty() {
                return Err(format!(
                    "expected close, got {:?}",
                    String::from_utf8_lossy(&self.buf)
                ));
            }
            match self.fill(deadline) {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(()),
                Err(e) => return Err(format!("connection still open: {e}")),
            }
        }
    }

    /// Logs in, asserting the 331 and 230 replies of a normal user.
    #[track_caller]
    pub fn login(&mut self, user: &str, pass: &str) {
        assert_eq!(
            self.cmd(&format!("USER {user}")),
            format!("331 Password required for {user}\r\n")
        );
        assert_eq!(
            self.cmd(&format!("PASS {pass}")),
            format!("230 User {user} logged in\r\n")
        );
    }

    /// Half-closes the write side (the client stops talking).
    pub fn shutdown_write(&self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }

    fn fill(&mut self, deadline: Instant) -> io::Result<usize> {
        let now = Instant::now();
        if now >= deadline {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"));
        }
        self.stream.set_read_timeout(Some(deadline - now))?;
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"))
            }
            Err(e) => Err(e),
        }
    }
}

/// Length of the first complete reply in `buf`, if there is one.
///
/// A reply is `NNN text\n`, or `NNN-text\n` followed by any lines up to
/// one that starts with the same `NNN` and a space (continuation lines
/// start with a space, or with `NNN-` on TLS channels).
pub fn complete_reply_len(buf: &[u8]) -> Option<usize> {
    let first_end = buf.iter().position(|&b| b == b'\n')? + 1;
    let first = &buf[..first_end];
    if first.len() < 4 || !first[..3].iter().all(u8::is_ascii_digit) || first[3] != b'-' {
        return Some(first_end);
    }
    let code = &first[..3];
    let mut pos = first_end;
    while let Some(off) = buf[pos..].iter().position(|&b| b == b'\n') {
        let line = &buf[pos..pos + off + 1];
        pos += off + 1;
        if line.len() >= 4 && &line[..3] == code && line[3] == b' ' {
            return Some(pos);
        }
    }
    None
}

/// The three-digit code of a reply text.
pub fn code_of(reply: &str) -> u16 {
    reply.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod harness_tests {
    use super::*;

    #[test]
    fn replies_are_split_whole() {
        assert_eq!(complete_reply_len(b"220 hi\r\n331 x\r\n"), Some(8));
        assert_eq!(complete_reply_len(b"211-a\r\n b\r\n211 End\r\n"), Some(20));
        assert_eq!(complete_reply_len(b"211-a\r\n b\r\n"), None);
        assert_eq!(complete_reply_len(b"211-a\r\n211-b\r\n211 c\r\n"), Some(21));
        assert_eq!(complete_reply_len(b"220 partial"), None);
    }

    #[test]
    fn port_files_parse() {
        let a = parse_port_file("127.0.0.1:2121\n[::1]:21\n::1:22\n").unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].port(), 2121);
        assert_eq!(a[2].port(), 22);
        assert!(parse_port_file("\n").is_err());
    }
}
