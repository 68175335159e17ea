//! mod_core's test session: the shared fake host and session of
//! `proftpd_api::testing`, with mod_core loaded and logged in.

use proftpd_api::config::ConfigTree;
use proftpd_api::module::{ModRet, ModuleDef};
use proftpd_api::session::{CmdCtx, Session};
pub use proftpd_api::testing::{FakeHost, run, tree_with};

pub static MODULES: &[&ModuleDef] = &[&crate::MODULE];

/// Held by every test that changes the process-wide current directory
/// (CWD does): cargo runs tests on parallel threads, and two of them
/// changing it at once see each other's directory.
pub static PROCESS_CWD: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A logged-in session over an empty config with mod_core loaded.
pub fn session() -> Session {
    session_with(ConfigTree::new())
}

pub fn session_with(tree: ConfigTree) -> Session {
    proftpd_api::testing::logged_in(MODULES, tree)
}

/// Runs one handler on a raw `line` and returns the exact reply bytes.
pub fn run_bytes(s: &mut Session, handler: fn(&mut CmdCtx<'_>) -> ModRet, line: &[u8]) -> Vec<u8> {
    proftpd_api::testing::run_bytes(s, handler, line).1
}
