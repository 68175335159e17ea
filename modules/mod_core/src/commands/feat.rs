//! FEAT (RFC 2389 §3): the extensions this session offers.
//!
//! Modules add their lines to `session.features` in `sess_init`; the set is
//! kept sorted (byte order, as ProFTPD's `strcmp` sort) by its type.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::BAD_PARAM_COUNT;

pub fn feat(ctx: &mut CmdCtx<'_>) -> ModRet {
    if !ctx.cmd.args().is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    if ctx.session.features.is_empty() {
        ctx.reply(211, "No features supported");
        return ModRet::Handled;
    }
    let lines: Vec<String> = ctx.session.features.iter().cloned().collect();
    ctx.reply(211, "Features:");
    for f in lines {
        ctx.reply(211, f);
    }
    ctx.reply(211, "End");
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn lists_sorted_features() {
        let mut s = session();
        s.features.insert("CSID".into());
        s.features.insert("CLNT".into());
        s.features.insert("MDTM".into());
        assert_eq!(
            run(&mut s, super::feat, "FEAT").1,
            "211-Features:\r\n CLNT\r\n CSID\r\n MDTM\r\n211 End\r\n"
        );
    }

    #[test]
    fn empty_and_args() {
        let mut s = session();
        assert_eq!(
            run(&mut s, super::feat, "FEAT").1,
            "211 No features supported\r\n"
        );
        assert_eq!(
            run(&mut s, super::feat, "FEAT x").1,
            "501 Invalid number of parameters\r\n"
        );
    }
}
