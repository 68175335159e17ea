//! SMNT (RFC 959 §4.1.1): structure mount. Not implemented, as in
//! ProFTPD: after login every form (`SMNT`, `SMNT x`, `smnt x y`) is
//! `502 SMNT command not implemented`, before it `530` (probed on 1.3.8).
//! HELP lists it as `SMNT*`.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

pub fn smnt(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.reply_err(502, "SMNT command not implemented");
    ModRet::Error
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn is_not_implemented() {
        let mut s = session();
        for line in ["SMNT", "SMNT x", "smnt x y"] {
            assert_eq!(
                run(&mut s, super::smnt, line).1,
                "502 SMNT command not implemented\r\n",
                "{line}"
            );
        }
    }
}
