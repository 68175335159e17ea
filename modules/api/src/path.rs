//! Virtual paths: what the client names, resolved against the session's
//! current directory.
//!
//! When the session is chrooted the process already is, so the virtual path
//! is the filesystem path; without a chroot the virtual path is the real
//! path too. Either way the resolved path can be handed to the OS as is.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::session::Session;

/// Resolves `arg` against `cwd` into an absolute, normalised virtual path
/// (`.` and `..` removed, never above `/`), as bytes.
///
/// `~` and `~/x` name the logged-in user's home directory.
pub fn resolve(session: &Session, arg: &[u8]) -> Vec<u8> {
    let home = session
        .identity
        .as_ref()
        .map(|i| i.chdir.as_os_str().as_bytes().to_vec());
    let expanded: Vec<u8> = match (arg, home) {
        (b"~", Some(h)) => h,
        (a, Some(mut h)) if a.starts_with(b"~/") => {
            h.extend_from_slice(&a[1..]);
            h
        }
        (a, _) => a.to_vec(),
    };
    join(&session.cwd, &expanded)
}

/// Joins `rel` onto the absolute directory `cwd` and normalises.
pub fn join(cwd: &[u8], rel: &[u8]) -> Vec<u8> {
    let mut parts: Vec<&[u8]> = Vec::new();
    let inputs: &[&[u8]] = if rel.starts_with(b"/") {
        &[rel]
    } else {
        &[cwd, rel]
    };
    for input in inputs {
        for comp in input.split(|&b| b == b'/') {
            match comp {
                b"" | b"." => {}
                b".." => {
                    parts.pop();
                }
                c => parts.push(c),
            }
        }
    }
    let mut out = Vec::with_capacity(cwd.len() + rel.len() + 1);
    for p in &parts {
        out.push(b'/');
        out.extend_from_slice(p);
    }
    if out.is_empty() {
        out.push(b'/');
    }
    out
}

/// The OS path for a resolved virtual path.
pub fn fs_path(virt: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(virt))
}

/// A virtual path quoted for a 257 reply, as bytes: in `"`, embedded `"`
/// doubled (RFC 959 appendix II).
pub fn quote_257(virt: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(virt.len() + 2);
    out.push(b'"');
    for &b in virt {
        out.push(b);
        if b == b'"' {
            out.push(b'"');
        }
    }
    out.push(b'"');
    out
}

/// Refuses changes under `/etc` and `/lib` inside a chroot (EACCES), as
/// ProFTPD's chroot guard does: a user who could write there could plant
/// an `nsswitch.conf` or a `libnss_*.so` that the C library, still running
/// as root in parts of the session, would load from inside the chroot.
/// `virt` is a resolved path (see [`resolve`]); `/etcx` and `/sub/etc`
/// are fine.
pub fn chroot_guard(session: &Session, virt: &[u8]) -> std::io::Result<()> {
    if session.chroot.is_none() {
        return Ok(());
    }
    let guarded = [&b"/etc"[..], b"/lib"].iter().any(|dir| {
        virt.strip_prefix(*dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(b"/"))
    });
    if guarded {
        return Err(std::io::Error::from_raw_os_error(nix::libc::EACCES));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_normalises() {
        let table: &[(&str, &str, &str)] = &[
            ("/", "a", "/a"),
            ("/a/b", "c", "/a/b/c"),
            ("/a/b", "..", "/a"),
            ("/a/b", "../../..", "/"),
            ("/a", "/x/./y/../z", "/x/z"),
            ("/", "..", "/"),
            ("/a", "", "/a"),
            ("/a", ".", "/a"),
            ("/a", "b//c/", "/a/b/c"),
        ];
        for (cwd, rel, want) in table {
            let got = join(cwd.as_bytes(), rel.as_bytes());
            assert_eq!(String::from_utf8_lossy(&got), *want, "{cwd} + {rel}");
        }
    }

    #[test]
    fn chroot_guard_covers_etc_and_lib_only_when_chrooted() {
        let mut s = crate::testing::session_over(&[], crate::config::ConfigTree::new());
        assert!(
            chroot_guard(&s, b"/etc/passwd").is_ok(),
            "no chroot, no guard"
        );
        s.chroot = Some(PathBuf::from("/home/u"));
        for denied in [&b"/etc"[..], b"/etc/x", b"/lib", b"/lib/libnss_x.so.2"] {
            let e = chroot_guard(&s, denied).expect_err("guarded");
            assert_eq!(e.raw_os_error(), Some(nix::libc::EACCES));
        }
        for allowed in [&b"/etcx"[..], b"/libx", b"/lib64", b"/sub/etc", b"/"] {
            assert!(chroot_guard(&s, allowed).is_ok(), "{allowed:?}");
        }
    }

    #[test]
    fn quote_doubles_quotes() {
        assert_eq!(quote_257(b"/a\"b"), b"\"/a\"\"b\"");
    }
}
