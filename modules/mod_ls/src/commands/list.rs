//! LIST [options] [path] (RFC 959 §4.1.3): an ls -l style listing over
//! the data connection.
//!
//! 1.3.8's order, measured: options are parsed, the data connection is
//! opened and `150` sent, and only then is the path checked, so a missing
//! path gets `150` then `450 <path>: No such file or directory`.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::common::{self, DataConn, LsState};
use crate::engine::Engine;
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

    let names = std::mem::take(&mut ctx.session.names);
    let cwd = ctx.session.cwd.clone();
    let env = common::env(ctx.session, &cwd, &names, lo);
    let mut conn = DataConn {
        session: &mut *ctx.session,
        host: &mut *ctx.host,
        opened: false,
        end: None,
    };
    let (outcome, flags_after) = {
        let mut engine = Engine::new(&env, flags, Some(&mut conn));
        let outcome = match &target {
            Some(t) => engine.list_target(t, &rest),
            None => engine.list_cwd(),
        };
        (outcome, engine.flags)
    };
    let (opened, end) = (conn.opened, conn.end.take());
    drop(env);
    ctx.session.names = names;
    let mut sticky = flags_after;
    sticky.l = false;
    ctx.session.state::<LsState>().flags = sticky;
    common::finish(ctx, outcome, opened, end)
}
