//! DELE (RFC 959 §4.1.3): delete a file. A directory is refused with `Is
//! a directory` before unlink(2) is tried, so the answer does not depend on
//! the permissions of its parent (observed on 1.3.8).

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::path::{chroot_guard, fs_path, resolve};
use super::{BAD_PARAM_COUNT, errno_text, path_reason};

/// `EISDIR` (21 on Linux and the BSDs); std exposes the kind but not the
/// number, and the reply wants strerror's text.
const EISDIR: i32 = 21;

pub fn dele(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.cmd.arg.is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let target = resolve(ctx.session, &ctx.cmd.arg);
    if let Err(e) = chroot_guard(ctx.session, &target) {
        ctx.reply_err(550, path_reason(&ctx.cmd.arg, &errno_text(&e)));
        return ModRet::Error;
    }
    let path = fs_path(&target);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
        let e = std::io::Error::from_raw_os_error(EISDIR);
        ctx.reply_err(550, path_reason(&ctx.cmd.arg, &errno_text(&e)));
        return ModRet::Error;
    }
    if let Err(e) = std::fs::remove_file(&path) {
        ctx.reply_err(550, path_reason(&ctx.cmd.arg, &errno_text(&e)));
        return ModRet::Error;
    }
    ctx.reply(250, "DELE command successful");
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn deletes_files_only() {
        let dir = std::env::temp_dir().join(format!("mod_core_dele_{}", std::process::id()));
        std::fs::create_dir_all(dir.join("d")).expect("create test dir");
        std::fs::write(dir.join("f"), b"x").expect("create test file");
        let mut s = session();
        s.cwd = dir.to_string_lossy().into_owned().into_bytes();
        assert_eq!(
            run(&mut s, super::dele, "DELE f").1,
            "250 DELE command successful\r\n"
        );
        assert_eq!(
            run(&mut s, super::dele, "DELE f").1,
            "550 f: No such file or directory\r\n"
        );
        assert_eq!(
            run(&mut s, super::dele, "DELE d").1,
            "550 d: Is a directory\r\n"
        );
        assert_eq!(
            run(&mut s, super::dele, "DELE").1,
            "501 Invalid number of parameters\r\n"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
