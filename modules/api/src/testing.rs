//! Test doubles shared by every crate's unit tests: one configurable
//! [`FakeHost`] and helpers building a [`Session`] with fixed addresses.
//!
//! Compiled only for this crate's tests and with the `testing` feature
//! (`proftpd-api = { workspace = true, features = ["testing"] }` under
//! `[dev-dependencies]`), so nothing here reaches a release build.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cmd::Cmd;
use crate::config::{
    ConfigError, ConfigKey, ConfigTree, ContextKind, CtxId, DirectiveCtx, Merge, Origin,
};
use crate::data::{
    DataSource, Direction, ListenRequest, XferEnd, XferOptions, XferOutcome, XferStats, ascii,
};
use crate::module::{DirectiveEntry, ModRet, ModuleDef};
use crate::reply::{ReplyLine, format_reply};
use crate::session::{CmdCtx, HostError, Identity, Session, SessionHost, Shadow, Timer};

/// The local address of every test session.
pub const LOCAL_ADDR: &str = "127.0.0.1:21";
/// The peer address of every test session.
pub const PEER_ADDR: &str = "127.0.0.1:40000";

/// A host that records what handlers asked of it and answers from its
/// configuration.
///
/// Defaults: no shadow entries, every crypt check fails, files are read
/// from the real file system, `become_user` succeeds.
#[derive(Default)]
pub struct FakeHost {
    /// Lines written with `send_now`.
    pub sent: Vec<ReplyLine>,
    /// Every `set_timer` call, in order.
    pub timers: Vec<(Timer, Option<u32>)>,
    /// Every `emit` call: (event, argument).
    pub events: Vec<(String, String)>,
    /// Every identity `become_user` switched to.
    pub switched: Vec<Identity>,
    /// Shadow entries `shadow` answers from (matched by name).
    pub shadows: Vec<Shadow>,
    /// With `Some(prefix)`, "crypt" accepts a hash `<prefix><password>`;
    /// with `None` every check fails.
    pub crypt_plain_prefix: Option<&'static str>,
    /// Files `read_file_as_root` serves from memory.
    pub files: HashMap<PathBuf, Vec<u8>>,
    /// Serve only [`FakeHost::files`] (others are `NotFound`) instead of
    /// falling back to the real file system.
    pub files_only: bool,
    /// How many times `read_file_as_root` was called.
    pub reads: usize,
    /// With `Some(text)`, `become_user` fails with that text.
    pub become_user_error: Option<String>,
    /// Every data setup asked for: `PASV <addr>` / `PORT <addr>`.
    pub data_setups: Vec<String>,
    /// Whether a PASV/PORT setup is pending (set by listen/active, cleared
    /// by open, clear and abort).
    pub data_setup_pending: bool,
    /// The address `data_listen` answers (default 127.0.0.1:30000; with a
    /// port range, its low end).
    pub listen_addr: Option<std::net::SocketAddr>,
    /// With `Some(errno)`, `data_open` fails with that OS error.
    pub open_errno: Option<i32>,
    /// Whether a data connection is open.
    pub connected: bool,
    /// How many data connections were opened, and in which direction.
    pub opened: Vec<Direction>,
    /// Every byte written to the data connection (after TYPE A
    /// translation, as the client would see it).
    pub data_out: Vec<u8>,
    /// What the client "uploads" on `data_read` (wire bytes, translated
    /// when the options say ASCII).
    pub data_in: Vec<u8>,
    /// With `Some`, the next transfer ends this way after moving its
    /// bytes (e.g. `FakeEnd::PeerClosed`).
    pub fake_end: Option<FakeEnd>,
    /// How many times `data_close` and `data_abort` were called.
    pub closes: usize,
    pub aborts: usize,
}

/// A transfer failure [`FakeHost`] can simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeEnd {
    Aborted,
    PeerClosed,
    /// A file-side error with this errno.
    FileErrno(i32),
    TooLarge,
}

impl FakeEnd {
    fn end(self) -> XferEnd {
        match self {
            FakeEnd::Aborted => XferEnd::Aborted,
            FakeEnd::PeerClosed => XferEnd::PeerClosed,
            FakeEnd::FileErrno(e) => XferEnd::File(std::io::Error::from_raw_os_error(e)),
            FakeEnd::TooLarge => XferEnd::TooLarge,
        }
    }
}

impl FakeHost {
    /// A host whose "crypt" accepts `<prefix><password>`.
    pub fn with_plain_crypt(prefix: &'static str) -> FakeHost {
        FakeHost {
            crypt_plain_prefix: Some(prefix),
            ..FakeHost::default()
        }
    }

    /// Serves `contents` as `path`; from then on only in-memory files exist.
    pub fn add_file(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.files_only = true;
        self.files.insert(path.into(), contents.into());
    }

    /// The names of the emitted events, in order.
    pub fn event_names(&self) -> Vec<&str> {
        self.events.iter().map(|(e, _)| e.as_str()).collect()
    }
}

impl SessionHost for FakeHost {
    fn send_now(&mut self, lines: &[ReplyLine]) {
        self.sent.extend_from_slice(lines);
    }
    fn shadow(&mut self, name: &str) -> Option<Shadow> {
        self.shadows.iter().find(|s| s.name == name).cloned()
    }
    fn crypt_check(&mut self, password: &[u8], hash: &str) -> bool {
        self.crypt_plain_prefix
            .and_then(|p| hash.strip_prefix(p))
            .map(str::as_bytes)
            == Some(password)
    }
    fn read_file_as_root(&mut self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.reads += 1;
        match self.files.get(path) {
            Some(data) => Ok(data.clone()),
            None if self.files_only => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
            None => std::fs::read(path),
        }
    }
    fn become_user(&mut self, identity: &Identity) -> Result<(), HostError> {
        if let Some(e) = &self.become_user_error {
            return Err(HostError(e.clone()));
        }
        self.switched.push(identity.clone());
        Ok(())
    }
    fn set_timer(&mut self, timer: Timer, secs: Option<u32>) {
        self.timers.push((timer, secs));
    }
    fn emit(&mut self, event: &str, arg: &str) {
        self.events.push((event.to_string(), arg.to_string()));
    }

    fn data_listen(&mut self, req: &ListenRequest) -> std::io::Result<std::net::SocketAddr> {
        let port = req.ports.map_or(30000, |(low, _)| low);
        let addr = self
            .listen_addr
            .unwrap_or_else(|| std::net::SocketAddr::new(req.addr, port));
        self.data_setups.push(format!("PASV {addr}"));
        self.data_setup_pending = true;
        Ok(addr)
    }

    fn data_set_active(&mut self, target: std::net::SocketAddr) {
        self.data_setups.push(format!("PORT {target}"));
        self.data_setup_pending = true;
    }

    fn data_pending(&self) -> bool {
        self.data_setup_pending
    }

    fn data_clear(&mut self) {
        self.data_setup_pending = false;
    }

    fn data_open(&mut self, _session: &mut Session, dir: Direction) -> std::io::Result<()> {
        self.data_setup_pending = false;
        if let Some(e) = self.open_errno {
            return Err(std::io::Error::from_raw_os_error(e));
        }
        self.connected = true;
        self.opened.push(dir);
        Ok(())
    }

    fn data_write(
        &mut self,
        _session: &mut Session,
        src: DataSource<'_>,
        opts: &XferOptions,
    ) -> XferOutcome {
        use std::io::{Read, Seek, SeekFrom};
        let bytes: Vec<u8> = match src {
            DataSource::Bytes(b) => b.to_vec(),
            DataSource::File { file, offset, len } => {
                let mut f = file;
                let mut buf = Vec::new();
                let read = f.seek(SeekFrom::Start(offset)).and_then(|_| match len {
                    Some(n) => f.take(n).read_to_end(&mut buf),
                    None => f.read_to_end(&mut buf),
                });
                if let Err(e) = read {
                    return XferOutcome {
                        stats: XferStats::default(),
                        end: XferEnd::File(e),
                    };
                }
                buf
            }
        };
        let before = self.data_out.len();
        if opts.ascii {
            ascii::ToCrlf::default().push(&bytes, &mut self.data_out);
        } else {
            self.data_out.extend_from_slice(&bytes);
        }
        let stats = XferStats {
            file_bytes: bytes.len() as u64,
            wire_bytes: (self.data_out.len() - before) as u64,
            elapsed: std::time::Duration::ZERO,
        };
        let end = self.fake_end.take().map_or(XferEnd::Complete, FakeEnd::end);
        XferOutcome { stats, end }
    }

    fn data_read(
        &mut self,
        _session: &mut Session,
        file: &mut std::fs::File,
        opts: &XferOptions,
    ) -> XferOutcome {
        use std::io::Write;
        let wire = std::mem::take(&mut self.data_in);
        let mut bytes = Vec::new();
        if opts.ascii {
            let mut t = ascii::FromCrlf::default();
            t.push(&wire, &mut bytes);
            t.finish(&mut bytes);
        } else {
            bytes = wire.clone();
        }
        let (bytes, too_large) = match opts.max_bytes {
            Some(max) if bytes.len() as u64 > max => (bytes[..max as usize].to_vec(), true),
            _ => (bytes, false),
        };
        if let Err(e) = file.write_all(&bytes) {
            return XferOutcome {
                stats: XferStats::default(),
                end: XferEnd::File(e),
            };
        }
        let stats = XferStats {
            file_bytes: bytes.len() as u64,
            wire_bytes: wire.len() as u64,
            elapsed: std::time::Duration::ZERO,
        };
        let end = match self.fake_end.take() {
            Some(f) => f.end(),
            None if too_large => XferEnd::TooLarge,
            None => XferEnd::Complete,
        };
        XferOutcome { stats, end }
    }

    fn data_close(&mut self) {
        self.connected = false;
        self.closes += 1;
    }

    fn data_abort(&mut self) -> bool {
        self.aborts += 1;
        self.data_setup_pending = false;
        let was_open = std::mem::take(&mut self.connected);
        if was_open {
            self.sent.push(ReplyLine {
                code: 426,
                text: "Transfer aborted. Data connection closed.".into(),
            });
        }
        was_open
    }
}

fn addr(text: &str) -> std::net::SocketAddr {
    text.parse()
        .unwrap_or_else(|e| panic!("literal address {text}: {e}"))
}

/// A session (not logged in) over `tree`'s main server with `modules`,
/// local address [`LOCAL_ADDR`] and peer [`PEER_ADDR`].
pub fn session_over(modules: &[&'static ModuleDef], tree: ConfigTree) -> Session {
    let server = tree.main_server();
    Session::new(
        Arc::new(tree),
        Arc::from(modules),
        server,
        addr(LOCAL_ADDR),
        addr(PEER_ADDR),
    )
}

/// Like [`session_over`], logged in as `tester`.
pub fn logged_in(modules: &[&'static ModuleDef], tree: ConfigTree) -> Session {
    let mut s = session_over(modules, tree);
    s.authenticated = true;
    s.user = Some("tester".into());
    s
}

/// The FEAT lines a session over `tree` has once `module`'s
/// `sess_init` ran (panics if it has none or it fails).
pub fn sess_features(module: &'static ModuleDef, tree: ConfigTree) -> Vec<String> {
    let mut s = session_over(&[module], tree);
    let init = module.sess_init.expect("module has a sess_init");
    init(&mut s, &mut FakeHost::default()).expect("sess_init");
    s.features.into_iter().collect()
}

/// A config whose main server has `key` set to `v`.
pub fn tree_with<T: std::any::Any + Send + Sync>(key: &ConfigKey<T>, v: T) -> ConfigTree {
    let mut t = ConfigTree::new();
    let main = t.main_server();
    t.add(main, key, v, vec![], Merge::Down, Origin::default());
    t
}

/// Runs directive `name` (found case-insensitively in `table`; panics if
/// absent) with `args` in a fresh tree, placed at `origin`, in a context of
/// `kind`: the main server itself, or a `<kind /x>` section inside it.
/// Returns the handler's result, the tree and the context it ran in.
pub fn run_directive_in(
    table: &[DirectiveEntry],
    kind: ContextKind,
    name: &str,
    args: &[&str],
    origin: Origin,
) -> (Result<(), ConfigError>, ConfigTree, CtxId) {
    let entry = table
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(name))
        .unwrap_or_else(|| panic!("no directive {name}"));
    let mut tree = ConfigTree::new();
    let main = tree.main_server();
    let ctx = match kind {
        ContextKind::Server => main,
        other => tree.push(other, vec!["/x".into()], Some(main), Origin::default()),
    };
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let res = (entry.handler)(&mut DirectiveCtx {
        name: entry.name,
        args: &args,
        context: kind,
        origin,
        tree: &mut tree,
        ctx,
    });
    (res, tree, ctx)
}

/// [`run_directive_in`] the main server.
pub fn run_directive(
    table: &[DirectiveEntry],
    name: &str,
    args: &[&str],
    origin: Origin,
) -> (Result<(), ConfigError>, ConfigTree) {
    let (res, tree, _) = run_directive_in(table, ContextKind::Server, name, args, origin);
    (res, tree)
}

/// [`run_directive`] at line 2 of `/t.conf`: the tree, or the error as
/// the runtime prints it (`... on line 2 of '/t.conf'`).
pub fn directive_tree(
    table: &[DirectiveEntry],
    name: &str,
    args: &[&str],
) -> Result<ConfigTree, String> {
    let at = Origin {
        file: "/t.conf".into(),
        line: 2,
    };
    let (res, tree) = run_directive(table, name, args, at);
    res.map_err(|e| e.to_string())?;
    Ok(tree)
}

/// Runs one handler on a raw `line` against `host` (to inspect what it
/// was asked to do) and returns its result and the exact queued reply
/// bytes.
pub fn run_on_host(
    s: &mut Session,
    host: &mut dyn SessionHost,
    handler: fn(&mut CmdCtx<'_>) -> ModRet,
    line: &[u8],
) -> (ModRet, Vec<u8>) {
    let cmd = Cmd::parse(line);
    let ret = handler(&mut CmdCtx {
        cmd: &cmd,
        session: s,
        host,
    });
    let lines = s.replies.take(ret == ModRet::Error);
    (ret, format_reply(&lines, s.multiline))
}

/// Runs one handler on a raw `line` against a default [`FakeHost`] and
/// returns its result and the exact reply bytes.
pub fn run_bytes(
    s: &mut Session,
    handler: fn(&mut CmdCtx<'_>) -> ModRet,
    line: &[u8],
) -> (ModRet, Vec<u8>) {
    run_on_host(s, &mut FakeHost::default(), handler, line)
}

/// Runs one handler on `line`; returns its result and the replies as text.
pub fn run(
    s: &mut Session,
    handler: fn(&mut CmdCtx<'_>) -> ModRet,
    line: &str,
) -> (ModRet, String) {
    let (ret, out) = run_bytes(s, handler, line.as_bytes());
    (ret, String::from_utf8_lossy(&out).into_owned())
}
