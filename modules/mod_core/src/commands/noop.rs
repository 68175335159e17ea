//! NOOP (RFC 959 §4.1.3): does nothing but answer; arguments are ignored.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

pub fn noop(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.reply(200, "NOOP command successful");
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn replies_200() {
        let mut s = session();
        assert_eq!(
            run(&mut s, super::noop, "NOOP x").1,
            "200 NOOP command successful\r\n"
        );
    }
}
