//! RETR (RFC 959 §4.1.3; RANG: draft-bryan-ftp-range): send a file.
//!
//! Measured on 1.3.8: the 150 names the argument as sent and the bytes
//! left to send (` (1 byte)`, nothing when 0); a REST/RANG offset past the
//! end is `554 REST: invalid <f> argument` (`RANG: ...`), equal to the
//! size is allowed; a RANG whose end passes the end of the file is
//! `554 <f>: invalid RANG argument` (only checked with a non-zero start);
//! `MaxRetrieveFileSize` is enforced after the 150, as
//! `426 Transfer aborted. Operation not permitted`; the REST/RANG setting
//! is used up by any RETR, even one that fails.

use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use proftpd_api::data::{DataSource, Direction};
use proftpd_api::module::ModRet;
use proftpd_api::path::{fs_path, resolve};
use proftpd_api::reply::{errno_text, path_reason};
use proftpd_api::session::CmdCtx;

use super::transfer::{
    LogInfo, effective_pos, fail_550, finish, log_failed, missing_arg, open_data, opening_text,
    options, send_now, size_limit,
};
use crate::keys::{ALLOW_RETRIEVE_RESTART, MAX_RETRIEVE_FILE_SIZE};
use crate::state::XferState;
use crate::xferlog::{Way, log_path};

/// Why a file cannot be sent.
pub enum OpenError {
    /// `550 <f>: Not a regular file`.
    NotRegular,
    /// `550 <f>: <strerror>`.
    Io(std::io::Error),
}

/// Opens `path` for reading if it is a regular file. Symlinks are followed
/// (as 1.3.8 does; inside a chroot the kernel keeps them in the root).
/// `O_NONBLOCK` keeps a FIFO swapped in after the check from blocking the
/// open; it changes nothing for regular files.
///
/// A dangling symlink is `Not a regular file`, not ENOENT (measured on
/// 1.3.8 with a link out of the chroot).
pub fn open_regular(path: &Path) -> Result<File, OpenError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) => {
            log::debug!("{}: dangling symlink: {e}", path.display());
            return Err(OpenError::NotRegular);
        }
        Err(e) => return Err(OpenError::Io(e)),
    };
    if !meta.is_file() {
        return Err(OpenError::NotRegular);
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOCTTY)
        .open(path)
        .map_err(OpenError::Io)?;
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        Ok(_) => Err(OpenError::NotRegular),
        Err(e) => Err(OpenError::Io(e)),
    }
}

pub fn retr(ctx: &mut CmdCtx<'_>) -> ModRet {
    let ret = send_file(ctx);
    if ret == ModRet::Error {
        // A failed RETR forgets the pending PASV/PORT (measured on 1.3.8:
        // the next RETR gets a 425).
        ctx.host.data_clear();
    }
    ret
}

fn send_file(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.cmd.args().is_empty() {
        return missing_arg(ctx);
    }
    let restart = ctx.session.state::<XferState>().take_restart();
    let shown = ctx.cmd.arg.clone();
    let virt = resolve(ctx.session, &shown);
    let file = match open_regular(&fs_path(&virt)) {
        Ok(f) => f,
        Err(OpenError::NotRegular) => return fail_550(ctx, &shown, "Not a regular file"),
        Err(OpenError::Io(e)) => return fail_550(ctx, &shown, &errno_text(&e)),
    };
    let size = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return fail_550(ctx, &shown, &errno_text(&e)),
    };
    let pos = effective_pos(restart.pos);
    if pos > 0 {
        if !ctx
            .session
            .get(&ALLOW_RETRIEVE_RESTART)
            .copied()
            .unwrap_or(true)
        {
            ctx.reply_err(451, path_reason(&shown, "Restart not permitted, try again"));
            return ModRet::Error;
        }
        if pos > size {
            let mut t = format!("{}: invalid ", restart.verb()).into_bytes();
            t.extend_from_slice(&shown);
            t.extend_from_slice(b" argument");
            ctx.reply_err(554, t);
            return ModRet::Error;
        }
        if restart.range_len > 0 && pos.saturating_add(restart.range_len) > size {
            ctx.reply_err(554, path_reason(&shown, "invalid RANG argument"));
            return ModRet::Error;
        }
    }
    let left = size - pos;
    let (len, to_send) = if restart.range_len > 0 {
        let n = restart.range_len.min(left);
        (Some(n), n)
    } else {
        (None, left)
    };
    let info_path = log_path(ctx.session, &virt);
    let info = LogInfo {
        real_path: &info_path,
        way: Way::Out,
    };
    if !open_data(ctx, Direction::Send) {
        log_failed(ctx.session, &info);
        return ModRet::Error;
    }
    let text = opening_text(ctx.session, &shown, to_send);
    send_now(ctx, 150, text);
    if size_limit(ctx.session, &MAX_RETRIEVE_FILE_SIZE).is_some_and(|max| size > max) {
        ctx.host.data_close();
        log_failed(ctx.session, &info);
        ctx.reply_err(426, "Transfer aborted. Operation not permitted");
        return ModRet::Error;
    }
    let opts = options(ctx.session, "RETR");
    let outcome = ctx.host.data_write(
        ctx.session,
        DataSource::File {
            file: &file,
            offset: pos,
            len,
        },
        &opts,
    );
    finish(ctx, &outcome, &info, |end| end.reply())
}
