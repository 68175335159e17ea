//! mod_core's configuration keys: the typed values its directives store.
//!
//! The daemon reads the server-level ones (Port, PidFile, ...); the session
//! runtime and mod_core's command handlers read the rest.

use std::path::PathBuf;

use proftpd_api::config::ConfigKey;

/// `ServerType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServerType {
    #[default]
    Standalone,
    Inetd,
}

/// `ServerIdent on|off ["text"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerIdent {
    pub on: bool,
    /// The custom banner text (with `%L %V %v %{version}` unexpanded).
    pub text: Option<String>,
}

/// `Umask file-umask [dir-umask]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Umask {
    pub file: u32,
    pub dir: u32,
}

/// Where the server log goes (`SystemLog path|none`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    File(PathBuf),
    None,
}

/// `SyslogLevel` thresholds, ProFTPD's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SyslogLevel {
    Emerg,
    Alert,
    Crit,
    Error,
    Warn,
    Notice,
    Info,
    Debug,
}

pub static SERVER_NAME: ConfigKey<String> = ConfigKey::new("ServerName");
pub static SERVER_TYPE: ConfigKey<ServerType> = ConfigKey::new("ServerType");
pub static SERVER_IDENT: ConfigKey<ServerIdent> = ConfigKey::new("ServerIdent");
pub static SERVER_ADMIN: ConfigKey<String> = ConfigKey::new("ServerAdmin");
pub static SERVER_ALIAS: ConfigKey<Vec<String>> = ConfigKey::new("ServerAlias");
pub static DEFER_WELCOME: ConfigKey<bool> = ConfigKey::new("DeferWelcome");
pub static DEFAULT_SERVER: ConfigKey<bool> = ConfigKey::new("DefaultServer");
/// `Port`; 0 disables the server (as in ProFTPD), except under the test
/// flag `--port-file`, where it asks for an ephemeral port.
pub static PORT: ConfigKey<u16> = ConfigKey::new("Port");
/// `DefaultAddress` (main server only): the addresses to bind/answer on.
pub static DEFAULT_ADDRESS: ConfigKey<Vec<String>> = ConfigKey::new("DefaultAddress");
pub static SOCKET_BIND_TIGHT: ConfigKey<bool> = ConfigKey::new("SocketBindTight");
pub static USE_IPV6: ConfigKey<bool> = ConfigKey::new("UseIPv6");
/// `UseReverseDNS on|off` (server config, default on): whether a session
/// looks its client's address up (verified: the name must resolve back to
/// the address) for logs, `%h`/`%R` and STAT.
pub static USE_REVERSE_DNS: ConfigKey<bool> = ConfigKey::new("UseReverseDNS");
/// `MaxInstances count|none`; `none` is stored as 0 (unlimited), a value
/// the directive never accepts otherwise.
pub static MAX_INSTANCES: ConfigKey<u32> = ConfigKey::new("MaxInstances");
pub static TCP_BACKLOG: ConfigKey<i32> = ConfigKey::new("TCPBacklog");
pub static PID_FILE: ConfigKey<PathBuf> = ConfigKey::new("PidFile");
/// `User`: the daemon's user (server config) or the anonymous account
/// (`<Anonymous>`).
pub static USER: ConfigKey<String> = ConfigKey::new("User");
/// `Group`: as [`USER`].
pub static GROUP: ConfigKey<String> = ConfigKey::new("Group");
pub static UMASK: ConfigKey<Umask> = ConfigKey::new("Umask");
pub static COMMAND_BUFFER_SIZE: ConfigKey<usize> = ConfigKey::new("CommandBufferSize");
pub static TIMEOUT_IDLE: ConfigKey<u32> = ConfigKey::new("TimeoutIdle");
pub static SYSTEM_LOG: ConfigKey<LogTarget> = ConfigKey::new("SystemLog");
/// `SyslogFacility`, lower-cased (`daemon`, `local3`, ...).
pub static SYSLOG_FACILITY: ConfigKey<String> = ConfigKey::new("SyslogFacility");
pub static SYSLOG_LEVEL: ConfigKey<SyslogLevel> = ConfigKey::new("SyslogLevel");
pub static DEBUG_LEVEL: ConfigKey<u8> = ConfigKey::new("DebugLevel");
pub static DISPLAY_CONNECT: ConfigKey<PathBuf> = ConfigKey::new("DisplayConnect");
pub static DISPLAY_QUIT: ConfigKey<PathBuf> = ConfigKey::new("DisplayQuit");

/// `SetEnv name value`: also applied to the process environment at parse
/// time (through [`crate::directives::set_env_hook`]); kept as a record so
/// that a session can see what the config set.
pub static SET_ENV: ConfigKey<(String, String)> = ConfigKey::new("SetEnv");
/// `UnsetEnv name`, as [`SET_ENV`].
pub static UNSET_ENV: ConfigKey<String> = ConfigKey::new("UnsetEnv");

/// `PassivePorts low high` (server config): the range PASV/EPSV listen in;
/// validated as 1.3.8 does (both in 1024..=65535, low < high).
pub static PASSIVE_PORTS: ConfigKey<(u16, u16)> = ConfigKey::new("PassivePorts");

/// `MasqueradeAddress name|ip|device` (server config): the address PASV
/// (and the banner) advertise instead of the control connection's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masquerade {
    /// The name as configured, for logs and the delayed lookup.
    pub name: String,
    /// The address found at parse time; `None` when the name did not
    /// resolve then (1.3.8 retries when a session starts).
    pub addr: Option<std::net::IpAddr>,
}

pub static MASQUERADE_ADDRESS: ConfigKey<Masquerade> = ConfigKey::new("MasqueradeAddress");

/// `AllowForeignAddress on|off|class` (default off): whether PORT/EPRT may
/// name another host than the client (FXP) and a passive data connection
/// may come from one. A class name is stored as `false` (no `<Class>`
/// matching yet; see the directive).
pub static ALLOW_FOREIGN_ADDRESS: ConfigKey<bool> = ConfigKey::new("AllowForeignAddress");
