//! shadow(5) entries through `getspnam_r` (nix has no wrapper).
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char};

use proftpd_api::session::Shadow;

/// Start with a buffer that fits any ordinary entry.
const INITIAL_BUF: usize = 1024;
/// Stop growing here: no sane shadow line needs more, and an NSS module
/// that keeps asking must not make us allocate without bound.
const MAX_BUF: usize = 1024 * 1024;

/// The shadow entry of `name`, or `None` when there is none, it cannot be
/// read (not root), or the name cannot be a C string.
pub fn getspnam(name: &str) -> Option<Shadow> {
    let cname = CString::new(name).ok()?;
    let mut buf: Vec<c_char> = vec![0; INITIAL_BUF];
    loop {
        // SAFETY: `spwd` is a plain C struct of pointers and integers, for
        // which all-zero bytes are a valid value.
        let mut entry: libc::spwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::spwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call: `cname` is
        // NUL-terminated, `entry` and `result` are live locals, and `buf`
        // is writable for `buf.len()` bytes. The strings written into
        // `entry` point into `buf`, which we read only while it lives.
        let rc = unsafe {
            libc::getspnam_r(
                cname.as_ptr(),
                &mut entry,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buf.len() < MAX_BUF {
            let len = buf.len() * 2;
            buf = vec![0; len];
            continue;
        }
        if rc != 0 || result.is_null() {
            return None;
        }
        let text = |p: *mut c_char| -> String {
            if p.is_null() {
                String::new()
            } else {
                // SAFETY: on success the string fields are NULL (handled
                // above) or point at NUL-terminated text inside `buf`,
                // which outlives this closure.
                unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
            }
        };
        // -1 marks an empty field in shadow(5). `c_long` is 32 bits on
        // some targets, hence the conversion clippy calls useless here.
        #[allow(clippy::useless_conversion)]
        let num = |v: libc::c_long| -> Option<i64> { (v >= 0).then_some(i64::from(v)) };
        return Some(Shadow {
            name: text(entry.sp_namp),
            hash: text(entry.sp_pwdp),
            last_change: num(entry.sp_lstchg),
            max_days: num(entry.sp_max),
            inactive_days: num(entry.sp_inact),
            expire: num(entry.sp_expire),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_user_is_none() {
        assert_eq!(getspnam("no-such-user-proftpd-rs-test"), None);
    }

    #[test]
    fn nul_in_name_is_none() {
        assert_eq!(getspnam("ro\0ot"), None);
    }

    #[test]
    fn root_entry_when_readable() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("skipping: reading /etc/shadow needs root");
            return;
        }
        match getspnam("root") {
            Some(sp) => assert_eq!(sp.name, "root"),
            None => eprintln!("skipping: no shadow entry for root on this host"),
        }
    }
}
