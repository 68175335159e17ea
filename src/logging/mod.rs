//! The logging core: one `log` backend for the whole daemon and every
//! module, writing ProFTPD's server-log lines to stderr, the `SystemLog`
//! file or syslog (spec/logs.md §1).
//!
//! # Priorities
//! ProFTPD has eight syslog priorities, `log` five levels. The mapping:
//!
//! | `log` record                         | ProFTPD priority |
//! |--------------------------------------|------------------|
//! | `error!`                             | error            |
//! | `warn!`                              | warn             |
//! | `info!`                              | **notice**       |
//! | `info!` with target `info` or `auth.info` | info        |
//! | `debug!`                             | debug (needs `-d`/DebugLevel ≥ 1) |
//! | `trace!`                             | debug (needs level ≥ 5) |
//!
//! so `log::info!(target: "info", "FTP session opened.")` is an info line
//! (dropped by the default `SyslogLevel notice`), while a plain `info!` is
//! a notice such as `USER bob (Login failed): ...`. The targets `auth` and
//! `auth.info` mark ProFTPD's `pr_log_auth` messages,
//! which syslog files under LOG_AUTHPRIV whatever `SyslogFacility` says.
//!
//! # Processes
//! The backend holds no thread and no lock that could be held across a
//! fork: the master is single-threaded, so a child inherits an unlocked
//! mutex, the open SystemLog fd and the connected syslog socket, and goes
//! on logging under its own pid (read at every line).

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use mod_core::keys::SyslogLevel;
use proftpd_api::log_target;

// The targets are the constants of `proftpd_api::log_target` (the one
// convention, documented there and in docs/INTERFACES.md).

/// Where lines go.
enum Sink {
    /// `-n`, and everything before the config is read (ProFTPD prints its
    /// startup errors on stderr too).
    Stderr,
    /// `SystemLog /path`: opened once, as root, before any fork.
    File(File),
    /// No SystemLog: syslog, connected before any fork or chroot.
    Syslog(Box<SyslogSink>),
    /// `SystemLog none`, `-q`, or daemon mode with no reachable syslog.
    Discard,
}

struct SyslogSink {
    logger: syslog::Logger<syslog::LoggerBackend, syslog::Formatter3164>,
    /// `SyslogFacility`, restored after each auth message.
    facility: syslog::Facility,
}

/// The mutable state behind the one logger.
struct State {
    sink: Sink,
    /// `SyslogLevel`: lines above it are dropped (file and syslog only;
    /// stderr shows every non-debug line, as 1.3.8 does with `-n`).
    threshold: SyslogLevel,
    /// `-d` / `DebugLevel`: gates debug lines everywhere.
    debug_level: u8,
    /// The host name field; empty until the CLI has parsed its options,
    /// as in 1.3.8's early errors (`...,123  proftpd[1]: fatal: ...`).
    hostname: String,
    /// The main server's FQDN once the config is read; the session
    /// replaces it with its own server's.
    server: Option<String>,
    /// `(name, ip)` of the connected client, set by the session.
    client: Option<(String, String)>,
}

static STATE: OnceLock<Mutex<State>> = OnceLock::new();

fn state() -> MutexGuard<'static, State> {
    let m = STATE.get_or_init(|| {
        Mutex::new(State {
            sink: Sink::Stderr,
            threshold: SyslogLevel::Notice,
            debug_level: 0,
            hostname: String::new(),
            server: None,
            client: None,
        })
    });
    // A panic while logging must not silence every later line.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

struct Backend;

static BACKEND: Backend = Backend;

/// Installs the backend (stderr until [`configure`]). Idempotent.
pub fn init() {
    if log::set_logger(&BACKEND).is_ok() {
        log::set_max_level(log::LevelFilter::Trace);
    }
}

/// Sets the host name printed in every line.
pub fn set_hostname(name: &str) {
    state().hostname = name.to_string();
}

/// Sets the server part printed after `proftpd[pid]` (the master uses its
/// main server's FQDN).
pub fn set_server_name(fqdn: &str) {
    state().server = Some(fqdn.to_string());
}

/// Called by the session runtime once it knows its server and client, so
/// that every later line reads `... proftpd[pid] <fqdn> (<name>[<ip>]): ...`.
pub fn set_session_prefix(server_fqdn: &str, client_name: &str, client_ip: &str) {
    let mut st = state();
    st.server = Some(server_fqdn.to_string());
    st.client = Some((client_name.to_string(), client_ip.to_string()));
}

/// Sets the debug level before the config is read (`-d`), so that debug
/// lines of the parse itself are shown.
pub fn set_debug_level(level: u8) {
    state().debug_level = level;
}

/// The debug level in force (`-d` or DebugLevel).
pub fn debug_level() -> u8 {
    state().debug_level
}

/// How the daemon wants its log, from the command line and the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// `-n`: stderr, SystemLog ignored.
    pub nodaemon: bool,
    /// `-q` with `-n`: nothing on stderr; the log goes where a daemon's
    /// would (SystemLog, or syslog).
    pub quiet: bool,
    /// `SystemLog`: `Some(None)` is `SystemLog none`.
    pub system_log: Option<Option<PathBuf>>,
    /// `SyslogFacility` (lower case), default `daemon`.
    pub facility: Option<String>,
    pub level: Option<SyslogLevel>,
    /// `-d` (wins over DebugLevel when given).
    pub cli_debug: Option<u8>,
    pub config_debug: Option<u8>,
}

/// Why the log could not be opened (fatal at startup).
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The SystemLog file could not be opened (1.3.8's wording).
    #[error("unable to open SystemLog '{path}': {why}")]
    SystemLog { path: String, why: String },
}

/// Opens the log the settings ask for and switches to it. Call in the
/// master before daemonizing (so errors reach the terminal) and before any
/// fork or chroot (so children inherit the fd or the syslog socket).
pub fn configure(s: &LogSettings) -> Result<(), LogError> {
    let threshold = match (s.level, s.cli_debug) {
        (Some(l), _) => l,
        (None, Some(d)) if d > 0 => SyslogLevel::Debug,
        _ => SyslogLevel::Notice,
    };
    let debug_level = s.cli_debug.or(s.config_debug).unwrap_or(0);
    let sink = if s.nodaemon && !s.quiet {
        // 1.3.8 still opens (and so checks) SystemLog under -n, then logs
        // to stderr only.
        if let Some(Some(path)) = &s.system_log {
            open_system_log(path)?;
        }
        Sink::Stderr
    } else {
        // `-n -q` logs where a daemon would: observed on 1.3.8, `-n -q`
        // with a SystemLog writes STARTUP/SHUTDOWN to that file and
        // nothing to stderr.
        match &s.system_log {
            Some(None) => Sink::Discard,
            Some(Some(path)) => Sink::File(open_system_log(path)?),
            None => open_syslog(s.facility.as_deref().unwrap_or("daemon")),
        }
    };
    let mut st = state();
    st.threshold = threshold;
    st.debug_level = debug_level;
    st.sink = sink;
    Ok(())
}

/// Sends every later line to stderr again (`-t`, early errors).
pub fn to_stderr() {
    state().sink = Sink::Stderr;
}

/// Opens a SystemLog file: append, create 0640, never through a symlink,
/// and never in a world-writable directory (anyone could swap the file).
pub fn open_system_log(path: &Path) -> Result<File, LogError> {
    let shown = path.display().to_string();
    let fail = |why: String| LogError::SystemLog {
        path: shown.clone(),
        why,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match std::fs::metadata(&dir) {
        Err(e) => {
            log::error!(
                "error: unable to stat() {}: {}",
                dir.display(),
                strerror(&e)
            );
            return Err(fail(strerror(&e)));
        }
        Ok(md) if md.mode() & 0o002 != 0 => {
            log::error!("error: {} is a world-writable directory", dir.display());
            return Err(fail(format!("{shown} is a world-writable directory")));
        }
        Ok(_) => {}
    }
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o640)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| fail(strerror(&e)))
}

/// An `io::Error` as C's `strerror` words it (no ` (os error N)` tail).
pub use proftpd_api::reply::errno_text as strerror;

fn facility_of(name: &str) -> syslog::Facility {
    use syslog::Facility as F;
    match name {
        "auth" => F::LOG_AUTH,
        "authpriv" => F::LOG_AUTHPRIV,
        "cron" => F::LOG_CRON,
        "ftp" => F::LOG_FTP,
        "kern" => F::LOG_KERN,
        "lpr" => F::LOG_LPR,
        "mail" => F::LOG_MAIL,
        "news" => F::LOG_NEWS,
        "user" => F::LOG_USER,
        "uucp" => F::LOG_UUCP,
        "local0" => F::LOG_LOCAL0,
        "local1" => F::LOG_LOCAL1,
        "local2" => F::LOG_LOCAL2,
        "local3" => F::LOG_LOCAL3,
        "local4" => F::LOG_LOCAL4,
        "local5" => F::LOG_LOCAL5,
        "local6" => F::LOG_LOCAL6,
        "local7" => F::LOG_LOCAL7,
        _ => F::LOG_DAEMON,
    }
}

fn open_syslog(facility: &str) -> Sink {
    match open_syslog_at(facility, None) {
        Some(sys) => Sink::Syslog(Box::new(sys)),
        // No syslog daemon (containers): nothing to log to, as ProFTPD.
        None => Sink::Discard,
    }
}

/// Connects to syslog (`/dev/log` and the usual fallbacks, or `path`).
fn open_syslog_at(facility: &str, path: Option<&Path>) -> Option<SyslogSink> {
    let facility = facility_of(facility);
    let formatter = syslog::Formatter3164 {
        facility,
        hostname: None,
        process: "proftpd".into(),
        pid: std::process::id(),
    };
    let logger = match path {
        Some(p) => syslog::unix_custom(formatter, p),
        None => syslog::unix(formatter),
    };
    logger.ok().map(|logger| SyslogSink { logger, facility })
}

/// Sends one message: under this process's pid (a child's differs from
/// the master that connected), auth messages under LOG_AUTHPRIV.
fn write_syslog(sys: &mut SyslogSink, pid: u32, prio: SyslogLevel, auth: bool, text: String) {
    sys.logger.formatter.pid = pid;
    sys.logger.formatter.facility = if auth {
        syslog::Facility::LOG_AUTHPRIV
    } else {
        sys.facility
    };
    let l = &mut sys.logger;
    let _ = match prio {
        SyslogLevel::Emerg => l.emerg(text),
        SyslogLevel::Alert => l.alert(text),
        SyslogLevel::Crit => l.crit(text),
        SyslogLevel::Error => l.err(text),
        SyslogLevel::Warn => l.warning(text),
        SyslogLevel::Notice => l.notice(text),
        SyslogLevel::Info => l.info(text),
        SyslogLevel::Debug => l.debug(text),
    };
    sys.logger.formatter.facility = sys.facility;
}

/// The ProFTPD priority of a record, and whether it is an auth message.
fn classify(record: &log::Record<'_>) -> (SyslogLevel, bool) {
    let target = record.target();
    let auth = target == log_target::AUTH || target == log_target::AUTH_INFO;
    let info_target = target == log_target::INFO || target == log_target::AUTH_INFO;
    let level = match record.level() {
        log::Level::Error => SyslogLevel::Error,
        log::Level::Warn => SyslogLevel::Warn,
        log::Level::Info if info_target => SyslogLevel::Info,
        log::Level::Info => SyslogLevel::Notice,
        log::Level::Debug | log::Level::Trace => SyslogLevel::Debug,
    };
    (level, auth)
}

/// The debug level a debug record needs.
fn needed_debug_level(level: log::Level) -> u8 {
    match level {
        log::Level::Trace => 5,
        log::Level::Debug => 1,
        _ => 0,
    }
}

/// `YYYY-MM-DD HH:MM:SS,mmm`, local time.
fn timestamp() -> String {
    jiff::ZonedDateTime::now()
        .strftime("%Y-%m-%d %H:%M:%S,%3f")
        .to_string()
}

/// The part after `proftpd[pid]`: ` <server> (<name>[<ip>])` or ` <server>`
/// or nothing.
fn who(st: &State) -> String {
    let mut s = String::new();
    if let Some(server) = &st.server {
        let _ = write!(s, " {server}");
        if let Some((name, ip)) = &st.client {
            let _ = write!(s, " ({name}[{ip}])");
        }
    }
    s
}

/// One file/stderr line (with its newline).
fn format_line(st: &State, ts: &str, pid: u32, msg: &str) -> String {
    format!("{ts} {} proftpd[{pid}]{}: {msg}\n", st.hostname, who(st))
}

impl log::Log for Backend {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let (prio, auth) = classify(record);
        let mut st = state();
        if st.debug_level < needed_debug_level(record.level()) {
            return;
        }
        let stderr = matches!(st.sink, Sink::Stderr);
        if !stderr && prio > st.threshold {
            return;
        }
        let msg = record.args().to_string();
        let pid = std::process::id();
        match &mut st.sink {
            Sink::Discard => {}
            Sink::Stderr => {
                let line = format_line(&st, &timestamp(), pid, &msg);
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
            Sink::File(_) => {
                let line = format_line(&st, &timestamp(), pid, &msg);
                if let Sink::File(f) = &mut st.sink {
                    // One write per line: O_APPEND keeps lines of
                    // concurrent sessions whole.
                    let _ = f.write_all(line.as_bytes());
                }
            }
            Sink::Syslog(_) => {
                let text = match who(&st) {
                    w if w.is_empty() => msg,
                    w => format!("{}: {msg}", &w[1..]),
                };
                if let Sink::Syslog(sys) = &mut st.sink {
                    write_syslog(sys, pid, prio, auth, text);
                }
            }
        }
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(server: Option<&str>, client: Option<(&str, &str)>) -> State {
        State {
            sink: Sink::Discard,
            threshold: SyslogLevel::Notice,
            debug_level: 0,
            hostname: "vm".into(),
            server: server.map(str::to_string),
            client: client.map(|(a, b)| (a.to_string(), b.to_string())),
        }
    }

    #[test]
    fn line_formats_match_1_3_8() {
        let ts = "2026-11-24 04:51:24,121";
        assert_eq!(
            format_line(&st(None, None), ts, 7, "fatal: x"),
            "2026-11-24 04:51:24,121 vm proftpd[7]: fatal: x\n"
        );
        assert_eq!(
            format_line(&st(Some("localhost"), None), ts, 7, "STARTUP"),
            "2026-11-24 04:51:24,121 vm proftpd[7] localhost: STARTUP\n"
        );
        assert_eq!(
            format_line(
                &st(Some("localhost"), Some(("localhost", "127.0.0.1"))),
                ts,
                8,
                "FTP session opened."
            ),
            "2026-11-24 04:51:24,121 vm proftpd[8] localhost (localhost[127.0.0.1]): \
             FTP session opened.\n"
        );
        let mut early = st(None, None);
        early.hostname.clear();
        assert_eq!(
            format_line(&early, ts, 9, "fatal: unknown parameter: 'foo'"),
            "2026-11-24 04:51:24,121  proftpd[9]: fatal: unknown parameter: 'foo'\n"
        );
    }

    #[test]
    fn timestamp_shape() {
        let t = timestamp();
        assert_eq!(t.len(), 23, "{t}");
        assert_eq!(&t[19..20], ",");
    }

    #[test]
    fn classify_maps_targets() {
        let rec = |level, target: &'static str| {
            let r = log::Record::builder().level(level).target(target).build();
            classify(&r)
        };
        assert_eq!(rec(log::Level::Info, "x"), (SyslogLevel::Notice, false));
        assert_eq!(rec(log::Level::Info, "info"), (SyslogLevel::Info, false));
        assert_eq!(
            rec(log::Level::Info, "auth.info"),
            (SyslogLevel::Info, true)
        );
        assert_eq!(rec(log::Level::Info, "auth"), (SyslogLevel::Notice, true));
        assert_eq!(rec(log::Level::Warn, "a"), (SyslogLevel::Warn, false));
        assert_eq!(rec(log::Level::Trace, "a").0, SyslogLevel::Debug);
    }

    #[test]
    fn syslog_uses_the_facility_and_authpriv_for_auth() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("log");
        let server = std::os::unix::net::UnixDatagram::bind(&path).expect("bind");
        server
            .set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .expect("timeout");
        let mut sys = open_syslog_at("local3", Some(&path)).expect("connect");
        let recv = || {
            let mut buf = [0u8; 512];
            let n = server.recv(&mut buf).expect("recv");
            String::from_utf8_lossy(&buf[..n]).into_owned()
        };
        write_syslog(&mut sys, 42, SyslogLevel::Notice, false, "hello".into());
        let m = recv();
        // local3 (19) * 8 + notice (5) = 157.
        assert!(m.starts_with("<157>"), "{m}");
        assert!(m.ends_with("proftpd[42]: hello"), "{m}");
        write_syslog(
            &mut sys,
            43,
            SyslogLevel::Info,
            true,
            "USER x: Login successful.".into(),
        );
        let m = recv();
        // authpriv (10) * 8 + info (6) = 86.
        assert!(m.starts_with("<86>"), "{m}");
        assert!(m.ends_with("proftpd[43]: USER x: Login successful."), "{m}");
    }

    #[test]
    fn system_log_refuses_world_writable_dirs() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777))
            .expect("chmod");
        let path = dir.path().join("x.log");
        let err = open_system_log(&path).expect_err("refused");
        assert_eq!(
            err.to_string(),
            format!(
                "unable to open SystemLog '{0}': {0} is a world-writable directory",
                path.display()
            )
        );
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        let f = open_system_log(&path).expect("opened");
        drop(f);
        let md = std::fs::metadata(&path).expect("stat");
        assert_eq!(md.mode() & 0o777, 0o640);
        let missing = dir.path().join("nope/x.log");
        assert!(
            open_system_log(&missing)
                .expect_err("missing dir")
                .to_string()
                .ends_with("No such file or directory")
        );
    }
}
