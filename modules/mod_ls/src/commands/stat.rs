//! STAT (RFC 959 §4.1.3): without an argument the session's status;
//! with a path an `ls -la` style listing on the control connection:
//! `213-Status of <path>:` for a file, `212-` for a directory (which shows
//! `.` and `..`, measured on 1.3.8), one continuation line per entry, then
//! `21x End of status`; a missing path is `450 <path>: <strerror>`.
//!
//! As on 1.3.8 the client's option word is skipped, not applied, but the
//! flags a previous LIST left (`-n`, `-h`, `-1`...) still apply.

use proftpd_api::module::ModRet;
use proftpd_api::session::{CmdCtx, TransferType};

use mod_core::keys::SERVER_NAME;

use super::common::{self, LsState};
use crate::engine::Engine;
use crate::keys::SHOW_SYMLINKS;
use crate::list::Outcome;
use crate::opts::{Verb, is_space};

pub fn stat(ctx: &mut CmdCtx<'_>) -> ModRet {
    if !ctx.cmd.args().is_empty() {
        return stat_path(ctx);
    }
    let s = &*ctx.session;
    let name = s
        .server_get(&SERVER_NAME)
        .cloned()
        .unwrap_or_else(|| mod_core::DEFAULT_SERVER_NAME.to_string());
    let mut lines = vec![
        format!("Status of '{name}'"),
        format!("Connected from {} ({})", s.peer_name, s.peer_ip()),
    ];
    if let Some(user) = &s.user {
        lines.push(format!("Logged in as {user}"));
    }
    let ty = match s.transfer_type {
        TransferType::Ascii => "ASCII",
        TransferType::Binary => "BINARY",
    };
    lines.push(format!("TYPE: {ty}, STRUcture: File, Mode: Stream"));
    lines.push("No data connection".to_string());
    lines.push("End of status".to_string());
    for l in lines {
        ctx.reply(211, l);
    }
    ModRet::Handled
}

/// `STAT <path>`.
fn stat_path(ctx: &mut CmdCtx<'_>) -> ModRet {
    let raw = ctx.cmd.arg.clone();
    let mut i = 0;
    if raw.first() == Some(&b'-') {
        while i < raw.len() && !is_space(raw[i]) {
            i += 1;
        }
    }
    while i < raw.len() && is_space(raw[i]) {
        i += 1;
    }
    let path: Vec<u8> = if i < raw.len() {
        raw[i..].to_vec()
    } else {
        b".".to_vec()
    };

    let lo = common::list_options_for(ctx.session, Verb::Stat);
    let show = ctx.session.get(&SHOW_SYMLINKS).copied().unwrap_or(true);
    let fs = proftpd_api::path::fs_path(&proftpd_api::path::join(&ctx.session.cwd, &path));
    let st = if show {
        crate::fsx::lstat(&fs)
    } else {
        crate::fsx::stat(&fs)
    };
    let st = match st {
        Ok(st) => st,
        Err(e) => {
            ctx.reply_err(
                450,
                proftpd_api::reply::path_reason(&path, &crate::fsx::errno_text(e)),
            );
            return ModRet::Error;
        }
    };
    let code = if st.is_dir() { 212 } else { 213 };

    let mut flags = ctx.session.state::<LsState>().flags;
    flags.big_c = false;
    flags.d = false;
    flags.big_f = false;
    flags.big_r = false;
    flags.a = true;
    flags.l = true;
    flags.stat = true;
    let words = ctx.cmd.args().len();
    let with_options = common::has_options(ctx.session, words, &path);
    let off = common::parse_options(&mut flags, Verb::Stat, &path, with_options, lo.as_ref());
    let target = path[off..].to_vec();

    let names = std::mem::take(&mut ctx.session.names);
    let cwd = ctx.session.cwd.clone();
    let env = common::env(ctx.session, &cwd, &names, lo);
    let (outcome, lines, flags_after) = {
        let mut engine = Engine::new(&env, flags, None);
        let outcome = if target.is_empty() {
            engine.list_cwd()
        } else {
            engine.list_target(&target, &target)
        };
        let lines = std::mem::take(&mut engine.stat_lines);
        (outcome, lines, engine.flags)
    };
    drop(env);
    ctx.session.names = names;
    ctx.session.state::<LsState>().flags = flags_after;
    match outcome {
        Outcome::Fail450(text) => {
            ctx.reply_err(450, text);
            ModRet::Error
        }
        Outcome::Done { notes } => {
            let mut head = b"Status of ".to_vec();
            head.extend_from_slice(&path);
            head.push(b':');
            ctx.reply(code, head);
            for l in lines {
                ctx.reply(code, l);
            }
            for n in notes {
                ctx.reply(226, n);
            }
            ctx.reply(code, "End of status");
            ModRet::Handled
        }
        Outcome::OpenFailed(_) | Outcome::XferFailed => ModRet::Error,
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{run, session};
    use proftpd_api::session::TransferType;

    #[test]
    fn status_block() {
        let mut s = session();
        assert_eq!(
            run(&mut s, super::stat, "STAT").1,
            "211-Status of 'ProFTPD'\r\n Connected from 127.0.0.1 (127.0.0.1)\r\n \
             Logged in as tester\r\n TYPE: ASCII, STRUcture: File, Mode: Stream\r\n \
             No data connection\r\n211 End of status\r\n"
        );
        s.transfer_type = TransferType::Binary;
        assert!(
            run(&mut s, super::stat, "STAT")
                .1
                .contains(" TYPE: BINARY,")
        );
    }
}
