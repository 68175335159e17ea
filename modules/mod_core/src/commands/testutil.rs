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

/// Runs one handler on `line` against `host` (to inspect what it was asked
/// to do); returns the exact reply text.
pub fn run_on(
    s: &mut Session,
    host: &mut dyn proftpd_api::session::SessionHost,
    handler: fn(&mut CmdCtx<'_>) -> ModRet,
    line: &str,
) -> String {
    let (_, out) = proftpd_api::testing::run_on_host(s, host, handler, line.as_bytes());
    String::from_utf8_lossy(&out).into_owned()
}

/// A [`FakeHost`] whose `data_listen` fails with `errno` (no free port, no
/// address): everything else is the fake's.
pub struct ListenFails {
    pub inner: FakeHost,
    pub errno: i32,
}

impl proftpd_api::session::SessionHost for ListenFails {
    fn send_now(&mut self, lines: &[proftpd_api::reply::ReplyLine]) {
        self.inner.send_now(lines)
    }
    fn shadow(&mut self, name: &str) -> Option<proftpd_api::session::Shadow> {
        self.inner.shadow(name)
    }
    fn crypt_check(&mut self, password: &[u8], hash: &str) -> bool {
        self.inner.crypt_check(password, hash)
    }
    fn read_file_as_root(&mut self, path: &std::path::Path) -> std::io::Result<Vec<u8>> {
        self.inner.read_file_as_root(path)
    }
    fn become_user(
        &mut self,
        identity: &proftpd_api::session::Identity,
    ) -> Result<(), proftpd_api::session::HostError> {
        self.inner.become_user(identity)
    }
    fn set_timer(&mut self, timer: proftpd_api::session::Timer, secs: Option<u32>) {
        self.inner.set_timer(timer, secs)
    }
    fn emit(&mut self, event: &str, arg: &str) {
        self.inner.emit(event, arg)
    }
    fn data_listen(
        &mut self,
        _req: &proftpd_api::data::ListenRequest,
    ) -> std::io::Result<std::net::SocketAddr> {
        Err(std::io::Error::from_raw_os_error(self.errno))
    }
    fn data_set_active(&mut self, target: std::net::SocketAddr) {
        self.inner.data_set_active(target)
    }
    fn data_pending(&self) -> bool {
        self.inner.data_pending()
    }
    fn data_clear(&mut self) {
        self.inner.data_clear()
    }
    fn data_open(
        &mut self,
        session: &mut Session,
        dir: proftpd_api::data::Direction,
    ) -> std::io::Result<()> {
        self.inner.data_open(session, dir)
    }
    fn data_write(
        &mut self,
        session: &mut Session,
        src: proftpd_api::data::DataSource<'_>,
        opts: &proftpd_api::data::XferOptions,
    ) -> proftpd_api::data::XferOutcome {
        self.inner.data_write(session, src, opts)
    }
    fn data_read(
        &mut self,
        session: &mut Session,
        file: &mut std::fs::File,
        opts: &proftpd_api::data::XferOptions,
    ) -> proftpd_api::data::XferOutcome {
        self.inner.data_read(session, file, opts)
    }
    fn data_close(&mut self) {
        self.inner.data_close()
    }
    fn data_abort(&mut self) -> bool {
        self.inner.data_abort()
    }
}
