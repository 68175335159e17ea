//! MKD / XMKD (RFC 959 §4.1.3, RFC 775): create a directory. The reply
//! names the new directory's absolute path, quotes doubled.

use std::os::unix::fs::DirBuilderExt;

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::path::{chroot_guard, fs_path, quote_257, resolve};
use super::{BAD_PARAM_COUNT, errno_text, path_reason};
use crate::keys::UMASK;

/// ProFTPD's default `Umask` (files and directories).
const DEFAULT_UMASK: u32 = 0o022;

pub fn mkd(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.cmd.arg.is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let target = resolve(ctx.session, &ctx.cmd.arg);
    let umask = ctx.session.get(&UMASK).map_or(DEFAULT_UMASK, |u| u.dir);
    // The process umask still applies on top (the runtime sets it from
    // `Umask` at session start, as ProFTPD does).
    let res = chroot_guard(ctx.session, &target).and_then(|()| {
        std::fs::DirBuilder::new()
            .mode(0o777 & !umask)
            .create(fs_path(&target))
    });
    if let Err(e) = res {
        ctx.reply_err(550, path_reason(&ctx.cmd.arg, &errno_text(&e)));
        return ModRet::Error;
    }
    let mut text = quote_257(&target);
    text.extend_from_slice(b" - Directory successfully created");
    ctx.reply(257, text);
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn creates_and_reports() {
        let dir = std::env::temp_dir().join(format!("mod_core_mkd_{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create test dir");
        let base = dir.to_string_lossy().into_owned();
        let mut s = session();
        s.cwd = base.clone().into_bytes();
        assert_eq!(
            run(&mut s, super::mkd, "MKD a\"b").1,
            format!("257 \"{base}/a\"\"b\" - Directory successfully created\r\n")
        );
        assert_eq!(
            run(&mut s, super::mkd, "XMKD a\"b").1,
            "550 a\"b: File exists\r\n"
        );
        assert_eq!(
            run(&mut s, super::mkd, "MKD").1,
            "501 Invalid number of parameters\r\n"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
