//! The session: the state of one FTP connection, visible to modules, and
//! the [`SessionHost`] through which modules reach process-level services.

use std::any::{Any, TypeId};
use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use crate::auth::AuthTable;
use crate::cmd::Cmd;
use crate::config::{ConfigKey, ConfigTree, CtxId};
use crate::data::{DataSource, Direction, ListenRequest, XferOptions, XferOutcome};
use crate::module::ModuleDef;
use crate::reply::{MultilineStyle, ReplyLine, ReplyQueue};

/// The representation type of transfers (`TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransferType {
    #[default]
    Ascii,
    Binary,
}

/// An auth module in dispatch order, with its `AuthOrder` flag.
#[derive(Debug, Clone, Copy)]
pub struct AuthModule {
    pub name: &'static str,
    pub table: &'static AuthTable,
    /// `AuthOrder mod_x.c*`: this module's answer is final.
    pub required: bool,
}

/// Who the session becomes after a successful login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user: String,
    pub uid: u32,
    pub gid: u32,
    /// Supplementary groups (the primary gid included).
    pub groups: Vec<u32>,
    /// The real directory to chroot into, if any.
    pub chroot: Option<PathBuf>,
    /// The directory to enter after the chroot, as seen from inside it.
    pub chdir: PathBuf,
    /// Also drop the saved uid (`RootRevoke on`): root can never be regained.
    pub root_revoke: bool,
    /// Capability policy for the session after the switch.
    pub caps: CapsPolicy,
}

/// mod_cap's settings as they apply to one session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CapsPolicy {
    /// `CapabilitiesEngine off`: leave capabilities alone.
    pub disabled: bool,
    /// Capability names (`CAP_CHOWN`) to keep after the switch.
    pub keep: Vec<String>,
}

/// A shadow(5) entry, read as root through `getspnam_r`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadow {
    pub name: String,
    pub hash: String,
    /// Days since the epoch of the last change; `None` if unset.
    pub last_change: Option<i64>,
    pub max_days: Option<i64>,
    pub inactive_days: Option<i64>,
    pub expire: Option<i64>,
}

/// uid and gid to name maps, captured at login before the chroot (see
/// [`crate::auth::NamesFn`]); listings and MLSx facts read them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameMaps {
    pub users: HashMap<u32, String>,
    pub groups: HashMap<u32, String>,
}

impl NameMaps {
    pub fn user(&self, uid: u32) -> Option<&str> {
        self.users.get(&uid).map(String::as_str)
    }

    pub fn group(&self, gid: u32) -> Option<&str> {
        self.groups.get(&gid).map(String::as_str)
    }

    /// Adds `other`'s entries where this map has none (the first auth
    /// module to know an id names it).
    pub fn merge_missing(&mut self, other: NameMaps) {
        for (k, v) in other.users {
            self.users.entry(k).or_insert(v);
        }
        for (k, v) in other.groups {
            self.groups.entry(k).or_insert(v);
        }
    }
}

/// The session timers modules can arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    Login,
    Idle,
    NoTransfer,
    Session,
}

/// Why a session ends; the runtime logs it and closes the connection after
/// flushing the replies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disconnect {
    /// The client sent QUIT.
    Quit,
    /// Too many failed logins.
    MaxLoginAttempts,
    /// A fatal error (identity change failed, ...); the text is logged.
    Fatal(String),
}

/// An error from a host service, with the text to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HostError(pub String);

/// Process-level services the runtime gives a session's modules.
///
/// A trait so that modules never touch privileged code directly (the only
/// identity change lives in the daemon's `privs`), and so that handlers can
/// be tested against a fake host.
pub trait SessionHost {
    /// Writes reply lines at once, bypassing the queue (ProFTPD's
    /// `pr_response_send`), e.g. a 150 before a transfer starts.
    fn send_now(&mut self, lines: &[ReplyLine]);

    /// The shadow entry of `name`, read with root privileges.
    fn shadow(&mut self, name: &str) -> Option<Shadow>;

    /// Whether `password` hashes to `hash` under the system's crypt(3).
    fn crypt_check(&mut self, password: &[u8], hash: &str) -> bool;

    /// Reads a file with root privileges (AuthUserFile, ftpusers, shells),
    /// before any chroot.
    fn read_file_as_root(&mut self, path: &std::path::Path) -> std::io::Result<Vec<u8>>;

    /// Becomes the logged-in user: groups, chroot, chdir, uid/gid and
    /// capabilities, in that order. On error the session must end.
    fn become_user(&mut self, identity: &Identity) -> Result<(), HostError>;

    /// Arms (`Some(secs)`, 0 meaning off) or cancels (`None`) a timer.
    fn set_timer(&mut self, timer: Timer, secs: Option<u32>);

    /// Fires an event to this process's listeners.
    fn emit(&mut self, event: &str, arg: &str);

    // --- The data connection (see `crate::data` for the sequence). ---

    /// PASV/EPSV: closes any earlier data setup and listens for the next
    /// data connection; returns the local address listened on.
    fn data_listen(&mut self, req: &ListenRequest) -> std::io::Result<SocketAddr>;

    /// PORT/EPRT: closes any earlier data setup; the next transfer connects
    /// to `target` (from the control connection's local port minus one
    /// where privileges allow, else from an ephemeral port).
    fn data_set_active(&mut self, target: SocketAddr);

    /// Whether PASV/EPSV or PORT/EPRT set up a data connection that no
    /// transfer has used yet.
    fn data_pending(&self) -> bool;

    /// Forgets a pending PASV listener or PORT target, closing sockets.
    fn data_clear(&mut self);

    /// Opens the data connection for a transfer: accepts on the PASV
    /// listener (waiting at most TimeoutStalled; only from the allowed
    /// peer) or connects to the PORT target. With neither pending, ProFTPD
    /// connects to the client's control address and port (RFC 959).
    /// Re-arms TimeoutNoTransfer. `Err` becomes `425 Unable to build data
    /// connection: <strerror>`.
    fn data_open(&mut self, session: &mut Session, dir: Direction) -> std::io::Result<()>;

    /// Sends on the open data connection. While it waits the control
    /// connection is read: ABOR and QUIT abort the transfer, NOOP gets
    /// `200 NOOP: data transfer in progress`, data commands `450 <CMD>:
    /// data transfer in progress`, anything else is dispatched as usual.
    fn data_write(
        &mut self,
        session: &mut Session,
        src: DataSource<'_>,
        opts: &XferOptions,
    ) -> XferOutcome;

    /// Receives from the open data connection into `file` (at its current
    /// offset) until the client closes it; the control connection is read
    /// as for [`SessionHost::data_write`].
    fn data_read(
        &mut self,
        session: &mut Session,
        file: &mut File,
        opts: &XferOptions,
    ) -> XferOutcome;

    /// Closes the data connection after a transfer (an orderly close: the
    /// client sees EOF after the last byte).
    fn data_close(&mut self);

    /// ABOR: when a transfer is running, marks it aborted, closes the data
    /// connection and sends `426 Transfer aborted. Data connection closed.`
    /// (with a full stop: 1.3.8's abort text, unlike a peer's close)
    /// at once; returns whether one was running. Either way any pending
    /// PASV/PORT setup is forgotten.
    fn data_abort(&mut self) -> bool;
}

/// The state of one session.
pub struct Session {
    /// The configuration this session runs under (its copy survives a
    /// SIGHUP of the master).
    pub config: Arc<ConfigTree>,
    /// Every module, in load order (lowest priority first).
    pub modules: Arc<[&'static ModuleDef]>,
    /// Auth modules in dispatch order, from `AuthOrder` or module priority;
    /// empty until mod_auth's `sess_init` (its owner) fills it.
    pub auth_modules: Vec<AuthModule>,
    /// The server (main or `<VirtualHost>`) that took the connection.
    pub server: CtxId,
    /// The `<Anonymous>` context after an anonymous login.
    pub anon: Option<CtxId>,
    pub local_addr: SocketAddr,
    pub peer_addr: SocketAddr,
    /// The client's name for logs: its verified DNS name, or its IP.
    pub peer_name: String,
    /// The serving server's DNS name (ProFTPD's ServerFQDN) when
    /// `UseReverseDNS` is on and its address has one; `None` means the
    /// configured address stands in (HELP's `root@<server>`, `%V`, logs).
    pub server_fqdn: Option<String>,
    /// The name given with USER (the alias if one was used).
    pub user: Option<String>,
    /// Set when PASS succeeded.
    pub authenticated: bool,
    /// The identity the session switched to at login.
    pub identity: Option<Identity>,
    /// The current directory as the client sees it (absolute, `/`-based).
    pub cwd: Vec<u8>,
    /// The real directory the session is chrooted into, if any.
    pub chroot: Option<PathBuf>,
    pub transfer_type: TransferType,
    /// Whether TYPE was sent before login (then `DefaultTransferMode` is
    /// not applied at login).
    pub type_set_before_login: bool,
    pub replies: ReplyQueue,
    pub multiline: MultilineStyle,
    /// User and group names for listings, captured at login.
    pub names: NameMaps,
    /// Session notes (ProFTPD's `session.notes`), e.g. the CLNT name.
    pub notes: HashMap<String, String>,
    /// FEAT lines, added by modules in `sess_init`.
    pub features: BTreeSet<String>,
    /// Set by a handler to end the session after the replies are sent.
    pub disconnect: Option<Disconnect>,
    state: HashMap<TypeId, Box<dyn Any>>,
}

impl Session {
    pub fn new(
        config: Arc<ConfigTree>,
        modules: Arc<[&'static ModuleDef]>,
        server: CtxId,
        local_addr: SocketAddr,
        peer_addr: SocketAddr,
    ) -> Session {
        Session {
            config,
            modules,
            auth_modules: Vec::new(),
            server,
            anon: None,
            local_addr,
            peer_addr,
            peer_name: peer_addr.ip().to_string(),
            server_fqdn: None,
            user: None,
            authenticated: false,
            identity: None,
            cwd: b"/".to_vec(),
            chroot: None,
            transfer_type: TransferType::Ascii,
            type_set_before_login: false,
            replies: ReplyQueue::default(),
            multiline: MultilineStyle::Plain,
            names: NameMaps::default(),
            notes: HashMap::new(),
            features: BTreeSet::new(),
            disconnect: None,
            state: HashMap::new(),
        }
    }

    /// The context login-time and session-wide settings are read from: the
    /// `<Anonymous>` block of an anonymous session, else the server.
    pub fn top_ctx(&self) -> CtxId {
        self.anon.unwrap_or(self.server)
    }

    /// A setting seen from [`Session::top_ctx`].
    pub fn get<T: Any + Send + Sync>(&self, key: &ConfigKey<T>) -> Option<&T> {
        self.config.get(self.top_ctx(), key)
    }

    /// A setting of the server itself (ignoring `<Anonymous>`).
    pub fn server_get<T: Any + Send + Sync>(&self, key: &ConfigKey<T>) -> Option<&T> {
        self.config.get(self.server, key)
    }

    /// A main-server-only setting (ServerType, PidFile, ...).
    pub fn main_get<T: Any + Send + Sync>(&self, key: &ConfigKey<T>) -> Option<&T> {
        self.config.get(self.config.main_server(), key)
    }

    /// This module's private per-session state, created on first use.
    pub fn state<T: Any + Default>(&mut self) -> &mut T {
        self.state
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut::<T>()
            .expect("state slot keyed by its own TypeId")
    }

    /// The client's address as text (no port).
    pub fn peer_ip(&self) -> String {
        match self.peer_addr.ip() {
            std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => v6.to_string(),
            },
            ip => ip.to_string(),
        }
    }

    /// The local address as text (no port), IPv4-mapped addresses unmapped.
    pub fn local_ip(&self) -> String {
        match self.local_addr.ip() {
            std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => v6.to_string(),
            },
            ip => ip.to_string(),
        }
    }
}

/// What a command handler sees.
pub struct CmdCtx<'a> {
    pub cmd: &'a Cmd,
    pub session: &'a mut Session,
    pub host: &'a mut dyn SessionHost,
}

impl CmdCtx<'_> {
    /// Queues a success reply line.
    pub fn reply(&mut self, code: u16, text: impl Into<crate::reply::ReplyText>) {
        self.session.replies.add(code, text);
    }

    /// Queues an error reply line.
    pub fn reply_err(&mut self, code: u16, text: impl Into<crate::reply::ReplyText>) {
        self.session.replies.add_err(code, text);
    }
}
