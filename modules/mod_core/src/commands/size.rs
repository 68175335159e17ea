//! SIZE path (RFC 3659 §4): `213 <bytes>` for a regular file.
//!
//! Refused in ASCII mode (`550 SIZE not allowed in ASCII mode`): the
//! size on the wire would differ from the file's, and computing it means
//! reading the whole file. The check comes before the path is looked at
//! (observed on 1.3.8: `SIZE nope` in ASCII mode gets the ASCII refusal).
//! Symlinks are followed; anything but a regular file is `550 <path>: not
//! a regular file` (lower case, 1.3.8's text).

use proftpd_api::module::ModRet;
use proftpd_api::session::{CmdCtx, TransferType};

use super::BAD_PARAM_COUNT;
use super::stat_arg::stat_file_arg;

pub fn size(ctx: &mut CmdCtx<'_>) -> ModRet {
    if super::words(ctx.cmd).is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    if ctx.session.transfer_type == TransferType::Ascii {
        let verb = ctx.cmd.verb.clone();
        log::debug!("{verb} not allowed in ASCII mode");
        ctx.reply_err(550, format!("{verb} not allowed in ASCII mode"));
        return ModRet::Error;
    }
    let Some(m) = stat_file_arg(ctx, "not a regular file") else {
        return ModRet::Error;
    };
    ctx.reply(213, m.len().to_string());
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_bytes, session};
    use proftpd_api::session::TransferType;

    #[test]
    fn sizes_regular_files_in_binary_mode() {
        let dir = std::env::temp_dir().join(format!("mod_core_size_{}", std::process::id()));
        std::fs::create_dir_all(dir.join("d")).expect("create test dir");
        std::fs::write(dir.join("f"), b"hello\nworld\n").expect("create test file");
        std::os::unix::fs::symlink("f", dir.join("lnk")).expect("symlink");
        std::os::unix::fs::symlink("nowhere", dir.join("dang")).expect("symlink");
        let mut s = session();
        s.cwd = dir.to_string_lossy().into_owned().into_bytes();
        // Logged-in sessions start in ASCII (DefaultTransferMode).
        for line in ["SIZE f", "SIZE nope", "SIZE d", "size f"] {
            assert_eq!(
                run(&mut s, super::size, line).1,
                "550 SIZE not allowed in ASCII mode\r\n",
                "{line}"
            );
        }
        assert_eq!(
            run(&mut s, super::size, "SIZE").1,
            "501 Invalid number of parameters\r\n"
        );
        assert_eq!(
            run(&mut s, super::size, "SIZE  ").1,
            "501 Invalid number of parameters\r\n"
        );
        s.transfer_type = TransferType::Binary;
        let cases = [
            ("SIZE f", "213 12"),
            ("SIZE lnk", "213 12"),
            ("SIZE f/", "213 12"),
            ("SIZE ./f", "213 12"),
            ("SIZE d", "550 d: not a regular file"),
            ("SIZE d/", "550 d/: not a regular file"),
            ("SIZE /dev/null", "550 /dev/null: not a regular file"),
            ("SIZE nope", "550 nope: No such file or directory"),
            ("SIZE dang", "550 dang: No such file or directory"),
            ("SIZE f/x", "550 f/x: No such file or directory"),
            ("SIZE f x", "550 f x: No such file or directory"),
            ("SIZE  f", "550  f: No such file or directory"),
        ];
        for (line, want) in cases {
            assert_eq!(
                run(&mut s, super::size, line).1,
                format!("{want}\r\n"),
                "{line}"
            );
        }
        assert_eq!(
            run_bytes(&mut s, super::size, b"SIZE n\xff"),
            b"550 n\xff: No such file or directory\r\n"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
