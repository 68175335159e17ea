//! STRU (RFC 959 §4.1.2, §3.1.2): file structure. Only F is supported.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::{LetterSetting, letter_setting};

pub fn stru(ctx: &mut CmdCtx<'_>) -> ModRet {
    letter_setting(
        ctx,
        &LetterSetting {
            verb: "STRU",
            supported: "F",
            set_text: "Structure set to F",
            unsupported: &["R", "P"],
            what: "structure type",
        },
    )
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
