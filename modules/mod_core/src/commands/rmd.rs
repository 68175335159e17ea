//! RMD / XRMD (RFC 959 §4.1.3, RFC 775): remove an empty directory.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::path::{chroot_guard, fs_path, resolve};
use super::{BAD_PARAM_COUNT, errno_text, path_reason};

pub fn rmd(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.cmd.arg.is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let target = resolve(ctx.session, &ctx.cmd.arg);
    let removed =
        chroot_guard(ctx.session, &target).and_then(|()| std::fs::remove_dir(fs_path(&target)));
    if let Err(e) = removed {
        ctx.reply_err(550, path_reason(&ctx.cmd.arg, &errno_text(&e)));
        return ModRet::Error;
    }
    let verb = ctx.cmd.verb.clone();
    ctx.reply(250, format!("{verb} command successful"));
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn removes_and_reports() {
        let dir = std::env::temp_dir().join(format!("mod_core_rmd_{}", std::process::id()));
        std::fs::create_dir_all(dir.join("d")).expect("create test dir");
        let mut s = session();
        s.cwd = dir.to_string_lossy().into_owned().into_bytes();
        assert_eq!(
            run(&mut s, super::rmd, "XRMD d").1,
            "250 XRMD command successful\r\n"
        );
        assert_eq!(
            run(&mut s, super::rmd, "RMD d").1,
            "550 d: No such file or directory\r\n"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
