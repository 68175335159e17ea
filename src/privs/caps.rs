//! Linux capability sets around the identity changes.
//!
//! Capabilities are per thread; sessions are single-threaded, so changing
//! the calling thread's sets changes the session's.

use std::str::FromStr;

use ::caps::{CapSet, Capability, CapsHashSet};
use proftpd_api::session::Identity;

use super::PrivError;

fn err(what: &str) -> impl FnOnce(::caps::errors::CapsError) -> PrivError + '_ {
    move |e| PrivError::Caps(format!("{what}: {e}"))
}

/// Parses capability names as mod_cap stores them (`CAP_CHOWN`; the
/// `CAP_` prefix and case are optional).
pub(super) fn parse_names(names: &[String]) -> Result<CapsHashSet, PrivError> {
    let mut set = CapsHashSet::new();
    for name in names {
        let canon = ::caps::to_canonical(name);
        let cap = Capability::from_str(&canon)
            .map_err(|_| PrivError::Caps(format!("unknown capability '{name}'")))?;
        set.insert(cap);
    }
    Ok(set)
}

/// The capabilities a session keeps between fork and login
/// (ARCHITECTURE §4.3): enough for setgroups/chroot/set*id, reading
/// AuthUserFile/shadow, binding port L-1 and PAM's audit records.
fn pre_login_base() -> CapsHashSet {
    [
        Capability::CAP_SETUID,
        Capability::CAP_SETGID,
        Capability::CAP_SYS_CHROOT,
        Capability::CAP_DAC_READ_SEARCH,
        Capability::CAP_NET_BIND_SERVICE,
        Capability::CAP_AUDIT_WRITE,
    ]
    .into_iter()
    .collect()
}

/// Drops from the bounding set everything outside `keep`. Needs
/// CAP_SETPCAP in the effective set; capabilities already gone are
/// skipped, so a second call (after [`pre_login_trim`] removed SETPCAP)
/// does nothing.
fn trim_bounding(keep: &CapsHashSet) -> Result<(), PrivError> {
    let bounding = ::caps::read(None, CapSet::Bounding).map_err(err("read bounding set"))?;
    let extra: Vec<Capability> = bounding.difference(keep).copied().collect();
    if extra.is_empty() {
        return Ok(());
    }
    let effective = ::caps::read(None, CapSet::Effective).map_err(err("read effective set"))?;
    if !effective.contains(&Capability::CAP_SETPCAP) {
        // Already trimmed before login: the permitted set is what limits
        // us now, and it is trimmed below.
        return Ok(());
    }
    for cap in extra {
        ::caps::drop(None, CapSet::Bounding, cap).map_err(err("drop from bounding set"))?;
    }
    Ok(())
}

/// Shrinks the bounding, permitted and inheritable sets to the pre-login
/// set plus `extra` (mod_cap's CapabilitiesSet). Runs as euid 0, before
/// the effective uid becomes the daemon's User.
pub(super) fn pre_login_trim(extra: &[String]) -> Result<(), PrivError> {
    let mut keep = pre_login_base();
    keep.extend(parse_names(extra)?);
    trim_bounding(&keep)?;
    let permitted = ::caps::read(None, CapSet::Permitted).map_err(err("read permitted set"))?;
    let new: CapsHashSet = permitted.intersection(&keep).copied().collect();
    ::caps::clear(None, CapSet::Inheritable).map_err(err("clear inheritable set"))?;
    ::caps::set(None, CapSet::Effective, &new).map_err(err("set effective set"))?;
    ::caps::set(None, CapSet::Permitted, &new).map_err(err("set permitted set"))?;
    Ok(())
}

/// The capability plan of one [`super::become_user`] call.
pub(super) struct Keep {
    /// `None`: leave capabilities alone (CapabilitiesEngine off, or a
    /// root login, which keeps root's powers as ProFTPD does).
    set: Option<CapsHashSet>,
    root_revoke: bool,
}

impl Keep {
    pub(super) fn plan(id: &Identity) -> Result<Keep, PrivError> {
        if id.caps.disabled || id.uid == 0 {
            return Ok(Keep {
                set: None,
                root_revoke: id.root_revoke,
            });
        }
        let mut set = parse_names(&id.caps.keep)?;
        // Active mode binds port L-1 (20): only possible while root can
        // be regained, so only then is the capability worth keeping.
        if !id.root_revoke {
            set.insert(Capability::CAP_NET_BIND_SERVICE);
        }
        Ok(Keep {
            set: Some(set),
            root_revoke: id.root_revoke,
        })
    }

    /// Still euid 0: trims the bounding set and, when root is revoked but
    /// capabilities are kept, asks the kernel not to clear the permitted
    /// set as the last uid 0 goes.
    pub(super) fn before_uid_switch(&self) -> Result<(), PrivError> {
        let Some(set) = &self.set else {
            return Ok(());
        };
        trim_bounding(set)?;
        if self.root_revoke && !set.is_empty() {
            nix::sys::prctl::set_keepcaps(true).map_err(|errno| PrivError::Syscall {
                op: "prctl(PR_SET_KEEPCAPS)",
                errno,
            })?;
        }
        Ok(())
    }

    /// After setresuid: permitted and effective become exactly the kept
    /// set (within what is still permitted), inheritable and ambient none.
    pub(super) fn after_uid_switch(&self) -> Result<(), PrivError> {
        let Some(set) = &self.set else {
            return Ok(());
        };
        let permitted = ::caps::read(None, CapSet::Permitted).map_err(err("read permitted set"))?;
        let new: CapsHashSet = permitted.intersection(set).copied().collect();
        ::caps::clear(None, CapSet::Ambient).map_err(err("clear ambient set"))?;
        ::caps::clear(None, CapSet::Inheritable).map_err(err("clear inheritable set"))?;
        ::caps::set(None, CapSet::Effective, &new).map_err(err("set effective set"))?;
        ::caps::set(None, CapSet::Permitted, &new).map_err(err("set permitted set"))?;
        if self.root_revoke && !set.is_empty() {
            nix::sys::prctl::set_keepcaps(false).map_err(|errno| PrivError::Syscall {
                op: "prctl(PR_SET_KEEPCAPS)",
                errno,
            })?;
        }
        Ok(())
    }
}
