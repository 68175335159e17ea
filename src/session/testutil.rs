//! Test doubles for the session runtime.

use std::path::Path;
use std::sync::Arc;

use proftpd_api::config::ConfigTree;
use proftpd_api::module::ModuleDef;
use proftpd_api::reply::ReplyLine;
use proftpd_api::session::{HostError, Identity, Session, SessionHost, Shadow, Timer};

/// A host that records what it is asked.
#[derive(Default)]
pub struct FakeHost {
    pub sent: Vec<ReplyLine>,
    pub events: Vec<(String, String)>,
    pub timers: Vec<(Timer, Option<u32>)>,
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
    fn set_timer(&mut self, timer: Timer, secs: Option<u32>) {
        self.timers.push((timer, secs));
    }
    fn emit(&mut self, event: &str, arg: &str) {
        self.events.push((event.to_string(), arg.to_string()));
    }
}

/// A session over an empty config with the given modules.
pub fn session_over(modules: &'static [&'static ModuleDef]) -> Session {
    Session::new(
        Arc::new(ConfigTree::new()),
        Arc::from(modules),
        proftpd_api::config::CtxId(0),
        "127.0.0.1:21".parse().expect("literal address"),
        "127.0.0.1:40000".parse().expect("literal address"),
    )
}
