//! MDTM path (RFC 3659 §3): `213 YYYYMMDDHHMMSS`, the modification time of
//! a regular file, always in UTC (RFC 3659 wants UTC; `TimesGMT` only
//! affects listings). Symlinks are followed; anything but a regular file
//! is `550 <path>: not a plain file` (1.3.8's text, unlike SIZE's).
//! 1.3.8 does not set times with MDTM: `MDTM <time> <path>` names a file
//! called `<time> <path>`.

use std::os::unix::fs::MetadataExt;

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;
use proftpd_api::time::utc_stamp;

use super::BAD_PARAM_COUNT;
use super::stat_arg::stat_file_arg;

pub fn mdtm(ctx: &mut CmdCtx<'_>) -> ModRet {
    if super::words(ctx.cmd).is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let Some(m) = stat_file_arg(ctx, "not a plain file") else {
        return ModRet::Error;
    };
    ctx.reply(213, utc_stamp(m.mtime()));
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use super::utc_stamp;
    use crate::commands::testutil::{run, session};

    #[test]
    fn timestamps() {
        let table: &[(i64, &str)] = &[
            (0, "19700101000000"),
            (1_000_000_000, "20010909014640"),
            (951_782_400, "20000229000000"),
            (4_102_444_799, "20991231235959"),
            (4_107_542_399, "21000228235959"),
            (-1, "19691231235959"),
            (-2_208_988_800, "19000101000000"),
            (253_402_300_799, "99991231235959"),
        ];
        for (secs, want) in table {
            assert_eq!(utc_stamp(*secs), *want, "{secs}");
        }
        // Far-off values still format (no panic, no overflow).
        let _ = utc_stamp(i64::MAX);
        let _ = utc_stamp(i64::MIN);
    }

    #[test]
    fn replies() {
        let dir = std::env::temp_dir().join(format!("mod_core_mdtm_{}", std::process::id()));
        std::fs::create_dir_all(dir.join("d")).expect("create test dir");
        let f = dir.join("f");
        std::fs::write(&f, b"x").expect("create test file");
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        std::fs::File::options()
            .write(true)
            .open(&f)
            .and_then(|h| h.set_modified(when))
            .expect("set mtime");
        std::os::unix::fs::symlink("f", dir.join("lnk")).expect("symlink");
        let mut s = session();
        s.cwd = dir.to_string_lossy().into_owned().into_bytes();
        let cases = [
            ("MDTM f", "213 20010909014640"),
            ("mdtm lnk", "213 20010909014640"),
            ("MDTM d", "550 d: not a plain file"),
            ("MDTM /", "550 /: not a plain file"),
            ("MDTM nope", "550 nope: No such file or directory"),
            ("MDTM f/x", "550 f/x: No such file or directory"),
            (
                "MDTM 20200101000000 f",
                "550 20200101000000 f: No such file or directory",
            ),
            ("MDTM", "501 Invalid number of parameters"),
            ("MDTM  ", "501 Invalid number of parameters"),
        ];
        for (line, want) in cases {
            assert_eq!(
                run(&mut s, super::mdtm, line).1,
                format!("{want}\r\n"),
                "{line}"
            );
        }
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
