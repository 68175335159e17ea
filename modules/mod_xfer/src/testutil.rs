//! A fake host and session for handler tests.

use std::path::Path;
use std::sync::Arc;

use proftpd_api::cmd::Cmd;
use proftpd_api::config::ConfigTree;
use proftpd_api::module::{ModRet, ModuleDef};
use proftpd_api::reply::{ReplyLine, format_reply};
use proftpd_api::session::{CmdCtx, HostError, Identity, Session, SessionHost, Shadow, Timer};

#[derive(Default)]
pub struct FakeHost;

impl SessionHost for FakeHost {
    fn send_now(&mut self, _lines: &[ReplyLine]) {}
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
    fn emit(&mut self, _event: &str, _arg: &str) {}
}

pub static MODULES: &[&ModuleDef] = &[&crate::MODULE];

/// A logged-in session over an empty config.
pub fn session() -> Session {
    let mut s = Session::new(
        Arc::new(ConfigTree::new()),
        Arc::from(MODULES),
        proftpd_api::config::CtxId(0),
        "127.0.0.1:21".parse().expect("literal address"),
        "127.0.0.1:40000".parse().expect("literal address"),
    );
    s.authenticated = true;
    s.user = Some("tester".into());
    s
}

/// Runs one handler on `line`; returns its result and the reply bytes.
pub fn run(
    s: &mut Session,
    handler: fn(&mut CmdCtx<'_>) -> ModRet,
    line: &str,
) -> (ModRet, String) {
    let mut host = FakeHost;
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
    (
        ret,
        String::from_utf8_lossy(&format_reply(&lines, s.multiline)).into_owned(),
    )
}
