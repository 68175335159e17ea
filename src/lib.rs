//! proftpd-rs: the daemon's runtime (master, sessions, config engine,
//! privileges, logging). `main.rs` is a thin wrapper over [`cli::main`].
//!
//! Unsafe code is denied crate-wide; the few FFI and process wrappers that
//! need it (`privs`, `compat`) opt in per module with a `SAFETY:` note on
//! every block.

pub mod cli;
pub mod compat;
pub mod config;
pub mod logging;
pub mod master;
pub mod privs;
pub mod session;
pub mod static_modules;
