//! STRU (RFC 959 §4.1.2, §3.1.2): file structure. Only F is supported.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

pub fn stru(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    if args.len() != 1 {
        ctx.reply_err(501, "'STRU' not understood");
        return ModRet::Error;
    }
    let raw = String::from_utf8_lossy(args[0]).into_owned();
    match raw.to_ascii_uppercase().as_str() {
        "F" => {
            ctx.reply(200, "Structure set to F");
            ModRet::Handled
        }
        "R" | "P" => {
            ctx.reply_err(504, format!("'STRU {raw}' unsupported structure type"));
            ModRet::Error
        }
        _ => {
            ctx.reply_err(501, format!("'STRU {raw}' unrecognized structure type"));
            ModRet::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{run, session};

    #[test]
    fn table() {
        let table: &[(&str, &str)] = &[
            ("STRU F", "200 Structure set to F\r\n"),
            ("STRU f", "200 Structure set to F\r\n"),
            ("STRU R", "504 'STRU R' unsupported structure type\r\n"),
            ("STRU x", "501 'STRU x' unrecognized structure type\r\n"),
            ("STRU", "501 'STRU' not understood\r\n"),
        ];
        for (line, want) in table {
            let mut s = session();
            assert_eq!(run(&mut s, super::stru, line).1, *want, "{line}");
        }
    }
}
