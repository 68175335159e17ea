//! REST (RFC 3659 §5, stream mode): the offset of the next transfer.
//!
//! Measured on 1.3.8: the number is read like C's `strtoull` (a leading
//! `+` is fine, an overflow saturates at 18446744073709551615), anything
//! else, a sign `-` included, is `501 REST requires a value greater than
//! or equal to 0`; a non-zero offset in TYPE A is refused; no argument or
//! more than one is `500 'REST ...' not understood`. The offset applies to
//! the next RETR/STOR/APPE only; ABOR does not clear it.

use proftpd_api::module::ModRet;
use proftpd_api::session::{CmdCtx, TransferType};

use crate::state::XferState;

/// A non-negative decimal number as `strtoull` reads it, saturating;
/// `None` for a sign `-`, no digits, or trailing bytes.
pub fn parse_offset(raw: &[u8]) -> Option<u64> {
    let digits = raw.strip_prefix(b"+").unwrap_or(raw);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0u64, |n, &d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

/// `500 '<VERB> <args>' not understood`, with the words as 1.3.8 rejoins
/// them.
pub fn not_understood(ctx: &mut CmdCtx<'_>) -> ModRet {
    let mut t = b"'".to_vec();
    t.extend_from_slice(ctx.cmd.verb.as_bytes());
    for a in ctx.cmd.args() {
        t.push(b' ');
        t.extend_from_slice(a);
    }
    t.extend_from_slice(b"' not understood");
    ctx.reply_err(500, t);
    ModRet::Error
}

pub fn rest(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    if args.len() != 1 {
        return not_understood(ctx);
    }
    let Some(n) = parse_offset(args[0]) else {
        ctx.reply_err(501, "REST requires a value greater than or equal to 0");
        return ModRet::Error;
    };
    if n != 0 && ctx.session.transfer_type == TransferType::Ascii {
        ctx.reply_err(501, "REST: Resuming transfers not allowed in ASCII mode");
        return ModRet::Error;
    }
    let st = ctx.session.state::<XferState>();
    st.restart = n;
    st.range_len = 0;
    ctx.reply(
        350,
        format!("Restarting at {n}. Send STORE or RETRIEVE to initiate transfer"),
    );
    ModRet::Handled
}
