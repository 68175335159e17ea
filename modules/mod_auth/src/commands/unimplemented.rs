//! ACCT and REIN (RFC 959 §4.1.1): not implemented, as in ProFTPD.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

pub fn acct(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.reply_err(502, "ACCT command not implemented");
    ModRet::Error
}

pub fn rein(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.reply_err(502, "REIN command not implemented");
    ModRet::Error
}
