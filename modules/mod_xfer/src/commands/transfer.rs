//! What RETR, STOR, APPE and STOU share: opening the data connection, the
//! 150 text, the transfer options of one command, and ending a transfer
//! (reply, cleanup left to the caller, xferlog line).
//!
//! The sequence is the one of `proftpd_api::data`: checks, `data_open`
//! (`425 Unable to build data connection: <strerror>`), the 150 sent at
//! once, the bytes, then `226 Transfer complete` or the reply of
//! [`XferEnd::reply`].

use proftpd_api::data::{Direction, RateLimit, XferEnd, XferOptions, XferOutcome};
use proftpd_api::module::ModRet;
use proftpd_api::reply::{ReplyLine, errno_text};
use proftpd_api::session::{CmdCtx, Session, TransferType};

use crate::keys::{Classifier, SizeLimit, TRANSFER_RATE};
use crate::xferlog::{self, Entry, Way};

/// A REST/RANG offset as 1.3.8 uses it: its `off_t` is signed, so a value
/// above `i64::MAX` is negative there and acts as no offset (measured:
/// `REST 18446744073709551615` then RETR sends the whole file).
pub fn effective_pos(pos: u64) -> u64 {
    if pos > i64::MAX as u64 { 0 } else { pos }
}

/// `ASCII` or `BINARY`, as the 150 names the mode.
pub fn mode_word(session: &Session) -> &'static str {
    match session.transfer_type {
        TransferType::Ascii => "ASCII",
        TransferType::Binary => "BINARY",
    }
}

/// `Opening <MODE> mode data connection for <f>[ (<n> byte[s])]`: the
/// size part is left out when it is 0 (measured on 1.3.8).
pub fn opening_text(session: &Session, shown: &[u8], size: u64) -> Vec<u8> {
    let mut t = format!("Opening {} mode data connection for ", mode_word(session)).into_bytes();
    t.extend_from_slice(shown);
    if size > 0 {
        let unit = if size == 1 { "byte" } else { "bytes" };
        t.extend_from_slice(format!(" ({size} {unit})").as_bytes());
    }
    t
}

/// Sends a preliminary reply at once (the 150).
pub fn send_now(ctx: &mut CmdCtx<'_>, code: u16, text: Vec<u8>) {
    ctx.host.send_now(&[ReplyLine {
        code,
        text: text.into(),
    }]);
}

/// Opens the data connection; on failure queues the 425.
pub fn open_data(ctx: &mut CmdCtx<'_>, dir: Direction) -> bool {
    match ctx.host.data_open(ctx.session, dir) {
        Ok(()) => true,
        Err(e) => {
            ctx.reply_err(
                425,
                format!("Unable to build data connection: {}", errno_text(&e)),
            );
            false
        }
    }
}

/// The options of one transfer by `verb`: TYPE A translation, and the
/// first `TransferRate` line naming the verb that applies to this user.
pub fn options(session: &Session, verb: &str) -> XferOptions {
    let mut opts = XferOptions::for_session(session);
    opts.ascii = session.transfer_type == TransferType::Ascii;
    opts.rate = session
        .config
        .get_all(session.top_ctx(), &TRANSFER_RATE)
        .into_iter()
        .find(|r| r.commands.iter().any(|c| c == verb) && applies(session, &r.who))
        .and_then(|r| {
            let bytes_per_sec = (r.kbps * 1024.0) as u64;
            (bytes_per_sec > 0).then_some(RateLimit {
                bytes_per_sec,
                free_bytes: r.free_bytes,
            })
        });
    opts
}

/// The size limit (`Max*FileSize`) for this user: the first line that
/// applies; `None` means no limit.
pub fn size_limit(
    session: &Session,
    key: &'static proftpd_api::config::ConfigKey<SizeLimit>,
) -> Option<u64> {
    session
        .config
        .get_all(session.top_ctx(), key)
        .into_iter()
        .find(|l| applies(session, &l.who))
        .and_then(|l| l.max)
}

/// Whether a classifier names this session's user. Lists are ORed for
/// users (a `!name` entry matches everyone else) and ANDed for groups, as
/// in 1.3.8's expressions; classes do not exist yet, so never match.
pub fn applies(session: &Session, who: &Classifier) -> bool {
    let user = session
        .identity
        .as_ref()
        .map(|i| i.user.as_str())
        .or(session.user.as_deref())
        .unwrap_or("");
    let matches = |want: &str, have: &dyn Fn(&str) -> bool| match want.strip_prefix('!') {
        Some(w) => !have(w),
        None => have(want),
    };
    match who {
        Classifier::All => true,
        Classifier::User(list) => list.iter().any(|u| matches(u, &|w| w == user)),
        Classifier::Group(list) => {
            let groups: Vec<&str> = session
                .identity
                .as_ref()
                .map(|i| {
                    i.groups
                        .iter()
                        .chain(std::iter::once(&i.gid))
                        .filter_map(|g| session.names.group(*g))
                        .collect()
                })
                .unwrap_or_default();
            !list.is_empty() && list.iter().all(|g| matches(g, &|w| groups.contains(&w)))
        }
        Classifier::Class(_) => false,
    }
}

/// What a transfer command logs.
pub struct LogInfo<'a> {
    pub real_path: &'a [u8],
    pub way: Way,
}

/// Writes the xferlog line of a transfer that did not get to move bytes
/// (the data connection failed, or a limit stopped it after the 150).
pub fn log_failed(session: &mut Session, info: &LogInfo<'_>) {
    xferlog::write(
        session,
        &Entry {
            seconds: 0,
            bytes: 0,
            path: info.real_path,
            way: info.way,
            complete: false,
        },
    );
}

/// Ends a transfer: closes the data connection, queues `226 Transfer
/// complete` or the failure reply (none after ABOR: its 426 is already
/// out), and writes the xferlog line. `reply_for` may replace the reply of
/// a failure (STOR's RANG overflow).
pub fn finish(
    ctx: &mut CmdCtx<'_>,
    outcome: &XferOutcome,
    info: &LogInfo<'_>,
    reply_for: impl Fn(&XferEnd) -> Option<(u16, String)>,
) -> ModRet {
    ctx.host.data_close();
    xferlog::write(
        ctx.session,
        &Entry {
            seconds: outcome.stats.elapsed.as_secs(),
            bytes: outcome.stats.file_bytes,
            path: info.real_path,
            way: info.way,
            complete: outcome.is_complete(),
        },
    );
    if outcome.is_complete() {
        ctx.reply(226, "Transfer complete");
        return ModRet::Handled;
    }
    if let Some((code, text)) = reply_for(&outcome.end) {
        ctx.reply_err(code, text);
    }
    ModRet::Error
}

/// `500 '<VERB>' not understood`, 1.3.8's answer to a missing argument.
pub fn missing_arg(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.reply_err(500, format!("'{}' not understood", ctx.cmd.verb));
    ModRet::Error
}

/// `550 <shown>: <text>`.
pub fn fail_550(ctx: &mut CmdCtx<'_>, shown: &[u8], text: &str) -> ModRet {
    ctx.reply_err(550, proftpd_api::reply::path_reason(shown, text));
    ModRet::Error
}
