//! The process-level calls of the master that Rust marks `unsafe`: `fork`
//! and changing the environment. They are safe here because of one
//! invariant, checked in debug builds: **the master never starts a thread**
//! (no runtime, no helper threads; signals come through signal-hook's
//! self-pipe into the one mio loop). A forked child of a single-threaded
//! process has every lock unlocked and every allocator consistent, and
//! nobody can read the environment while it changes.
#![allow(unsafe_code)]

use nix::unistd::ForkResult;

/// The number of threads of this process, from /proc (debug checks only).
fn thread_count() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

/// `fork(2)`.
pub fn fork() -> nix::Result<ForkResult> {
    debug_assert!(
        thread_count().is_none_or(|n| n == 1),
        "the master must stay single-threaded to fork"
    );
    // SAFETY: the process is single-threaded (module invariant, asserted
    // above in debug builds), so the child may run arbitrary Rust code:
    // no other thread can have held a lock or been mid-allocation.
    unsafe { nix::unistd::fork() }
}

/// `SetEnv`/`UnsetEnv` at parse time (installed as mod_core's env hook).
/// Names `set_var` would reject (empty, `=` or NUL inside) are skipped.
pub fn set_env(name: &str, value: Option<&str>) {
    if name.is_empty() || name.contains(['=', '\0']) || value.is_some_and(|v| v.contains('\0')) {
        log::warn!("warning: invalid environment variable name '{name}'; ignored");
        return;
    }
    debug_assert!(thread_count().is_none_or(|n| n == 1));
    // SAFETY: config parsing runs in the single-threaded master (module
    // invariant), so no other thread reads the environment concurrently;
    // the name and value were checked above.
    unsafe {
        match value {
            Some(v) => std::env::set_var(name, v),
            None => std::env::remove_var(name),
        }
    }
}
