//! What LIST, NLST and `STAT <path>` share: the session's settings for a
//! listing, the sticky ls flags, `~` expansion, the data connection and
//! the mapping of a listing's outcome to replies.

use proftpd_api::auth::{AuthAnswer, AuthCtx};
use proftpd_api::data::{DataSource, Direction, XferEnd, XferOptions};
use proftpd_api::module::ModRet;
use proftpd_api::reply::{ReplyLine, errno_text};
use proftpd_api::session::{CmdCtx, NameMaps, Session, SessionHost, TransferType};

use crate::engine::{Conn, Engine, Env, Zone};
use crate::keys::*;
use crate::list::Outcome;
use crate::opts::{self, Flags, Verb};

/// mod_ls's per-session state.
#[derive(Default)]
pub struct LsState {
    /// The ls flags: they outlive each command, as 1.3.8's statics do
    /// (see `opts`).
    pub flags: Flags,
    /// The local time zone, loaded before the chroot when `TimesGMT off`
    /// needs it.
    pub tz: Option<jiff::tz::TimeZone>,
}

/// The ListOptions that apply to `verb`: the first one configured that is
/// not limited to the other command (STAT takes neither limited kind).
pub fn list_options_for(session: &Session, verb: Verb) -> Option<ListOptions> {
    session
        .config
        .get_all(session.top_ctx(), &LIST_OPTIONS)
        .into_iter()
        .find(|lo| match verb {
            Verb::List => !lo.nlst_only,
            Verb::Nlst => !lo.list_only,
            Verb::Stat => !lo.list_only && !lo.nlst_only,
        })
        .cloned()
}

/// The logged-in user's name (DirFakeUser `~`).
fn user_name(session: &Session) -> Vec<u8> {
    session
        .identity
        .as_ref()
        .map(|i| i.user.clone())
        .or_else(|| session.user.clone())
        .unwrap_or_default()
        .into_bytes()
}

/// The user's primary group name (DirFakeGroup `~`).
fn group_name(session: &Session, names: &NameMaps) -> Vec<u8> {
    let Some(id) = &session.identity else {
        return Vec::new();
    };
    match names.group(id.gid) {
        Some(n) => n.as_bytes().to_vec(),
        None => id.gid.to_string().into_bytes(),
    }
}

/// The settings of one listing. `names` is the session's map, taken out
/// for the listing's duration (the data connection needs the session).
pub fn env<'a>(
    session: &mut Session,
    cwd: &'a [u8],
    names: &'a NameMaps,
    list_options: Option<ListOptions>,
) -> Env<'a> {
    let fake = |v: Option<&Option<String>>, tilde: Vec<u8>| -> Option<Vec<u8>> {
        match v {
            Some(Some(n)) if n == "~" => Some(tilde),
            Some(Some(n)) => Some(n.clone().into_bytes()),
            _ => None,
        }
    };
    let fake_user = fake(session.get(&DIR_FAKE_USER), user_name(session));
    let fake_group = fake(session.get(&DIR_FAKE_GROUP), group_name(session, names));
    let gmt = session.get(&TIMES_GMT).copied().unwrap_or(true);
    let zone = match (gmt, session.state::<LsState>().tz.clone()) {
        (false, Some(tz)) => Zone::Local(tz),
        _ => Zone::Utc,
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Env {
        cwd,
        names,
        show_symlinks: session.get(&SHOW_SYMLINKS).copied().unwrap_or(true),
        zone,
        now,
        style: session.get(&LIST_STYLE).copied().unwrap_or_default(),
        globbing: session.get(&USE_GLOBBING).copied().unwrap_or(true),
        fake_user,
        fake_group,
        fake_mode: session.get(&DIR_FAKE_MODE).copied(),
        list_options,
    }
}

/// 1.3.8's test for whether an argument carries options: more than one
/// word does; a single word does unless it names an existing path
/// (`LIST -la` lists with options, `LIST -file` lists the file).
pub fn has_options(session: &Session, cmd_words: usize, arg: &[u8]) -> bool {
    if cmd_words > 1 || arg.is_empty() {
        return true;
    }
    let p = proftpd_api::path::fs_path(&proftpd_api::path::join(&session.cwd, arg));
    std::fs::metadata(p).is_err()
}

/// Applies the client's options (or skips them under `strict`) and the
/// ListOptions; returns the offset of the path in `arg`.
pub fn parse_options(
    flags: &mut Flags,
    verb: Verb,
    arg: &[u8],
    with_options: bool,
    lo: Option<&ListOptions>,
) -> usize {
    let mut off = 0;
    if with_options {
        off = match lo {
            Some(l) if l.strict => opts::skip_strict(arg),
            _ => opts::parse(arg, flags, verb, false),
        };
    }
    if let Some(l) = lo {
        opts::parse(&l.opts, flags, verb, true);
    }
    off
}

/// `~` and `~user` at the start of a path: the user's home directory as
/// the auth modules give it (the logged-in user's for a bare `~`), as
/// 1.3.8 expands it. Inside a chroot that is the real path, which the
/// session cannot see: 1.3.8 then answers 450, and so do we (measured).
/// `None` when it does not apply or the user is unknown.
pub fn expand_tilde(
    session: &mut Session,
    host: &mut dyn SessionHost,
    path: &[u8],
) -> Option<Vec<u8>> {
    let rest = path.strip_prefix(b"~")?;
    let end = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
    let user = &rest[..end];
    let name = if user.is_empty() {
        session
            .identity
            .as_ref()
            .map(|i| i.user.clone())
            .or_else(|| session.user.clone())?
    } else {
        std::str::from_utf8(user).ok()?.to_string()
    };
    let modules = session.auth_modules.clone();
    let mut home = None;
    for m in modules {
        let Some(f) = m.table.getpwnam else { continue };
        let mut ctx = AuthCtx {
            session: &mut *session,
            host: &mut *host,
        };
        match f(&mut ctx, &name) {
            AuthAnswer::Found(pw) => {
                home = Some(pw.dir.into_bytes());
                break;
            }
            AuthAnswer::Failed(_) => break,
            AuthAnswer::Declined if m.required => break,
            AuthAnswer::Declined => {}
        }
    }
    let mut out = home?;
    out.extend_from_slice(&rest[end..]);
    Some(out)
}

/// The data connection of a listing over the session's host.
pub struct DataConn<'s> {
    pub session: &'s mut Session,
    pub host: &'s mut dyn SessionHost,
    /// Whether the connection was opened (it must be closed).
    pub opened: bool,
    /// How a failed write ended, for the reply.
    pub end: Option<XferEnd>,
}

impl Conn for DataConn<'_> {
    fn open(&mut self) -> std::io::Result<()> {
        self.host.data_open(self.session, Direction::Send)?;
        self.opened = true;
        let mode = match self.session.transfer_type {
            TransferType::Ascii => "ASCII",
            TransferType::Binary => "BINARY",
        };
        self.host.send_now(&[ReplyLine {
            code: 150,
            text: format!("Opening {mode} mode data connection for file list").into(),
        }]);
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> bool {
        // Listing lines already end in CRLF: no TYPE A translation.
        let opts = XferOptions {
            ascii: false,
            sendfile: false,
            ..XferOptions::for_session(self.session)
        };
        let out = self
            .host
            .data_write(self.session, DataSource::Bytes(bytes), &opts);
        if out.is_complete() {
            true
        } else {
            self.end = Some(out.end);
            false
        }
    }
}

/// Runs one listing over the session's data connection: `run` drives an
/// engine built from `flags` and the session's settings, and the
/// session's names are put back afterwards. Returns the outcome, the
/// engine's flags afterwards, whether the connection was opened and how a
/// failed write ended (the last three for [`finish`]).
pub fn list_over_data(
    ctx: &mut CmdCtx<'_>,
    lo: Option<ListOptions>,
    flags: Flags,
    run: impl FnOnce(&mut Engine<'_, '_>) -> Outcome,
) -> (Outcome, Flags, bool, Option<XferEnd>) {
    let names = std::mem::take(&mut ctx.session.names);
    let cwd = ctx.session.cwd.clone();
    let env = env(ctx.session, &cwd, &names, lo);
    let mut conn = DataConn {
        session: &mut *ctx.session,
        host: &mut *ctx.host,
        opened: false,
        end: None,
    };
    let (outcome, flags_after) = {
        let mut engine = Engine::new(&env, flags, Some(&mut conn));
        let outcome = run(&mut engine);
        (outcome, engine.flags)
    };
    let (opened, end) = (conn.opened, conn.end.take());
    drop(env);
    ctx.session.names = names;
    (outcome, flags_after, opened, end)
}

/// Turns a data-connection listing's outcome into replies.
pub fn finish(
    ctx: &mut CmdCtx<'_>,
    outcome: Outcome,
    opened: bool,
    end: Option<XferEnd>,
) -> ModRet {
    match outcome {
        Outcome::Done { notes } => {
            if opened {
                ctx.host.data_close();
            }
            for n in notes {
                ctx.reply(226, n);
            }
            ctx.reply(226, "Transfer complete");
            ModRet::Handled
        }
        Outcome::OpenFailed(e) => {
            ctx.reply_err(
                425,
                format!("Unable to build data connection: {}", errno_text(&e)),
            );
            ModRet::Error
        }
        Outcome::Fail450(text) => {
            if opened {
                ctx.host.data_close();
            } else {
                // 1.3.8 drops the pending PASV/PORT setup after a failed
                // NLST (a client already connected is reset, measured).
                ctx.host.data_clear();
            }
            ctx.reply_err(450, text);
            ModRet::Error
        }
        Outcome::XferFailed => {
            if opened {
                ctx.host.data_close();
            }
            if let Some((code, text)) = end.as_ref().and_then(XferEnd::reply) {
                ctx.reply_err(code, text);
            }
            ModRet::Error
        }
    }
}
