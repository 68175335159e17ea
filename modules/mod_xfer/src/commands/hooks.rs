//! mod_xfer's hooks on other modules' commands: the xferlog line of a
//! successful DELE (1.3.8 logs deletions with direction `d`, the file's
//! size and the TYPE in effect), and `DefaultTransferMode` at login.

use proftpd_api::module::ModRet;
use proftpd_api::path::{fs_path, resolve};
use proftpd_api::session::CmdCtx;

use crate::keys::DEFAULT_TRANSFER_MODE;
use crate::state::XferState;
use crate::xferlog::{self, Entry, Way, real_path};

/// PRE_CMD DELE: remembers the target's real path and size while it still
/// exists (the link itself for a symlink: DELE removes the link).
pub fn dele_pre(ctx: &mut CmdCtx<'_>) -> ModRet {
    let logging = ctx.session.state::<XferState>().log.is_some();
    if !ctx.session.authenticated || !logging || ctx.cmd.arg.is_empty() {
        return ModRet::Declined;
    }
    let virt = resolve(ctx.session, &ctx.cmd.arg);
    let path = fs_path(&virt);
    let seen = std::fs::symlink_metadata(&path)
        .ok()
        .filter(|m| !m.is_dir())
        .map(|m| {
            let (dir, name) = match virt.iter().rposition(|&b| b == b'/') {
                Some(i) => (&virt[..i.max(1)], &virt[i + 1..]),
                None => (&b"/"[..], &virt[..]),
            };
            let mut real = real_path(ctx.session, dir);
            if real.last() != Some(&b'/') {
                real.push(b'/');
            }
            real.extend_from_slice(name);
            (real, m.len())
        });
    ctx.session.state::<XferState>().dele = seen;
    ModRet::Declined
}

/// LOG_CMD DELE: the deletion's xferlog line.
pub fn dele_log(ctx: &mut CmdCtx<'_>) -> ModRet {
    if let Some((path, size)) = ctx.session.state::<XferState>().dele.take() {
        xferlog::write(
            ctx.session,
            &Entry {
                seconds: 0,
                bytes: size,
                path: &path,
                way: Way::Deleted,
                complete: true,
            },
        );
    }
    ModRet::Declined
}

/// LOG_CMD_ERR DELE: nothing was deleted.
pub fn dele_log_err(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.session.state::<XferState>().dele = None;
    ModRet::Declined
}

/// POST_CMD PASS: a configured `DefaultTransferMode` replaces whatever
/// TYPE was sent before login (measured on 1.3.8: `TYPE A`, login,
/// `DefaultTransferMode binary` gives BINARY); without the directive the
/// type stays as it was (ASCII unless TYPE changed it).
pub fn pass_post(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.session.authenticated {
        if let Some(mode) = ctx.session.get(&DEFAULT_TRANSFER_MODE).copied() {
            ctx.session.transfer_type = mode;
        }
    }
    ModRet::Declined
}
