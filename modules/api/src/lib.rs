//! `proftpd-api`: the contract between the proftpd-rs runtime and its modules.
//!
//! A module is a [`module::ModuleDef`]: static tables of directives, command
//! handlers, auth functions and help entries, plus optional `init` (master)
//! and `sess_init` (session child) hooks. The tables mirror ProFTPD's
//! `include/modules.h` so that ports stay mechanical and so that everything a
//! module offers can be inspected without running it (`proftpd -l`, `HELP`,
//! "did you mean" suggestions, the C ABI of dynamic modules).
//!
//! Runtime internals stay in the daemon crate; modules reach them only
//! through the types here, most importantly the [`session::SessionHost`]
//! trait for privileged or process-level services.

pub mod auth;
pub mod cmd;
pub mod config;
pub mod data;
pub mod event;
pub mod log_target;
pub mod module;
pub mod path;
pub mod reply;
pub mod session;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod time;

/// The API version a module is built against; the runtime refuses modules
/// whose major version differs.
pub const API_VERSION: u32 = 1;

/// The ProFTPD version we answer as (`proftpd -v`, `CSID`, `%{version}`).
pub const PROFTPD_VERSION: &str = "1.3.8";

/// The release status word ProFTPD prints beside its version.
pub const PROFTPD_STATUS: &str = "stable";
