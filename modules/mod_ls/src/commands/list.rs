//! LIST [options] [path] (RFC 959 §4.1.3): an ls -l style listing over
//! the data connection.
//!
//! 1.3.8's order, measured: options are parsed, the data connection is
//! opened and `150` sent, and only then is the path checked, so a missing
//! path gets `150` then `450 <path>: No such file or directory`.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::common::{self, LsState};
use crate::opts::Verb;

pub fn list(ctx: &mut CmdCtx<'_>) -> ModRet {
    let lo = common::list_options_for(ctx.session, Verb::List);
    let mut flags = ctx.session.state::<LsState>().flags;
    flags.l = true;
    flags.clear_for_list();
    let arg = ctx.cmd.arg.clone();
    let words = ctx.cmd.args().len();
    let with_options = common::has_options(ctx.session, words, &arg);
    let off = common::parse_options(&mut flags, Verb::List, &arg, with_options, lo.as_ref());
    let rest = arg[off..].to_vec();
    let target = if rest.is_empty() {
        None
    } else {
        Some(common::expand_tilde(ctx.session, ctx.host, &rest).unwrap_or_else(|| rest.clone()))
    };

    let (outcome, mut sticky, opened, end) =
        common::list_over_data(ctx, lo, flags, |engine| match &target {
            Some(t) => engine.list_target(t, &rest),
            None => engine.list_cwd(),
        });
    sticky.l = false;
    ctx.session.state::<LsState>().flags = sticky;
    common::finish(ctx, outcome, opened, end)
}
