//! A session child: the control channel loop (owner: session helper).

use std::net::TcpStream;
use std::sync::Arc;

use proftpd_api::config::ConfigTree;
use proftpd_api::module::ModuleDef;

/// Everything a session child starts from.
pub struct SessionStart {
    pub config: Arc<ConfigTree>,
    pub modules: Arc<[&'static ModuleDef]>,
    /// The control connection (accepted by the master, or fd 0 under inetd).
    pub control: TcpStream,
}

/// Runs one session to its end; returns the process exit status.
pub fn run(start: SessionStart) -> i32 {
    let _ = start;
    unimplemented!("session runtime")
}
