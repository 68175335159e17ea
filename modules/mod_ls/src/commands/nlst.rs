//! NLST [options] [path] (RFC 959 §4.1.3): names only, over the data
//! connection.
//!
//! Unlike LIST, 1.3.8 checks the path before it opens the data
//! connection: a missing path gets `450 <arg>: No such file or directory`
//! (the whole argument, options included) and no `150`; a glob without
//! matches gets `450 No files found`.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::common::{self, LsState};
use crate::opts::Verb;

pub fn nlst(ctx: &mut CmdCtx<'_>) -> ModRet {
    let lo = common::list_options_for(ctx.session, Verb::Nlst);
    let mut flags = ctx.session.state::<LsState>().flags;
    flags.clear_for_nlst();
    let arg = ctx.cmd.arg.clone();
    let words = ctx.cmd.args().len();
    let first: &[u8] = if words == 0 { b"." } else { &arg };
    let with_options = common::has_options(ctx.session, words, first);
    let off = common::parse_options(&mut flags, Verb::Nlst, first, with_options, lo.as_ref());
    let mut target = first[off..].to_vec();
    if target.is_empty() {
        target = b".".to_vec();
    }
    if let Some(t) = common::expand_tilde(ctx.session, ctx.host, &target) {
        target = t;
    }

    let (outcome, flags_after, opened, end) =
        common::list_over_data(ctx, lo, flags, |engine| engine.nlst(&target, &arg));
    ctx.session.state::<LsState>().flags = flags_after;
    common::finish(ctx, outcome, opened, end)
}
