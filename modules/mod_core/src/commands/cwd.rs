//! CWD / XCWD and CDUP / XCUP (RFC 959 §4.1.1, RFC 775): change the
//! working directory.
//!
//! The process really changes directory (so relative lookups by other
//! modules and the kernel's permission checks agree with what the client
//! sees). `session.cwd` then becomes the physical directory, symlinks
//! resolved, as ProFTPD 1.3.8 shows it (observed: `CWD lnk` with `lnk ->
//! /tmp/x` makes PWD answer `"/tmp/x"`); inside a chroot that is the path
//! below the chroot.

use std::os::unix::ffi::OsStrExt;

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::path::{fs_path, resolve};
use super::{BAD_PARAM_COUNT, errno_text, path_reason};

pub fn cwd(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.cmd.arg.is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let target = resolve(ctx.session, &ctx.cmd.arg);
    let cmd = ctx.cmd;
    change_dir(ctx, &target, &cmd.arg)
}

pub fn cdup(ctx: &mut CmdCtx<'_>) -> ModRet {
    let target = resolve(ctx.session, b"..");
    let shown = target.clone();
    change_dir(ctx, &target, &shown)
}

/// Enters `target`; on failure replies `550 <shown>: <errno>`.
fn change_dir(ctx: &mut CmdCtx<'_>, target: &[u8], shown: &[u8]) -> ModRet {
    let path = fs_path(target);
    if let Err(e) = std::env::set_current_dir(&path) {
        ctx.reply_err(550, path_reason(shown, &errno_text(&e)));
        return ModRet::Error;
    }
    let now = std::env::current_dir().unwrap_or(path);
    ctx.session.cwd = now.as_os_str().as_bytes().to_vec();
    // The reply names the verb as sent (`XCWD command successful`).
    let verb = ctx.cmd.verb.clone();
    ctx.reply(250, format!("{verb} command successful"));
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{PROCESS_CWD, run, session};

    #[test]
    fn cwd_and_cdup() {
        let _cwd = PROCESS_CWD.lock().unwrap_or_else(|e| e.into_inner());
        let dir = std::env::temp_dir().join(format!("mod_core_cwd_{}", std::process::id()));
        let sub = dir.join("sub");
        std::fs::create_dir_all(&sub).expect("create test dir");
        std::fs::write(dir.join("file"), b"x").expect("create test file");
        // Canonical, so the comparisons hold even if the temp dir is a link.
        let base = std::fs::canonicalize(&dir)
            .expect("canonical test dir")
            .to_string_lossy()
            .into_owned();
        let mut s = session();
        s.cwd = base.clone().into_bytes();

        assert_eq!(
            run(&mut s, super::cwd, "CWD").1,
            "501 Invalid number of parameters\r\n"
        );
        assert_eq!(
            run(&mut s, super::cwd, "CWD nope").1,
            "550 nope: No such file or directory\r\n"
        );
        assert_eq!(
            run(&mut s, super::cwd, "CWD file").1,
            "550 file: Not a directory\r\n"
        );
        assert_eq!(
            run(&mut s, super::cwd, "XCWD sub").1,
            "250 XCWD command successful\r\n"
        );
        assert_eq!(s.cwd, format!("{base}/sub").into_bytes());
        assert_eq!(
            run(&mut s, super::cdup, "CDUP").1,
            "250 CDUP command successful\r\n"
        );
        assert_eq!(s.cwd, base.as_bytes());
        s.cwd = "/".into();
        assert_eq!(
            run(&mut s, super::cdup, "XCUP").1,
            "250 XCUP command successful\r\n"
        );
        assert_eq!(s.cwd, b"/");
        assert_eq!(
            run(&mut s, super::cwd, "CWD ..").1,
            "250 CWD command successful\r\n"
        );
        assert_eq!(s.cwd, b"/");
        // Symlinks are resolved.
        std::os::unix::fs::symlink(&sub, dir.join("lnk")).expect("symlink");
        s.cwd = base.clone().into_bytes();
        assert_eq!(
            run(&mut s, super::cwd, "CWD lnk").1,
            "250 CWD command successful\r\n"
        );
        assert_eq!(s.cwd, format!("{base}/sub").into_bytes());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn paths_are_bytes_end_to_end() {
        let _cwd = PROCESS_CWD.lock().unwrap_or_else(|e| e.into_inner());
        use crate::commands::testutil::run_bytes;
        use std::os::unix::ffi::OsStrExt;
        let dir = std::env::temp_dir().join(format!("mod_core_cwd_bytes_{}", std::process::id()));
        let latin1 = dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
        std::fs::create_dir_all(&latin1).expect("create test dir");
        std::fs::write(latin1.join("f"), b"x").expect("create test file");
        let base = std::fs::canonicalize(&dir).expect("canonical test dir");
        let mut s = session();
        s.cwd = base.as_os_str().as_bytes().to_vec();
        assert_eq!(
            run_bytes(&mut s, super::cwd, b"CWD caf\xe9"),
            b"250 CWD command successful\r\n"
        );
        // The session's directory is the real name, not a lossy copy...
        assert!(s.cwd.ends_with(b"/caf\xe9"));
        let mut want = b"257 \"".to_vec();
        want.extend_from_slice(&s.cwd);
        want.extend_from_slice(b"\" is the current directory\r\n");
        assert_eq!(run_bytes(&mut s, crate::commands::pwd::pwd, b"PWD"), want);
        // ...so relative names still resolve inside it.
        assert_eq!(
            run_bytes(&mut s, super::cwd, b"CWD f"),
            b"550 f: Not a directory\r\n"
        );
        assert_eq!(
            run_bytes(&mut s, super::cwd, b"CWD n\xff"),
            b"550 n\xff: No such file or directory\r\n"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
