//! RNFR / RNTO (RFC 959 §4.1.3): rename in two steps, and the sequence
//! rule that binds them.
//!
//! After a successful RNFR, any command other than RNTO, HELP, NOOP, QUIT or
//! STAT is refused with `501 Bad sequence of commands` and the pending RNFR
//! is kept; that includes another RNFR, with or without an argument, for an
//! existing file or not (probed on 1.3.8: `RNFR a`, `RNFR d` is 501 and a
//! following `RNTO x` renames `a`). RNTO without RNFR is `503`. Any RNTO,
//! failed or not (a bare `RNTO` too), ends the pending rename.

use std::os::unix::ffi::OsStrExt;

use proftpd_api::config::ConfigKey;
use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::path::{chroot_guard, fs_path, resolve};
use super::{BAD_PARAM_COUNT, errno_text, path_reason};

/// `AllowOverwrite` (default off): whether RNTO may replace an existing
/// file. Read by name; the directive handler stores a `bool` under it.
static ALLOW_OVERWRITE: ConfigKey<bool> = ConfigKey::new("AllowOverwrite");

/// Commands allowed between RNFR and RNTO.
const ALLOWED_AFTER_RNFR: &[&str] = &["RNTO", "HELP", "NOOP", "QUIT", "STAT"];

/// mod_core's per-session rename state.
#[derive(Debug, Default)]
pub struct RenameState {
    /// The resolved source path of a successful RNFR, until RNTO.
    pub from: Option<Vec<u8>>,
}

/// PRE_CMD for every command: enforces the RNFR sequence rule.
pub fn pre_any(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.session.state::<RenameState>().from.is_none() {
        return ModRet::Declined;
    }
    let verb = ctx.cmd.verb.as_str();
    if ALLOWED_AFTER_RNFR
        .iter()
        .any(|v| v.eq_ignore_ascii_case(verb))
    {
        return ModRet::Declined;
    }
    ctx.reply_err(501, "Bad sequence of commands");
    ModRet::Error
}

pub fn rnfr(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.cmd.arg.is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let from = resolve(ctx.session, &ctx.cmd.arg);
    if let Err(e) = std::fs::symlink_metadata(fs_path(&from)) {
        ctx.reply_err(550, path_reason(&ctx.cmd.arg, &errno_text(&e)));
        return ModRet::Error;
    }
    ctx.session.state::<RenameState>().from = Some(from);
    ctx.reply(350, "File or directory exists, ready for destination name");
    ModRet::Handled
}

pub fn rnto(ctx: &mut CmdCtx<'_>) -> ModRet {
    // The argument count is checked first: a bare RNTO is 501, not 503
    // (observed on 1.3.8); `rnto_cleanup` then drops the pending RNFR.
    if ctx.cmd.arg.is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let Some(from) = ctx.session.state::<RenameState>().from.take() else {
        ctx.reply_err(503, "Bad sequence of commands");
        return ModRet::Error;
    };
    let to = resolve(ctx.session, &ctx.cmd.arg);
    let overwrite = ctx.session.get(&ALLOW_OVERWRITE).copied().unwrap_or(false);
    let to_path = fs_path(&to);
    if let Err(e) = chroot_guard(ctx.session, &to).and_then(|()| chroot_guard(ctx.session, &from)) {
        ctx.reply_err(550, path_reason(&ctx.cmd.arg, &errno_text(&e)));
        return ModRet::Error;
    }
    // A link to nowhere is no file to protect: 1.3.8 follows links here.
    if !overwrite && std::fs::metadata(&to_path).is_ok() {
        ctx.reply_err(550, path_reason(&ctx.cmd.arg, "Rename permission denied"));
        return ModRet::Error;
    }
    if let Err(e) = std::fs::rename(fs_path(&from), &to_path) {
        ctx.reply_err(550, path_reason(&ctx.cmd.arg, &errno_text(&e)));
        return ModRet::Error;
    }
    log::debug!(
        "renamed '{}' to '{}'",
        String::from_utf8_lossy(&from),
        String::from_utf8_lossy(to_path.as_os_str().as_bytes())
    );
    ctx.reply(250, "Rename successful");
    ModRet::Handled
}

/// POST_CMD and POST_CMD_ERR for RNTO: whatever the outcome, the pending
/// RNFR is used up (1.3.8: `RNFR a`, `RNTO`, `RNTO b` is 501 then 503).
pub fn rnto_cleanup(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.session.state::<RenameState>().from = None;
    ModRet::Declined
}

#[cfg(test)]
mod tests {
    use super::RenameState;
    use crate::commands::testutil::{run, session};

    #[test]
    fn rename_flow() {
        let dir = std::env::temp_dir().join(format!("mod_core_ren_{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create test dir");
        std::fs::write(dir.join("a"), b"x").expect("create test file");
        std::fs::write(dir.join("b"), b"y").expect("create test file");
        let mut s = session();
        s.cwd = dir.to_string_lossy().into_owned().into_bytes();

        assert_eq!(
            run(&mut s, super::rnto, "RNTO x").1,
            "503 Bad sequence of commands\r\n"
        );
        assert_eq!(
            run(&mut s, super::rnfr, "RNFR nope").1,
            "550 nope: No such file or directory\r\n"
        );
        assert!(s.state::<RenameState>().from.is_none());
        assert_eq!(
            run(&mut s, super::rnfr, "RNFR a").1,
            "350 File or directory exists, ready for destination name\r\n"
        );
        // The sequence rule: NOOP passes, anything else gets 501 and the
        // RNFR stays pending.
        assert_eq!(
            run(&mut s, super::pre_any, "NOOP").0,
            proftpd_api::module::ModRet::Declined
        );
        assert_eq!(
            run(&mut s, super::pre_any, "PWD").1,
            "501 Bad sequence of commands\r\n"
        );
        assert!(s.state::<RenameState>().from.is_some());
        // Another RNFR is out of sequence too, and keeps the first.
        for line in ["RNFR d", "RNFR", "RNFR nope"] {
            assert_eq!(
                run(&mut s, super::pre_any, line).1,
                "501 Bad sequence of commands\r\n",
                "{line}"
            );
        }
        assert!(s.state::<RenameState>().from.is_some());
        assert_eq!(
            run(&mut s, super::rnto, "RNTO b").1,
            "550 b: Rename permission denied\r\n"
        );
        assert_eq!(
            run(&mut s, super::rnfr, "RNFR a").0,
            proftpd_api::module::ModRet::Handled
        );
        assert_eq!(
            run(&mut s, super::rnto, "RNTO c").1,
            "250 Rename successful\r\n"
        );
        assert!(dir.join("c").exists());
        assert_eq!(
            run(&mut s, super::pre_any, "PWD").0,
            proftpd_api::module::ModRet::Declined
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn any_rnto_ends_the_pending_rename() {
        let mut s = session();
        s.state::<RenameState>().from = Some(b"/a".to_vec());
        run(&mut s, super::rnto_cleanup, "RNTO");
        assert!(s.state::<RenameState>().from.is_none());
    }
}
