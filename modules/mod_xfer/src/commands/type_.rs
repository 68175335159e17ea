//! TYPE (RFC 959 §4.1.2, §3.1.1): the representation type.
//!
//! ProFTPD 1.3.8 echoes the first argument exactly as sent (`TYPE i` →
//! `200 Type set to i`), accepts any second word after `A` or `I`
//! (`A N`, `A T`, `A C`, `I X`), wants `L 7` or `L 8`, and refuses three or
//! more words with `500 'TYPE <args>' not understood` (all observed).

use proftpd_api::module::ModRet;
use proftpd_api::session::{CmdCtx, TransferType};

pub fn type_(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    if args.is_empty() || args.len() > 2 {
        let shown = if args.is_empty() {
            "TYPE".to_string()
        } else {
            format!("TYPE {}", ctx.cmd.arg_str())
        };
        ctx.reply_err(500, format!("'{shown}' not understood"));
        return ModRet::Error;
    }
    let first = String::from_utf8_lossy(args[0]).into_owned();
    let second = args.get(1).map(|a| String::from_utf8_lossy(a).into_owned());
    let chosen = match (first.to_ascii_uppercase().as_str(), second.as_deref()) {
        ("A", _) => Some(TransferType::Ascii),
        ("I", _) => Some(TransferType::Binary),
        ("L", Some("8")) => Some(TransferType::Binary),
        ("L", Some("7")) => Some(TransferType::Ascii),
        _ => None,
    };
    let Some(t) = chosen else {
        ctx.reply_err(504, format!("TYPE not implemented for '{first}' parameter"));
        return ModRet::Error;
    };
    ctx.session.transfer_type = t;
    if !ctx.session.authenticated {
        ctx.session.type_set_before_login = true;
    }
    ctx.reply(200, format!("Type set to {first}"));
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::testutil::{run, session};
    use proftpd_api::session::TransferType;

    #[test]
    fn table() {
        let table: &[(&str, &str)] = &[
            ("TYPE i", "200 Type set to i\r\n"),
            ("TYPE I X", "200 Type set to I\r\n"),
            ("TYPE A N", "200 Type set to A\r\n"),
            ("TYPE A T", "200 Type set to A\r\n"),
            ("TYPE L 8", "200 Type set to L\r\n"),
            ("TYPE l 7", "200 Type set to l\r\n"),
            ("TYPE", "500 'TYPE' not understood\r\n"),
            ("TYPE A N X", "500 'TYPE A N X' not understood\r\n"),
            ("TYPE E", "504 TYPE not implemented for 'E' parameter\r\n"),
            ("TYPE L", "504 TYPE not implemented for 'L' parameter\r\n"),
            ("TYPE L 9", "504 TYPE not implemented for 'L' parameter\r\n"),
            ("TYPE x", "504 TYPE not implemented for 'x' parameter\r\n"),
        ];
        for (line, want) in table {
            let mut s = session();
            assert_eq!(run(&mut s, super::type_, line).1, *want, "{line}");
        }
    }

    #[test]
    fn sets_the_type_and_remembers_pre_login() {
        let mut s = session();
        s.authenticated = false;
        run(&mut s, super::type_, "TYPE I");
        assert_eq!(s.transfer_type, TransferType::Binary);
        assert!(s.type_set_before_login);
        run(&mut s, super::type_, "TYPE A");
        assert_eq!(s.transfer_type, TransferType::Ascii);
    }
}
