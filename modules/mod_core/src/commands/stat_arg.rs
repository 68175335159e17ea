//! What SIZE and MDTM share: the stat(2) of the file the client named,
//! symlinks followed, with errors worded as 1.3.8 words them.

use std::fs::Metadata;
use std::io;

use proftpd_api::session::{CmdCtx, Session};

use super::{errno_text, path_reason};

use super::path::{fs_path, resolve};

/// `ENOTDIR` and `ENOENT` on Linux.
const ENOTDIR: i32 = 20;
const ENOENT: i32 = 2;

/// stat(2) of `arg` resolved against the session's directory.
///
/// 1.3.8 resolves the name itself before its stat and reports a path
/// through a file as missing (measured: `SIZE f.txt/x` answers `550
/// f.txt/x: No such file or directory`, not `Not a directory`), so ENOTDIR
/// reads ENOENT here.
pub fn stat_arg(session: &Session, arg: &[u8]) -> io::Result<Metadata> {
    let virt = resolve(session, arg);
    std::fs::metadata(fs_path(&virt)).map_err(|e| match e.raw_os_error() {
        Some(ENOTDIR) => io::Error::from_raw_os_error(ENOENT),
        _ => e,
    })
}

/// [`stat_arg`] of the command's argument, which must be a regular file:
/// a stat error or anything else is queued as `550 <arg>: <reason>`
/// (`not_file` is the reason for a non-file) and gives `None`.
pub fn stat_file_arg(ctx: &mut CmdCtx<'_>, not_file: &str) -> Option<Metadata> {
    let arg = &ctx.cmd.arg;
    let text = match stat_arg(ctx.session, arg) {
        Ok(m) if m.is_file() => return Some(m),
        Ok(_) => path_reason(arg, not_file),
        Err(e) => path_reason(arg, &errno_text(&e)),
    };
    ctx.reply_err(550, text);
    None
}
