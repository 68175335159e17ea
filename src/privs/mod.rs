//! Privileges: the one identity change of a session and the temporary-root
//! guard (ARCHITECTURE §4.3).
//!
//! Lifecycle of a session child's credentials:
//! 1. fork: real, effective and saved uid are 0 (the master runs as root);
//! 2. [`session_drop_with`]: the effective ids become the daemon's `User` and
//!    `Group`, the real and saved uid stay 0 so that root can be regained
//!    for a moment with [`RootGuard`]; on Linux the bounding and permitted
//!    capability sets shrink to what login needs;
//! 3. [`become_user`] after a successful PASS: groups, chroot, chdir, gid,
//!    uid, capabilities, in that order, and never again.
//!
//! Every failure is an error for the caller to end the session on: a
//! half-changed identity must never serve a client (fail closed).
//!
//! Everything here is safe code over nix; only the tests fork, and they
//! alone opt in to `unsafe`.

#[cfg(target_os = "linux")]
mod caps;

use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::unistd::{self, Gid, Uid};
use proftpd_api::session::{CapsPolicy, Identity};

/// Why an identity change failed. Each variant names the step, so the log
/// line says exactly where the switch stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrivError {
    /// The process has no root to give up and the request is not a no-op.
    #[error("cannot switch to uid {uid}{}: not running as root", if *.chroot { " with a chroot" } else { "" })]
    NotRoot { uid: u32, chroot: bool },
    /// A credential syscall failed.
    #[error("{op} failed: {errno}")]
    Syscall { op: &'static str, errno: Errno },
    /// chroot(2) into the session root failed.
    #[error("unable to chroot to {}: {errno}", path.display())]
    Chroot { path: PathBuf, errno: Errno },
    /// Entering the start directory (or `/` as the fallback) failed.
    #[error("unable to chdir to {}: {errno}", path.display())]
    Chdir { path: PathBuf, errno: Errno },
    /// A capability name or capability syscall failed.
    #[error("capabilities: {0}")]
    Caps(String),
    /// The ids read back after the switch are not the ones asked for.
    #[error("identity check failed after the switch: {0}")]
    Verify(String),
}

fn sys(op: &'static str) -> impl FnOnce(Errno) -> PrivError {
    move |errno| PrivError::Syscall { op, errno }
}

/// Whether root can be had at all: one of the real, effective or saved
/// uids is 0.
fn root_available() -> Result<bool, PrivError> {
    let r = unistd::getresuid().map_err(sys("getresuid"))?;
    Ok(r.real.is_root() || r.effective.is_root() || r.saved.is_root())
}

/// Becomes the logged-in user. The only function that changes a session's
/// identity for good; see the module doc for where it sits.
///
/// Order (each step needs the privileges the next one gives up):
/// setgroups, chroot + chdir("/"), chdir(start dir), setresgid, setresuid
/// (saved uid 0 kept unless `root_revoke`), then on Linux the capability
/// trim. If the start directory cannot be entered the session starts in
/// `/` (of the chroot, if any), as ProFTPD does; callers learn the final
/// directory from `std::env::current_dir()`.
///
/// Without root only the no-op is allowed: same uid, no chroot.
pub fn become_user(id: &Identity) -> Result<(), PrivError> {
    if !root_available()? {
        if id.uid == unistd::geteuid().as_raw() && id.chroot.is_none() {
            enter_start_dir(&id.chdir)?;
            return Ok(());
        }
        return Err(PrivError::NotRoot {
            uid: id.uid,
            chroot: id.chroot.is_some(),
        });
    }
    // Pre-login the effective uid is the daemon's User; every step below
    // needs root, so take it back for good (no guard: we never return to
    // the old effective ids).
    unistd::seteuid(Uid::from_raw(0)).map_err(sys("seteuid(0)"))?;
    unistd::setegid(Gid::from_raw(0)).map_err(sys("setegid(0)"))?;

    let mut groups: Vec<Gid> = id.groups.iter().copied().map(Gid::from_raw).collect();
    if groups.is_empty() {
        groups.push(Gid::from_raw(id.gid));
    }
    unistd::setgroups(&groups).map_err(sys("setgroups"))?;

    if let Some(root) = &id.chroot {
        unistd::chroot(root).map_err(|errno| PrivError::Chroot {
            path: root.clone(),
            errno,
        })?;
        // Without this the old cwd would sit outside the jail.
        unistd::chdir("/").map_err(|errno| PrivError::Chdir {
            path: PathBuf::from("/"),
            errno,
        })?;
    }
    enter_start_dir(&id.chdir)?;

    let gid = Gid::from_raw(id.gid);
    unistd::setresgid(gid, gid, gid).map_err(sys("setresgid"))?;

    #[cfg(target_os = "linux")]
    let keep = caps::Keep::plan(id)?;
    #[cfg(target_os = "linux")]
    keep.before_uid_switch()?;

    let uid = Uid::from_raw(id.uid);
    let saved = if id.root_revoke {
        uid
    } else {
        Uid::from_raw(0)
    };
    unistd::setresuid(uid, uid, saved).map_err(sys("setresuid"))?;

    #[cfg(target_os = "linux")]
    keep.after_uid_switch()?;

    verify(id, saved)
}

/// Enters the session's start directory, falling back to `/` when it
/// cannot be entered (a missing home must not refuse the login).
fn enter_start_dir(dir: &Path) -> Result<(), PrivError> {
    match unistd::chdir(dir) {
        Ok(()) => Ok(()),
        Err(errno) if dir != Path::new("/") => {
            log::warn!(
                "unable to chdir to {} ({errno}), starting in / instead",
                dir.display()
            );
            unistd::chdir("/").map_err(|errno| PrivError::Chdir {
                path: PathBuf::from("/"),
                errno,
            })
        }
        Err(errno) => Err(PrivError::Chdir {
            path: dir.to_path_buf(),
            errno,
        }),
    }
}

/// Reads the ids back: a kernel or libc that silently ignored a request
/// must not leave us serving with the wrong ones (vsftpd does the same).
fn verify(id: &Identity, saved: Uid) -> Result<(), PrivError> {
    let r = unistd::getresuid().map_err(sys("getresuid"))?;
    let g = unistd::getresgid().map_err(sys("getresgid"))?;
    let want_uid = Uid::from_raw(id.uid);
    let want_gid = Gid::from_raw(id.gid);
    if r.real != want_uid || r.effective != want_uid || r.saved != saved {
        return Err(PrivError::Verify(format!(
            "uids are {}/{}/{}",
            r.real, r.effective, r.saved
        )));
    }
    if g.real != want_gid || g.effective != want_gid || g.saved != want_gid {
        return Err(PrivError::Verify(format!(
            "gids are {}/{}/{}",
            g.real, g.effective, g.saved
        )));
    }
    Ok(())
}

/// A fresh session child's first step: the effective gid/uid become the
/// daemon's `User`/`Group` while the real and saved uid stay 0 (so
/// [`RootGuard`] works until login). On Linux the capability sets shrink
/// to the pre-login set of ARCHITECTURE §4.3 plus mod_cap's settings:
/// `policy.keep` names extra capabilities that must survive until
/// [`become_user`] (CAP_CHOWN, ...); `policy.disabled` leaves capabilities
/// alone. A no-op when not root.
pub fn session_drop_with(uid: u32, gid: u32, policy: &CapsPolicy) -> Result<(), PrivError> {
    let r = unistd::getresuid().map_err(sys("getresuid"))?;
    if !r.real.is_root() && !r.effective.is_root() {
        return Ok(());
    }
    if !r.effective.is_root() {
        unistd::seteuid(Uid::from_raw(0)).map_err(sys("seteuid(0)"))?;
    }
    // The capability trim needs euid 0, so it comes first; if it fails
    // the ids are still dropped before the error is returned, so that a
    // caller that only logs it does not go on as full root.
    #[cfg(target_os = "linux")]
    let trimmed = if policy.disabled {
        Ok(())
    } else {
        caps::pre_login_trim(&policy.keep)
    };
    #[cfg(not(target_os = "linux"))]
    let trimmed: Result<(), PrivError> = {
        let _ = policy;
        Ok(())
    };
    // The master's supplementary groups (root's) must not follow the
    // session: before login it acts as User/Group and nothing more.
    unistd::setgroups(&[Gid::from_raw(gid)]).map_err(sys("setgroups"))?;
    // Group first: changing it needs the root we give up on the next line.
    unistd::setegid(Gid::from_raw(gid)).map_err(sys("setegid"))?;
    unistd::seteuid(Uid::from_raw(uid)).map_err(sys("seteuid"))?;
    trimmed
}

/// Temporary root: raises the effective uid/gid to 0 and puts the previous
/// ones back when dropped (ProFTPD's PRIVS_ROOT / PRIVS_RELINQUISH, made
/// impossible to leave unbalanced).
///
/// Without root to regain (not started as root, or after `RootRevoke`) the
/// guard does nothing; [`RootGuard::is_root`] says which case applies.
#[must_use = "root is given back when the guard is dropped"]
pub struct RootGuard {
    /// The effective ids to restore, when the guard changed them.
    prev: Option<(Uid, Gid)>,
}

impl RootGuard {
    pub fn new() -> RootGuard {
        let euid = unistd::geteuid();
        let egid = unistd::getegid();
        if euid.is_root() && egid.as_raw() == 0 {
            return RootGuard { prev: None };
        }
        match unistd::getresuid() {
            Ok(r) if r.real.is_root() || r.saved.is_root() || r.effective.is_root() => {}
            _ => return RootGuard { prev: None },
        }
        if !euid.is_root() && unistd::seteuid(Uid::from_raw(0)).is_err() {
            return RootGuard { prev: None };
        }
        if unistd::setegid(Gid::from_raw(0)).is_err() {
            // Keep the state consistent: give the uid back at once.
            restore(euid, egid);
            return RootGuard { prev: None };
        }
        RootGuard {
            prev: Some((euid, egid)),
        }
    }

    /// Whether the process is running with euid 0 under this guard.
    pub fn is_root(&self) -> bool {
        unistd::geteuid().is_root()
    }
}

impl Default for RootGuard {
    fn default() -> Self {
        RootGuard::new()
    }
}

impl Drop for RootGuard {
    fn drop(&mut self) {
        if let Some((euid, egid)) = self.prev.take() {
            restore(euid, egid);
        }
    }
}

/// Puts the effective ids back; if that fails the process would go on as
/// root, so it stops instead (fail closed).
fn restore(euid: Uid, egid: Gid) {
    // The gid first, while the effective uid is still 0.
    let res = unistd::setegid(egid).and_then(|()| unistd::seteuid(euid));
    if let Err(e) = res {
        log::error!("unable to give up temporary root ({e}); ending the session");
        std::process::abort();
    }
}

#[cfg(test)]
#[allow(unsafe_code)]
mod tests;
