//! Command dispatch (ARCHITECTURE §2; ProFTPD's `pr_cmd_dispatch`).
//!
//! Modules are walked in priority order, the reverse of load order. In
//! every phase the wildcard (`*`) handlers of all modules run first, then
//! the handlers registered for the verb, as ProFTPD does:
//! 1. PRE_CMD: every matching handler; the first `Error` fails the command.
//! 2. CMD: the first handler that does not decline decides; when all
//!    decline, `500 <VERB> not understood`.
//! 3. Success: every POST_CMD, then every LOG_CMD handler.
//!    Failure: every POST_CMD_ERR, then every LOG_CMD_ERR handler.
//!
//! A handler flagged `requires_auth` is not called before login: in its
//! place the dispatcher queues `530 Please login with USER and PASS`, and
//! the rest of that handler list (wildcards, or the named handlers) is
//! skipped. In PRE_CMD and CMD this fails the command. The check is made in
//! every phase, so a command whose error phase also has an auth-requiring
//! handler answers 530 twice before login: on 1.3.8 that is RNTO (mod_core's
//! rename cleanup runs in POST_CMD_ERR) and SITE CHMOD/CHGRP (probed over
//! the verbs of `HELP`; every other verb answers once).

use proftpd_api::cmd::Cmd;
use proftpd_api::event::CORE_UNHANDLED_COMMAND;
use proftpd_api::module::{CmdEntry, ModRet, ModuleDef, Phase};
use proftpd_api::reply::ReplyLine;
use proftpd_api::session::{CmdCtx, Session, SessionHost};

/// First words of other protocols: a client speaking them is dropped
/// without a reply (case-sensitive, observed on 1.3.8), with the log line
/// `client sent <PROTO> command '<word>', disconnecting`.
const HTTP_VERBS: &[&[u8]] = &[
    b"CONNECT", b"DELETE", b"GET", b"HEAD", b"OPTIONS", b"PATCH", b"POST", b"PUT",
];
const SMTP_VERBS: &[&[u8]] = &[
    b"DATA", b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"VRFY",
];

/// The protocol a first word belongs to, if it is not FTP.
fn foreign_protocol(first_word: &[u8]) -> Option<&'static str> {
    if HTTP_VERBS.contains(&first_word) {
        Some("HTTP")
    } else if SMTP_VERBS.contains(&first_word) {
        Some("SMTP")
    } else if first_word.starts_with(b"SSH-2.0-") || first_word.starts_with(b"SSH-1.99-") {
        // Only SSH2 identification strings: `SSH-x`, `SSH-1.5-x` and a bare
        // `SSH-2.0` are ordinary unknown commands (observed on 1.3.8).
        Some("SSH2")
    } else {
        None
    }
}

/// What the session loop must do after a line.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Send these lines (possibly none) and go on.
    Reply(Vec<ReplyLine>),
    /// Close the connection at once, without a reply.
    Drop,
}

/// Handles one command line.
pub fn dispatch_line(session: &mut Session, host: &mut dyn SessionHost, line: &[u8]) -> Outcome {
    // ProFTPD handles the command as a C string: a NUL ends it (observed:
    // `NOOP\0abc` is NOOP, `HELP\0CWD` is HELP).
    let line = match line.iter().position(|&b| b == 0) {
        Some(i) => &line[..i],
        None => line,
    };
    let cmd = Cmd::parse(line);
    let first_word = &line[..cmd.verb_raw.len()];
    if let Some(proto) = foreign_protocol(first_word) {
        log::warn!(
            "client sent {proto} command '{}', disconnecting",
            String::from_utf8_lossy(first_word)
        );
        return Outcome::Drop;
    }
    if cmd.verb.is_empty() {
        session.replies.clear();
        session
            .replies
            .add_err(500, "Invalid command: try being more creative");
        return Outcome::Reply(session.replies.take(true));
    }
    let ok = dispatch(session, host, &cmd);
    Outcome::Reply(session.replies.take(!ok))
}

/// Runs every phase for `cmd`; returns whether it succeeded. The replies
/// stay queued in `session.replies`.
pub fn dispatch(session: &mut Session, host: &mut dyn SessionHost, cmd: &Cmd) -> bool {
    let modules = session.modules.clone();
    let mut ok = run_pre(&modules, session, host, cmd);
    if ok {
        ok = run_cmd(&modules, session, host, cmd);
    }
    let (post, log) = if ok {
        (Phase::PostCmd, Phase::LogCmd)
    } else {
        (Phase::PostCmdErr, Phase::LogCmdErr)
    };
    run_all(&modules, session, host, cmd, post);
    run_all(&modules, session, host, cmd, log);
    ok
}

/// The entries of `phase` matching `verb`, in dispatch order: wildcards of
/// every module by priority, then exact matches by priority.
pub fn entries<'m>(
    modules: &'m [&'static ModuleDef],
    phase: Phase,
    verb: &str,
) -> Vec<&'m CmdEntry> {
    let mut all = entries_of(modules, phase, verb, true);
    all.extend(entries_of(modules, phase, verb, false));
    all
}

/// The wildcard (`wildcard` true) or the named entries of `phase` for
/// `verb`, by priority: one of the two lists a phase walks in turn.
///
/// Every command walks these lists for six phases; scanning every
/// module's table each time showed in profiles of small transfers, so the
/// lists are remembered per module set, phase and verb (a bounded number
/// of verbs: a client's made-up verbs are scanned, not remembered).
fn entries_of<'m>(
    modules: &'m [&'static ModuleDef],
    phase: Phase,
    verb: &str,
    wildcard: bool,
) -> Vec<&'m CmdEntry> {
    let set = module_set_id(modules);
    let hit = INDEX.with(|ix| {
        ix.borrow()
            .get(&(set, phase, wildcard))
            .and_then(|by_verb| by_verb.get(verb).cloned())
    });
    if let Some(hit) = hit {
        return hit;
    }
    let found: Vec<&'static CmdEntry> = modules
        .iter()
        .rev()
        .flat_map(|m| m.commands.iter())
        .filter(|e| e.phase == phase && (e.command == "*") == wildcard && e.matches(verb))
        .collect();
    INDEX.with(|ix| {
        let mut ix = ix.borrow_mut();
        let by_verb = ix.entry((set, phase, wildcard)).or_default();
        if by_verb.len() < MAX_INDEXED {
            by_verb.insert(verb.to_string(), found.clone());
        }
    });
    found
}

/// Verbs remembered per phase list by [`entries_of`], at most.
const MAX_INDEXED: usize = 256;

/// Identifies a module set by the (static) addresses of its modules.
fn module_set_id(modules: &[&'static ModuleDef]) -> u64 {
    modules.iter().fold(0xcbf2_9ce4_8422_2325, |h: u64, m| {
        (h ^ (*m as *const ModuleDef as u64)).wrapping_mul(0x0100_0000_01b3)
    })
}

type VerbIndex = std::collections::HashMap<String, Vec<&'static CmdEntry>>;

thread_local! {
    /// (module set, phase, wildcard list) -> verb -> entries.
    static INDEX: std::cell::RefCell<std::collections::HashMap<(u64, Phase, bool), VerbIndex>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn call(entry: &CmdEntry, session: &mut Session, host: &mut dyn SessionHost, cmd: &Cmd) -> ModRet {
    let mut ctx = CmdCtx { cmd, session, host };
    (entry.handler)(&mut ctx)
}

/// The login check. When it fails the 530 is sent at once, not queued (as
/// 1.3.8's auth check does): two failed checks for one command are two
/// separate replies, not one multi-line reply.
fn auth_ok(entry: &CmdEntry, session: &Session, host: &mut dyn SessionHost) -> bool {
    if entry.requires_auth && !session.authenticated {
        host.send_now(&[ReplyLine {
            code: 530,
            text: "Please login with USER and PASS".into(),
        }]);
        return false;
    }
    true
}

fn run_pre(
    modules: &[&'static ModuleDef],
    session: &mut Session,
    host: &mut dyn SessionHost,
    cmd: &Cmd,
) -> bool {
    for entry in entries(modules, Phase::PreCmd, &cmd.verb) {
        if !auth_ok(entry, session, host) {
            return false;
        }
        if call(entry, session, host, cmd) == ModRet::Error {
            return false;
        }
    }
    true
}

fn run_cmd(
    modules: &[&'static ModuleDef],
    session: &mut Session,
    host: &mut dyn SessionHost,
    cmd: &Cmd,
) -> bool {
    for entry in entries(modules, Phase::Cmd, &cmd.verb) {
        if !auth_ok(entry, session, host) {
            return false;
        }
        match call(entry, session, host, cmd) {
            ModRet::Declined => {}
            ModRet::Handled => return true,
            ModRet::Error => return false,
        }
    }
    host.emit(CORE_UNHANDLED_COMMAND, &cmd.verb);
    session.replies.add_err(500, cmd.not_understood());
    false
}

fn run_all(
    modules: &[&'static ModuleDef],
    session: &mut Session,
    host: &mut dyn SessionHost,
    cmd: &Cmd,
    phase: Phase,
) {
    for wildcard in [true, false] {
        for entry in entries_of(modules, phase, &cmd.verb, wildcard) {
            // Before login an auth-requiring hook answers 530 and ends its
            // list; otherwise errors here change nothing: the command's
            // outcome is decided.
            if !auth_ok(entry, session, host) {
                break;
            }
            if call(entry, session, host, cmd) == ModRet::Error {
                log::debug!("{phase:?} handler for {} failed", cmd.verb);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::config::ConfigTree;
    use proftpd_api::module::CmdEntry;
    use proftpd_api::reply::format_reply;
    use proftpd_api::testing::{FakeHost, session_over};

    /// Handlers that record their call in a session note, in order.
    fn mark(ctx: &mut CmdCtx<'_>, tag: &str) {
        let trace = ctx.session.notes.entry("trace".into()).or_default();
        if !trace.is_empty() {
            trace.push(' ');
        }
        trace.push_str(tag);
    }

    macro_rules! handler {
        ($name:ident, $tag:expr, $ret:expr) => {
            fn $name(ctx: &mut CmdCtx<'_>) -> ModRet {
                mark(ctx, $tag);
                $ret
            }
        };
    }

    handler!(a_pre_any, "A:pre*", ModRet::Declined);
    handler!(a_pre, "A:pre", ModRet::Declined);
    handler!(a_cmd, "A:cmd", ModRet::Handled);
    handler!(a_post, "A:post", ModRet::Declined);
    handler!(a_log_any, "A:log*", ModRet::Declined);
    handler!(a_post_err, "A:post_err", ModRet::Declined);
    handler!(a_log_err, "A:log_err", ModRet::Declined);
    handler!(b_pre_any, "B:pre*", ModRet::Declined);
    handler!(b_pre, "B:pre", ModRet::Declined);
    handler!(b_cmd_decline, "B:cmd", ModRet::Declined);
    handler!(b_post_any, "B:post*", ModRet::Declined);
    handler!(b_log, "B:log", ModRet::Declined);
    handler!(b_fail, "B:fail", ModRet::Error);
    handler!(b_pre_fail, "B:prefail", ModRet::Error);
    handler!(b_log_err_any, "B:log_err*", ModRet::Declined);

    fn ok_reply(ctx: &mut CmdCtx<'_>) -> ModRet {
        mark(ctx, "A:auth");
        ctx.reply(200, "fine");
        ModRet::Handled
    }

    fn err_reply(ctx: &mut CmdCtx<'_>) -> ModRet {
        ctx.reply(200, "not sent");
        ctx.reply_err(550, "bad");
        ModRet::Error
    }

    static A: ModuleDef = ModuleDef {
        name: "mod_a",
        commands: &[
            CmdEntry::hook(Phase::PreCmd, "*", a_pre_any),
            CmdEntry::hook(Phase::PreCmd, "X", a_pre),
            CmdEntry::cmd("X", None, false, proftpd_api::cmd::CmdClass::NONE, a_cmd),
            CmdEntry::cmd("FAIL", None, false, proftpd_api::cmd::CmdClass::NONE, a_cmd),
            CmdEntry::cmd(
                "AUTH",
                None,
                true,
                proftpd_api::cmd::CmdClass::NONE,
                ok_reply,
            ),
            CmdEntry::cmd(
                "ERR",
                None,
                false,
                proftpd_api::cmd::CmdClass::NONE,
                err_reply,
            ),
            CmdEntry::hook(Phase::PostCmd, "X", a_post),
            CmdEntry::cmd(
                "AUTH2",
                None,
                true,
                proftpd_api::cmd::CmdClass::NONE,
                ok_reply,
            ),
            CmdEntry::hook_auth(Phase::PostCmdErr, "AUTH2", a_post_err),
            CmdEntry::hook(Phase::LogCmd, "*", a_log_any),
            CmdEntry::hook(Phase::PostCmdErr, "*", a_post_err),
            CmdEntry::hook(Phase::LogCmdErr, "FAIL", a_log_err),
        ],
        ..ModuleDef::EMPTY
    };

    // Loaded after A: higher priority.
    static B: ModuleDef = ModuleDef {
        name: "mod_b",
        commands: &[
            CmdEntry::hook(Phase::PreCmd, "X", b_pre),
            CmdEntry::hook(Phase::PreCmd, "*", b_pre_any),
            CmdEntry::hook(Phase::PreCmd, "PREFAIL", b_pre_fail),
            CmdEntry::cmd(
                "x",
                None,
                false,
                proftpd_api::cmd::CmdClass::NONE,
                b_cmd_decline,
            ),
            CmdEntry::cmd(
                "FAIL",
                None,
                false,
                proftpd_api::cmd::CmdClass::NONE,
                b_fail,
            ),
            CmdEntry::hook(Phase::PostCmd, "*", b_post_any),
            CmdEntry::hook(Phase::LogCmd, "X", b_log),
            CmdEntry::hook(Phase::LogCmdErr, "*", b_log_err_any),
        ],
        ..ModuleDef::EMPTY
    };

    static MODS: &[&ModuleDef] = &[&A, &B];

    fn run(line: &str, authenticated: bool) -> (String, String) {
        let mut s = session_over(MODS, ConfigTree::new());
        s.authenticated = authenticated;
        let mut host = FakeHost::default();
        let outcome = dispatch_line(&mut s, &mut host, line.as_bytes());
        // What was sent at once comes first, one reply per send.
        let mut bytes: Vec<u8> = host
            .sent
            .iter()
            .flat_map(|l| format_reply(std::slice::from_ref(l), s.multiline))
            .collect();
        let out = match outcome {
            Outcome::Reply(lines) => {
                bytes.extend(format_reply(&lines, s.multiline));
                String::from_utf8_lossy(&bytes).into_owned()
            }
            Outcome::Drop => "<drop>".into(),
        };
        (s.notes.get("trace").cloned().unwrap_or_default(), out)
    }

    #[test]
    fn phase_order_wildcards_first_then_priority() {
        let (trace, _) = run("x arg", true);
        assert_eq!(
            trace,
            "B:pre* A:pre* B:pre A:pre B:cmd A:cmd B:post* A:post A:log* B:log"
        );
    }

    #[test]
    fn cmd_error_runs_err_phases() {
        let (trace, out) = run("FAIL", true);
        assert_eq!(
            trace,
            "B:pre* A:pre* B:fail A:post_err B:log_err* A:log_err"
        );
        assert_eq!(out, "");
    }

    #[test]
    fn pre_error_skips_cmd() {
        let (trace, _) = run("PREFAIL", true);
        assert_eq!(trace, "B:pre* A:pre* B:prefail A:post_err B:log_err*");
    }

    #[test]
    fn errors_replace_success_replies() {
        assert_eq!(run("ERR", true).1, "550 bad\r\n");
    }

    #[test]
    fn unknown_verb() {
        let (trace, out) = run("foo bar", true);
        assert_eq!(out, "500 FOO not understood\r\n");
        assert_eq!(trace, "B:pre* A:pre* A:post_err B:log_err*");
    }

    #[test]
    fn login_required() {
        assert_eq!(
            run("AUTH", false).1,
            "530 Please login with USER and PASS\r\n"
        );
        assert_eq!(run("AUTH", true).1, "200 fine\r\n");
    }

    #[test]
    fn auth_hook_in_error_phase_answers_530_again() {
        // AUTH2's CMD handler and its POST_CMD_ERR hook both require login.
        let (trace, out) = run("AUTH2", false);
        assert_eq!(
            out,
            "530 Please login with USER and PASS\r\n530 Please login with USER and PASS\r\n"
        );
        // The wildcard POST_CMD_ERR list still ran; the named one stopped.
        assert_eq!(trace, "B:pre* A:pre* A:post_err B:log_err*");
    }

    #[test]
    fn empty_and_blank_lines() {
        assert_eq!(
            run("", true).1,
            "500 Invalid command: try being more creative\r\n"
        );
        assert_eq!(
            run("  NOOP", true).1,
            "500 Invalid command: try being more creative\r\n"
        );
        assert_eq!(run("", true).0, "");
    }

    #[test]
    fn foreign_protocols_are_dropped() {
        for line in [
            "GET / HTTP/1.0",
            "POST",
            "SSH-2.0-OpenSSH",
            "EHLO x",
            "CONNECT a:1",
        ] {
            assert_eq!(run(line, false).1, "<drop>", "{line}");
        }
        assert_eq!(run("get /", false).1, "500 GET not understood\r\n");
        assert_eq!(run("GETX", false).1, "500 GETX not understood\r\n");
        assert_eq!(run("SSH-1.99-x", false).1, "<drop>");
        for line in ["SSH-", "SSH-2.0", "SSH-x", "SSH-1.5-x", "ssh-2.0-x"] {
            let verb = line.to_ascii_uppercase();
            assert_eq!(run(line, false).1, format!("500 {verb} not understood\r\n"));
        }
    }

    #[test]
    fn unknown_verb_is_echoed_as_bytes() {
        let mut s = session_over(MODS, ConfigTree::new());
        let mut host = FakeHost::default();
        let Outcome::Reply(lines) = dispatch_line(&mut s, &mut host, b"\xc3(\xff\xff") else {
            panic!("dropped");
        };
        assert_eq!(
            format_reply(&lines, s.multiline),
            b"500 \xc3(\xff\xff not understood\r\n"
        );
    }

    #[test]
    fn nul_ends_the_command() {
        assert_eq!(run("NOOP\0abc", true).1, run("NOOP", true).1);
        assert_eq!(run("FOO\0X", true).1, "500 FOO not understood\r\n");
        assert_eq!(
            run("\0NOOP", true).1,
            "500 Invalid command: try being more creative\r\n"
        );
    }

    #[test]
    fn verb_ends_at_any_whitespace() {
        let table: &[(&[u8], &str, &[u8])] = &[
            (b"NOOP", "NOOP", b""),
            (b"noop x", "NOOP", b"x"),
            (b"NOOP\tx", "NOOP", b"x"),
            (b"NOOP\nSYST", "NOOP", b"SYST"),
            (b"NOOP\rSYST", "NOOP", b"SYST"),
            (b"MKD  x", "MKD", b" x"),
            (b"  NOOP", "", b" NOOP"),
            (b"CWD \xff\xfe", "CWD", b"\xff\xfe"),
        ];
        for (line, verb, arg) in table {
            let cmd = Cmd::parse(line);
            assert_eq!(
                (cmd.verb.as_str(), cmd.arg.as_slice()),
                (*verb, *arg),
                "{line:?}"
            );
            assert_eq!(cmd.line, *line);
        }
    }

    #[test]
    fn unhandled_command_event() {
        let mut s = session_over(MODS, ConfigTree::new());
        let mut host = FakeHost::default();
        dispatch_line(&mut s, &mut host, b"ZZZ");
        assert_eq!(
            host.events,
            [(CORE_UNHANDLED_COMMAND.to_string(), "ZZZ".to_string())]
        );
    }
}
