//! MFMT (draft-somers-ftp-mfxx §3): set a file's modification time.
//!
//! `MFMT YYYYMMDDHHMMSS[.sss] <path>` answers `213 Modify=<ts>; <path>`
//! (the timestamp as used: cut at any `.`). Errors, as 1.3.8: fewer than
//! two words `501 Invalid number of parameters`; a timestamp shorter than
//! 14 bytes `501 <ts>: Invalid argument`; a field out of range
//! `501 <path>: Invalid argument`; the file system's refusal
//! `550 <path>: <errno>` for ENOENT, else `501 <path>: <errno>`.

use proftpd_api::module::ModRet;
use proftpd_api::path::{chroot_guard, join};
use proftpd_api::reply::{errno_text, path_reason};
use proftpd_api::session::CmdCtx;

use super::{BAD_PARAM_COUNT, parse_timestamp, path_after_first_word, set_mtime};

/// The shortest timestamp accepted.
pub const STAMP_LEN: usize = 14;

/// A timestamp cut at its first `.` (sub-second precision is ignored).
pub fn cut_fraction(ts: &[u8]) -> &[u8] {
    ts.iter().position(|&b| b == b'.').map_or(ts, |i| &ts[..i])
}

/// The reply of a failed time change: ENOENT is 550, the rest 501.
pub fn fs_failure(path: &[u8], e: &std::io::Error) -> (u16, Vec<u8>) {
    let code = if e.raw_os_error() == Some(nix::libc::ENOENT) {
        550
    } else {
        501
    };
    (code, path_reason(path, &errno_text(e)))
}

pub fn einval() -> std::io::Error {
    std::io::Error::from_raw_os_error(nix::libc::EINVAL)
}

pub fn mfmt(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    if args.len() < 2 {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let ts = args[0].to_vec();
    let Some(path) = path_after_first_word(&ctx.cmd.arg).map(<[u8]>::to_vec) else {
        ctx.reply_err(501, "Invalid command syntax");
        return ModRet::Error;
    };
    if ts.len() < STAMP_LEN {
        ctx.reply_err(501, path_reason(&ts, &errno_text(&einval())));
        return ModRet::Error;
    }
    let used = cut_fraction(&ts);
    let result = match parse_timestamp(used) {
        Some(secs) => {
            let target = join(&ctx.session.cwd, &path);
            chroot_guard(ctx.session, &target).and_then(|()| set_mtime(&target, secs))
        }
        None => Err(einval()),
    };
    if let Err(e) = result {
        let (code, text) = fs_failure(&path, &e);
        ctx.reply_err(code, text);
        return ModRet::Error;
    }
    let mut text = b"Modify=".to_vec();
    text.extend_from_slice(used);
    text.extend_from_slice(b"; ");
    text.extend_from_slice(&path);
    ctx.reply(213, text);
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{Fixture, run};

    #[test]
    fn sets_and_reports() {
        let fx = Fixture::new("mfmt");
        let mut s = fx.session();
        let table: &[(&str, &str)] = &[
            ("MFMT", "501 Invalid number of parameters\r\n"),
            (
                "MFMT 20200101000000",
                "501 Invalid number of parameters\r\n",
            ),
            ("MFMT 2020 file.txt", "501 2020: Invalid argument\r\n"),
            (
                "MFMT 20200101000000 file.txt",
                "213 Modify=20200101000000; file.txt\r\n",
            ),
            (
                "MFMT 20200101000000.123 file.txt",
                "213 Modify=20200101000000; file.txt\r\n",
            ),
            (
                "MFMT 20201301000000 file.txt",
                "501 file.txt: Invalid argument\r\n",
            ),
            (
                "MFMT 19690101000000 file.txt",
                "501 file.txt: Invalid argument\r\n",
            ),
            (
                "MFMT 2020010100000x file.txt",
                "213 Modify=2020010100000x; file.txt\r\n",
            ),
            (
                "MFMT abcdefghijklmn file.txt",
                "501 file.txt: Invalid argument\r\n",
            ),
            (
                "MFMT 20200101000000 nope",
                "550 nope: No such file or directory\r\n",
            ),
            (
                "MFMT 20200101000000 sp ace",
                "213 Modify=20200101000000; sp ace\r\n",
            ),
            (
                "MFMT 20200101000000  file.txt",
                "550  file.txt: No such file or directory\r\n",
            ),
            (
                "MFMT 2020.0101000000 file.txt",
                "501 file.txt: Invalid argument\r\n",
            ),
            (
                "MFMT 20200230246060 file.txt",
                "213 Modify=20200230246060; file.txt\r\n",
            ),
        ];
        for (line, want) in table {
            assert_eq!(run(&mut s, super::mfmt, line), *want, "{line}");
        }
        assert_eq!(fx.mtime("file.txt"), 1_583_110_860);
        assert_eq!(fx.mtime("sp ace"), 1_577_836_800);
    }
}
