//! ABOR (RFC 959 §4.1.3; spec commands.md §3).
//!
//! While a transfer runs, the runtime reads the control connection and
//! dispatches ABOR here: `data_abort` closes the data connection and sends
//! the transfer's 426 at once, and this handler's `226 Abort successful`
//! follows. Without a transfer only the 226 is sent (a pending PASV/PORT
//! is forgotten). Measured on 1.3.8: ABOR keeps a pending REST or RANG
//! (the next RETR still starts at the offset), and any argument is
//! `500 'ABOR <args>' not understood`.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::rest::not_understood;

pub fn abor(ctx: &mut CmdCtx<'_>) -> ModRet {
    if !ctx.cmd.args().is_empty() {
        return not_understood(ctx);
    }
    ctx.host.data_abort();
    ctx.reply(226, "Abort successful");
    ModRet::Handled
}
