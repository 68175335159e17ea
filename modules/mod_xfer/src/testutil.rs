//! The shared fake host and session of `proftpd_api::testing`, with this
//! module loaded and logged in.

use proftpd_api::config::{ConfigTree, Merge, Origin};
use proftpd_api::module::ModRet;
use proftpd_api::reply::format_reply;
use proftpd_api::session::{CmdCtx, Session};
pub use proftpd_api::testing::{FakeEnd, FakeHost, run};

/// A logged-in session over an empty config.
pub fn session() -> Session {
    proftpd_api::testing::logged_in(&[&crate::MODULE], ConfigTree::new())
}

/// A logged-in session over `tree`.
pub fn session_with(tree: ConfigTree) -> Session {
    proftpd_api::testing::logged_in(&[&crate::MODULE], tree)
}

/// A config whose main server has each of `set` applied.
pub fn tree(set: &[&dyn Fn(&mut ConfigTree)]) -> ConfigTree {
    let mut t = ConfigTree::new();
    for f in set {
        f(&mut t);
    }
    t
}

/// Adds `key = v` to the main server of `t`.
pub fn add<T: std::any::Any + Send + Sync>(
    t: &mut ConfigTree,
    key: &proftpd_api::config::ConfigKey<T>,
    v: T,
    merge: Merge,
) {
    let main = t.main_server();
    t.add(main, key, v, vec![], merge, Origin::default());
}

/// Runs one handler on `line` against `host`; returns the result, the
/// lines sent at once (the 150) and the queued replies, as text.
pub fn run_on(
    s: &mut Session,
    host: &mut FakeHost,
    handler: fn(&mut CmdCtx<'_>) -> ModRet,
    line: &str,
) -> (ModRet, String, String) {
    let before = host.sent.len();
    let (ret, out) = proftpd_api::testing::run_on_host(s, host, handler, line.as_bytes());
    let sent = format_reply(&host.sent[before..], s.multiline);
    (
        ret,
        String::from_utf8_lossy(&sent).into_owned(),
        String::from_utf8_lossy(&out).into_owned(),
    )
}

/// A fresh temporary directory as the session's current directory.
pub fn in_temp_dir(s: &mut Session) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    s.cwd = dir.path().to_string_lossy().into_owned().into_bytes();
    dir
}
