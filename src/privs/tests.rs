//! Tests of the identity changes. Anything that changes the process's ids
//! runs in a forked child, so the test process keeps root for the next
//! test; forks are serialized so a child never inherits another test's
//! half-finished state.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::sync::Mutex;

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, pipe};

use super::*;

static FORK_MTX: Mutex<()> = Mutex::new(());

/// Skips a test that needs root, saying why.
macro_rules! skip_if_not_root {
    ($name:expr) => {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("skipping {}: needs root", $name);
            return;
        }
    };
}

const NOBODY: u32 = 65534;

fn identity(uid: u32, gid: u32) -> Identity {
    Identity {
        user: "nobody".into(),
        uid,
        gid,
        groups: vec![gid],
        chroot: None,
        chdir: PathBuf::from("/"),
        root_revoke: false,
        caps: CapsPolicy::default(),
    }
}

/// Runs `f` in a forked child and returns its verdict (`Err` carries the
/// child's message, sent back through a pipe).
fn in_child(f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let _lock = FORK_MTX.lock().unwrap_or_else(|e| e.into_inner());
    let (rd, wr) = pipe().map_err(|e| e.to_string())?;
    // SAFETY: the child only runs `f` (plain syscalls and allocation, which
    // glibc makes fork-safe), writes to its pipe and `_exit`s without
    // running the parent's destructors or test harness.
    match unsafe { fork() }.map_err(|e| e.to_string())? {
        ForkResult::Child => {
            drop(rd);
            let code = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
                Ok(Ok(())) => 0,
                Ok(Err(msg)) => {
                    let _ = std::fs::File::from(wr).write_all(msg.as_bytes());
                    1
                }
                Err(_) => 2,
            };
            // SAFETY: `_exit` ends the child at once, skipping atexit
            // handlers that belong to the parent's test harness.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            drop(wr);
            let mut msg = String::new();
            let _ = std::fs::File::from(rd).read_to_string(&mut msg);
            match waitpid(child, None).map_err(|e| e.to_string())? {
                WaitStatus::Exited(_, 0) => Ok(()),
                WaitStatus::Exited(_, 2) => Err(format!("child panicked: {msg}")),
                other => Err(format!("child failed ({other:?}): {msg}")),
            }
        }
    }
}

fn status_line(pid: Pid, key: &str) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[test]
fn errors_name_their_step() {
    let e = PrivError::NotRoot {
        uid: 1000,
        chroot: true,
    };
    assert_eq!(
        e.to_string(),
        "cannot switch to uid 1000 with a chroot: not running as root"
    );
    let e = PrivError::Chroot {
        path: "/srv/ftp".into(),
        errno: Errno::ENOENT,
    };
    assert_eq!(
        e.to_string(),
        "unable to chroot to /srv/ftp: ENOENT: No such file or directory"
    );
}

#[test]
fn not_root_allows_only_the_no_op() {
    skip_if_not_root!("not_root_allows_only_the_no_op");
    let res = in_child(|| {
        // Become an ordinary process with no root anywhere.
        let n = Uid::from_raw(NOBODY);
        let ng = Gid::from_raw(NOBODY);
        unistd::setresgid(ng, ng, ng).map_err(|e| e.to_string())?;
        unistd::setresuid(n, n, n).map_err(|e| e.to_string())?;
        become_user(&identity(NOBODY, NOBODY)).map_err(|e| format!("no-op refused: {e}"))?;
        match become_user(&identity(1, 1)) {
            Err(PrivError::NotRoot { uid: 1, .. }) => {}
            other => return Err(format!("other uid: {other:?}")),
        }
        let mut jailed = identity(NOBODY, NOBODY);
        jailed.chroot = Some("/tmp".into());
        match become_user(&jailed) {
            Err(PrivError::NotRoot { chroot: true, .. }) => {}
            other => return Err(format!("chroot: {other:?}")),
        }
        // The guard is a no-op without root.
        let g = RootGuard::new();
        if g.is_root() {
            return Err("guard gained root".into());
        }
        // session_drop_with is a no-op too.
        session_drop_with(0, 0, &CapsPolicy::default()).map_err(|e| e.to_string())?;
        Ok(())
    });
    res.unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn become_user_changes_ids_root_and_cwd() {
    skip_if_not_root!("become_user_changes_ids_root_and_cwd");
    let jail = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::fs::create_dir(jail.path().join("home")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let jail_path = jail.path().to_path_buf();

    let _lock = FORK_MTX.lock().unwrap_or_else(|e| e.into_inner());
    let (ready_rd, ready_wr) = pipe().unwrap_or_else(|e| panic!("pipe: {e}"));
    let (go_rd, go_wr) = pipe().unwrap_or_else(|e| panic!("pipe: {e}"));
    let mut id = identity(NOBODY, NOBODY);
    id.groups = vec![NOBODY, 4242];
    id.chroot = Some(jail_path.clone());
    id.chdir = PathBuf::from("/home");
    // SAFETY: the child makes plain syscalls, reports over a pipe and
    // `_exit`s; it never returns into the test harness.
    match unsafe { fork() }.unwrap_or_else(|e| panic!("fork: {e}")) {
        ForkResult::Child => {
            drop(ready_rd);
            drop(go_wr);
            let verdict = match become_user(&id) {
                Ok(()) => match std::env::current_dir() {
                    Ok(d) if d == std::path::Path::new("/home") => "ok".to_string(),
                    Ok(d) => format!("cwd is {}", d.display()),
                    Err(e) => format!("getcwd: {e}"),
                },
                Err(e) => format!("become_user: {e}"),
            };
            let _ = std::fs::File::from(ready_wr).write_all(verdict.as_bytes());
            // Wait for the parent to look at /proc, then leave.
            let mut buf = [0u8; 1];
            let _ = std::fs::File::from(go_rd).read(&mut buf);
            // SAFETY: ends the child without the parent's destructors.
            unsafe { nix::libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            drop(ready_wr);
            drop(go_rd);
            let mut verdict = String::new();
            // The child closes its end after writing; read until then.
            let _ = std::fs::File::from(ready_rd).read_to_string(&mut verdict);
            let uid = status_line(child, "Uid:");
            let gid = status_line(child, "Gid:");
            let groups = status_line(child, "Groups:");
            let root = std::fs::read_link(format!("/proc/{child}/root"));
            let cap_eff = status_line(child, "CapEff:");
            release(go_wr);
            let _ = waitpid(child, None);
            assert_eq!(verdict, "ok");
            // real, effective, saved, filesystem: saved stays 0 (no RootRevoke).
            assert_eq!(uid, "65534 65534 0 65534");
            assert_eq!(gid, "65534 65534 65534 65534");
            assert_eq!(groups, "4242 65534");
            assert_eq!(root.ok(), Some(jail_path));
            // Only CAP_NET_BIND_SERVICE (bit 10) is left.
            assert_eq!(cap_eff, "0000000000000400");
        }
    }
}

fn release(go: OwnedFd) {
    let _ = std::fs::File::from(go).write_all(b"x");
}

#[test]
fn root_revoke_drops_the_saved_uid() {
    skip_if_not_root!("root_revoke_drops_the_saved_uid");
    in_child(|| {
        let mut id = identity(NOBODY, NOBODY);
        id.root_revoke = true;
        become_user(&id).map_err(|e| e.to_string())?;
        let r = unistd::getresuid().map_err(|e| e.to_string())?;
        if r.saved.as_raw() != NOBODY {
            return Err(format!("saved uid {}", r.saved));
        }
        if unistd::seteuid(Uid::from_raw(0)).is_ok() {
            return Err("root regained after RootRevoke".into());
        }
        let g = RootGuard::new();
        if g.is_root() {
            return Err("guard gained root".into());
        }
        #[cfg(target_os = "linux")]
        {
            let eff = ::caps::read(None, ::caps::CapSet::Permitted).map_err(|e| e.to_string())?;
            if !eff.is_empty() {
                return Err(format!("capabilities left: {eff:?}"));
            }
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn root_revoke_can_keep_named_capabilities() {
    skip_if_not_root!("root_revoke_can_keep_named_capabilities");
    in_child(|| {
        let mut id = identity(NOBODY, NOBODY);
        id.root_revoke = true;
        id.caps.keep = vec!["CAP_CHOWN".into()];
        become_user(&id).map_err(|e| e.to_string())?;
        #[cfg(target_os = "linux")]
        {
            use ::caps::{CapSet, Capability};
            let eff = ::caps::read(None, CapSet::Effective).map_err(|e| e.to_string())?;
            let want: ::caps::CapsHashSet = [Capability::CAP_CHOWN].into_iter().collect();
            if eff != want {
                return Err(format!("effective: {eff:?}"));
            }
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn session_drop_then_guard_then_login() {
    skip_if_not_root!("session_drop_then_guard_then_login");
    in_child(|| {
        session_drop_with(NOBODY, NOBODY, &CapsPolicy::default()).map_err(|e| e.to_string())?;
        let r = unistd::getresuid().map_err(|e| e.to_string())?;
        if (r.real.as_raw(), r.effective.as_raw(), r.saved.as_raw()) != (0, NOBODY, 0) {
            return Err(format!(
                "after drop: {}/{}/{}",
                r.real, r.effective, r.saved
            ));
        }
        if unistd::getegid().as_raw() != NOBODY {
            return Err("egid not dropped".into());
        }
        let groups = unistd::getgroups().map_err(|e| e.to_string())?;
        if groups != [Gid::from_raw(NOBODY)] {
            return Err(format!("supplementary groups kept: {groups:?}"));
        }
        {
            let g = RootGuard::new();
            if !g.is_root() || unistd::getegid().as_raw() != 0 {
                return Err("guard did not raise".into());
            }
            #[cfg(target_os = "linux")]
            {
                // The pre-login set: no CAP_SYS_ADMIN, but chroot allowed.
                use ::caps::{CapSet, Capability};
                let eff = ::caps::read(None, CapSet::Effective).map_err(|e| e.to_string())?;
                if eff.contains(&Capability::CAP_SYS_ADMIN)
                    || !eff.contains(&Capability::CAP_SYS_CHROOT)
                {
                    return Err(format!("pre-login caps: {eff:?}"));
                }
            }
        }
        if unistd::geteuid().as_raw() != NOBODY || unistd::getegid().as_raw() != NOBODY {
            return Err("guard did not restore".into());
        }
        // Login still works from the dropped state.
        let jail = std::env::temp_dir();
        let mut id = identity(NOBODY, NOBODY);
        id.chroot = Some(jail);
        become_user(&id).map_err(|e| e.to_string())?;
        let r = unistd::getresuid().map_err(|e| e.to_string())?;
        if (r.real.as_raw(), r.effective.as_raw(), r.saved.as_raw()) != (NOBODY, NOBODY, 0) {
            return Err(format!(
                "after login: {}/{}/{}",
                r.real, r.effective, r.saved
            ));
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn missing_start_dir_falls_back_to_slash() {
    skip_if_not_root!("missing_start_dir_falls_back_to_slash");
    let jail = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = jail.path().to_path_buf();
    in_child(move || {
        let mut id = identity(NOBODY, NOBODY);
        id.chroot = Some(path);
        id.chdir = PathBuf::from("/no/such/dir");
        become_user(&id).map_err(|e| e.to_string())?;
        let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
        if cwd != std::path::Path::new("/") {
            return Err(format!("cwd {}", cwd.display()));
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn chroot_failure_is_an_error() {
    skip_if_not_root!("chroot_failure_is_an_error");
    in_child(|| {
        let mut id = identity(NOBODY, NOBODY);
        id.chroot = Some("/no/such/jail".into());
        match become_user(&id) {
            Err(PrivError::Chroot { .. }) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn unknown_capability_fails_closed() {
    skip_if_not_root!("unknown_capability_fails_closed");
    in_child(|| {
        let mut id = identity(NOBODY, NOBODY);
        id.caps.keep = vec!["CAP_NOPE".into()];
        match become_user(&id) {
            Err(PrivError::Caps(_)) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn disabled_caps_are_left_alone() {
    skip_if_not_root!("disabled_caps_are_left_alone");
    in_child(|| {
        let mut id = identity(NOBODY, NOBODY);
        id.caps.disabled = true;
        become_user(&id).map_err(|e| e.to_string())?;
        // Saved uid 0 kept: the guard regains root with its full powers.
        let g = RootGuard::new();
        if !g.is_root() {
            return Err("guard failed".into());
        }
        #[cfg(target_os = "linux")]
        {
            let eff = ::caps::read(None, ::caps::CapSet::Effective).map_err(|e| e.to_string())?;
            if !eff.contains(&::caps::Capability::CAP_SYS_CHROOT) {
                return Err(format!("caps trimmed: {eff:?}"));
            }
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn session_drop_still_drops_ids_when_capabilities_fail() {
    skip_if_not_root!("session_drop_still_drops_ids_when_capabilities_fail");
    in_child(|| {
        let policy = CapsPolicy {
            disabled: false,
            keep: vec!["CAP_NOPE".into()],
        };
        let res = session_drop_with(NOBODY, NOBODY, &policy);
        if !matches!(res, Err(PrivError::Caps(_))) {
            return Err(format!("expected a caps error, got {res:?}"));
        }
        if unistd::geteuid().as_raw() != NOBODY || unistd::getegid().as_raw() != NOBODY {
            return Err("ids not dropped".into());
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
}
