//! RANG (draft-bryan-ftp-range, as 1.3.8 implements it): a byte range
//! `start end` (both inclusive) for the next transfer.
//!
//! Measured on 1.3.8: `RANG 1 0` resets (`350 Reset byte transfer
//! range`), even in TYPE A; numbers read like REST's, but compared as
//! 1.3.8's signed `off_t` (so an end that saturated to 2^64-1 is -1 and
//! "less" than any start); `start > end` is `501 RANG start must be less
//! than end`; in TYPE A any other range is `551 RANG: Transfer ranges not
//! allowed in ASCII mode`. RANG and REST share one setting: the later one
//! wins.

use proftpd_api::module::ModRet;
use proftpd_api::session::{CmdCtx, TransferType};

use super::rest::{not_understood, parse_offset};
use crate::state::XferState;

pub fn rang(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    if args.len() != 2 {
        return not_understood(ctx);
    }
    let (Some(start), Some(end)) = (parse_offset(args[0]), parse_offset(args[1])) else {
        ctx.reply_err(501, "RANG requires a value greater than or equal to 0");
        return ModRet::Error;
    };
    if start == 1 && end == 0 {
        let st = ctx.session.state::<XferState>();
        st.restart = 0;
        st.range_len = 0;
        ctx.reply(350, "Reset byte transfer range");
        return ModRet::Handled;
    }
    // 1.3.8's off_t view of the two numbers.
    let (s, e) = (start as i64, end as i64);
    if s > e {
        ctx.reply_err(501, "RANG start must be less than end");
        return ModRet::Error;
    }
    if ctx.session.transfer_type == TransferType::Ascii {
        ctx.reply_err(551, "RANG: Transfer ranges not allowed in ASCII mode");
        return ModRet::Error;
    }
    let len = e.wrapping_sub(s).wrapping_add(1) as u64;
    let st = ctx.session.state::<XferState>();
    st.restart = start;
    st.range_len = len;
    let unit = if len == 1 { "byte" } else { "bytes" };
    ctx.reply(
        350,
        format!("Transferring byte range of {len} {unit} starting from {start}"),
    );
    ModRet::Handled
}
