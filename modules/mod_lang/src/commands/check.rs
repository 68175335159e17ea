//! The path check of `LangOptions RequireValidEncoding`, before any
//! module's handler: a path argument that does not decode from the
//! client's character set into the server's gets
//! `550 <path>: Illegal character sequence in filename`, as 1.3.8's
//! handlers answer (each decodes its own path there; a check here keeps
//! the rule in one place). Only after login: before it these commands
//! answer 530.

use proftpd_api::module::ModRet;
use proftpd_api::session::{CmdCtx, TransferType};

use crate::state;

/// The commands whose whole argument is a path.
const PATH_COMMANDS: &[&str] = &[
    "APPE", "CWD", "DELE", "LIST", "MDTM", "MKD", "MLSD", "MLST", "NLST", "RETR", "RMD", "RNFR",
    "RNTO", "SIZE", "STAT", "STOR", "XCWD", "XMKD", "XRMD",
];
/// The commands whose path follows a first word (MFMT's time, MFF's facts).
const SECOND_WORD_PATH: &[&str] = &["MFF", "MFMT"];

pub fn check_path(ctx: &mut CmdCtx<'_>) -> ModRet {
    if !ctx.session.authenticated || ctx.cmd.arg.is_empty() {
        return ModRet::Declined;
    }
    let verb = ctx.cmd.verb.as_str();
    let path: &[u8] = if PATH_COMMANDS.contains(&verb) {
        // SIZE in ASCII mode is refused for that first.
        if verb == "SIZE" && ctx.session.transfer_type == TransferType::Ascii {
            return ModRet::Declined;
        }
        &ctx.cmd.arg
    } else if SECOND_WORD_PATH.contains(&verb) {
        match ctx.cmd.arg.iter().position(|&b| b == b' ') {
            Some(i) => &ctx.cmd.arg[i + 1..],
            None => return ModRet::Declined,
        }
    } else {
        return ModRet::Declined;
    };
    let path = path.to_vec();
    if state::encoding(ctx.session).decodes(&path) {
        return ModRet::Declined;
    }
    let mut text = path;
    text.extend_from_slice(b": Illegal character sequence in filename");
    ctx.reply_err(550, text);
    ModRet::Error
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};
    use crate::encoding::{Encoding, LangOpts};
    use crate::state;
    use proftpd_api::config::ConfigTree;
    use proftpd_api::module::ModRet;

    #[test]
    fn refuses_undecodable_paths_when_required() {
        let mut s = session(ConfigTree::new());
        s.authenticated = true;
        let strict = LangOpts {
            prefer_server_encoding: false,
            require_valid_encoding: true,
        };
        *state::encoding(&mut s) = Encoding::configured("ansix341968", None, strict);
        let table: &[(&[u8], ModRet, &[u8])] = &[
            (
                b"CWD \xff",
                ModRet::Error,
                b"550 \xff: Illegal character sequence in filename\r\n",
            ),
            (
                b"MKD \xc3\xa9",
                ModRet::Error,
                b"550 \xc3\xa9: Illegal character sequence in filename\r\n",
            ),
            (
                b"MFMT 20200101000000 \xff",
                ModRet::Error,
                b"550 \xff: Illegal character sequence in filename\r\n",
            ),
            (b"CWD plain", ModRet::Declined, b""),
            (b"NOOP \xff", ModRet::Declined, b""),
            (b"SIZE \xff", ModRet::Declined, b""),
        ];
        for (line, ret, want) in table {
            let (r, out) = run(&mut s, super::check_path, line);
            assert_eq!(
                (r, out.as_slice()),
                (*ret, *want),
                "{}",
                line.escape_ascii()
            );
        }
        // OPTS UTF8 OFF turns encoding, and so the check, off.
        state::encoding(&mut s).client = None;
        assert_eq!(
            run(&mut s, super::check_path, b"CWD \xff").0,
            ModRet::Declined
        );
        // Not logged in: the command's own 530 comes first.
        s.authenticated = false;
        state::encoding(&mut s).client = Some("utf8".into());
        assert_eq!(
            run(&mut s, super::check_path, b"CWD \xff").0,
            ModRet::Declined
        );
    }

    #[test]
    fn default_config_checks_nothing() {
        let mut s = session(ConfigTree::new());
        s.authenticated = true;
        assert_eq!(
            run(&mut s, super::check_path, b"CWD \xff\xfe").0,
            ModRet::Declined
        );
    }
}
