//! MODE (RFC 959 §4.1.2, §3.4): transfer mode. Only S (stream) is
//! supported; B and C are known but refused, Z belongs to mod_deflate.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::{LetterSetting, letter_setting};

pub fn mode(ctx: &mut CmdCtx<'_>) -> ModRet {
    letter_setting(
        ctx,
        &LetterSetting {
            verb: "MODE",
            supported: "S",
            set_text: "Mode set to S",
            unsupported: &["B", "C"],
            what: "transfer mode",
        },
    )
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
