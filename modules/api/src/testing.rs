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
use crate::config::{ConfigKey, ConfigTree, Merge, Origin};
use crate::module::{ModRet, ModuleDef};
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

/// A config whose main server has `key` set to `v`.
pub fn tree_with<T: std::any::Any + Send + Sync>(key: &ConfigKey<T>, v: T) -> ConfigTree {
    let mut t = ConfigTree::new();
    let main = t.main_server();
    t.add(main, key, v, vec![], Merge::Down, Origin::default());
    t
}

/// Runs one handler on a raw `line` against a default [`FakeHost`] and
/// returns its result and the exact reply bytes.
pub fn run_bytes(
    s: &mut Session,
    handler: fn(&mut CmdCtx<'_>) -> ModRet,
    line: &[u8],
) -> (ModRet, Vec<u8>) {
    let mut host = FakeHost::default();
    let cmd = Cmd::parse(line);
    let ret = {
        let mut ctx = CmdCtx {
            cmd: &cmd,
            session: s,
            host: &mut host,
        };
        handler(&mut ctx)
    };
    let lines = s.replies.take(ret == ModRet::Error);
    (ret, format_reply(&lines, s.multiline))
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
