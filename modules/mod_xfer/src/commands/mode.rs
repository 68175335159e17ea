//! MODE (RFC 959 §4.1.2, §3.4): transfer mode. Only S (stream) is
//! supported; B and C are known but refused, Z belongs to mod_deflate.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

pub fn mode(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    if args.len() != 1 {
        ctx.reply_err(501, "'MODE' not understood");
        return ModRet::Error;
    }
    let raw = String::from_utf8_lossy(args[0]).into_owned();
    match raw.to_ascii_uppercase().as_str() {
        "S" => {
            ctx.reply(200, "Mode set to S");
            ModRet::Handled
        }
        "B" | "C" => {
            ctx.reply_err(504, format!("'MODE {raw}' unsupported transfer mode"));
            ModRet::Error
        }
        _ => {
            ctx.reply_err(501, format!("'MODE {raw}' unrecognized transfer mode"));
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
            ("MODE S", "200 Mode set to S\r\n"),
            ("MODE s", "200 Mode set to S\r\n"),
            ("MODE B", "504 'MODE B' unsupported transfer mode\r\n"),
            ("MODE Z", "501 'MODE Z' unrecognized transfer mode\r\n"),
            ("MODE x", "501 'MODE x' unrecognized transfer mode\r\n"),
            ("MODE", "501 'MODE' not understood\r\n"),
        ];
        for (line, want) in table {
            let mut s = session();
            assert_eq!(run(&mut s, super::mode, line).1, *want, "{line}");
        }
    }
}
