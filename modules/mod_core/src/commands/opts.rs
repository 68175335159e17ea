//! OPTS (RFC 2389 §4): options for another command, dispatched to the
//! CMD-phase handler registered as `OPTS_<X>` (as ProFTPD's mod_core does).

use proftpd_api::cmd::Cmd;
use proftpd_api::module::{ModRet, Phase};
use proftpd_api::session::CmdCtx;

use super::BAD_PARAM_COUNT;

/// More arguments than this after OPTS: `550 OPTS: Invalid argument`
/// (observed on 1.3.8: eight pass, nine are refused).
const MAX_OPTS_ARGS: usize = 8;

pub fn opts(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    let Some(first) = args.first() else {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    };
    if args.len() > MAX_OPTS_ARGS {
        ctx.reply_err(550, "OPTS: Invalid argument");
        return ModRet::Error;
    }
    let name = String::from_utf8_lossy(first).to_ascii_uppercase();
    // The sub-command's argument: what follows the option name.
    let rest: Vec<u8> = match ctx.cmd.arg.iter().position(|&b| b == b' ') {
        Some(i) => ctx.cmd.arg[i + 1..].to_vec(),
        None => Vec::new(),
    };
    let sub = Cmd {
        verb: format!("OPTS_{name}"),
        verb_raw: [&b"OPTS_"[..], &first.to_ascii_uppercase()].concat(),
        arg: rest,
        line: ctx.cmd.line.clone(),
    };
    let modules = ctx.session.modules.clone();
    // Highest priority first: the module loaded last.
    for module in modules.iter().rev() {
        for entry in module.commands {
            if entry.phase != Phase::Cmd || entry.command == "*" || !entry.matches(&sub.verb) {
                continue;
            }
            let mut sub_ctx = CmdCtx {
                cmd: &sub,
                session: &mut *ctx.session,
                host: &mut *ctx.host,
            };
            match (entry.handler)(&mut sub_ctx) {
                ModRet::Declined => {}
                other => return other,
            }
        }
    }
    ctx.reply_err(500, sub.not_understood());
    ModRet::Error
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn unknown_option_and_arg_counts() {
        let mut s = session();
        assert_eq!(
            run(&mut s, super::opts, "OPTS").1,
            "501 Invalid number of parameters\r\n"
        );
        assert_eq!(
            run(&mut s, super::opts, "OPTS foo").1,
            "500 OPTS FOO not understood\r\n"
        );
        assert_eq!(
            run(&mut s, super::opts, "OPTS a b c d e f g h").1,
            "500 OPTS A not understood\r\n"
        );
        assert_eq!(
            run(&mut s, super::opts, "OPTS a b c d e f g h i").1,
            "550 OPTS: Invalid argument\r\n"
        );
    }
}
