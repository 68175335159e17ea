//! A fake host and session for handler tests.

use std::path::Path;
use std::sync::Arc;

use proftpd_api::cmd::Cmd;
use proftpd_api::config::{ConfigKey, ConfigTree, Merge, Origin};
use proftpd_api::module::{ModRet, ModuleDef};
use proftpd_api::reply::{ReplyLine, format_reply};
use proftpd_api::session::{CmdCtx, HostError, Identity, Session, SessionHost, Shadow, Timer};

/// Records what handlers asked of the host.
#[derive(Default)]
pub struct FakeHost {
    pub sent: Vec<ReplyLine>,
    pub events: Vec<(String, String)>,
}

impl SessionHost for FakeHost {
    fn send_now(&mut self, lines: &[ReplyLine]) {
        self.sent.extend_from_slice(lines);
    }
    fn shadow(&mut self, _name: &str) -> Option<Shadow> {
        None
    }
    fn crypt_check(&mut self, _password: &[u8], _hash: &str) -> bool {
        false
    }
    fn read_file_as_root(&mut self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn become_user(&mut self, _identity: &Identity) -> Result<(), HostError> {
        Ok(())
    }
    fn set_timer(&mut self, _timer: Timer, _secs: Option<u32>) {}
    fn emit(&mut self, event: &str, arg: &str) {
        self.events.push((event.to_string(), arg.to_string()));
    }
}

pub static MODULES: &[&ModuleDef] = &[&crate::MODULE];

/// A logged-in session over an empty config with mod_core loaded.
pub fn session() -> Session {
    session_with(ConfigTree::new())
}

pub fn session_with(tree: ConfigTree) -> Session {
    let mut s = Session::new(
        Arc::new(tree),
        Arc::from(MODULES),
        proftpd_api::config::CtxId(0),
        "127.0.0.1:21".parse().expect("literal address"),
        "127.0.0.1:40000".parse().expect("literal address"),
    );
    s.authenticated = true;
    s.user = Some("tester".into());
    s
}

pub fn tree_with<T: std::any::Any + Send + Sync>(key: &ConfigKey<T>, v: T) -> ConfigTree {
    let mut t = ConfigTree::new();
    let main = t.main_server();
    t.add(main, key, v, vec![], Merge::Down, Origin::default());
    t
}

/// Runs one handler on a raw `line` and returns the exact reply bytes.
pub fn run_bytes(s: &mut Session, handler: fn(&mut CmdCtx<'_>) -> ModRet, line: &[u8]) -> Vec<u8> {
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
    format_reply(&lines, s.multiline)
}

/// Runs one handler on `line` and returns the reply bytes it would produce.
pub fn run(
    s: &mut Session,
    handler: fn(&mut CmdCtx<'_>) -> ModRet,
    line: &str,
) -> (ModRet, String) {
    let mut host = FakeHost::default();
    let cmd = Cmd::parse(line.as_bytes());
    let ret = {
        let mut ctx = CmdCtx {
            cmd: &cmd,
            session: s,
            host: &mut host,
        };
        handler(&mut ctx)
    };
    let lines = s.replies.take(ret == ModRet::Error);
    let out = format_reply(&lines, s.multiline);
    (ret, String::from_utf8_lossy(&out).into_owned())
}
