//! mod_lang's per-session state, and the process-wide facts it starts
//! from (the daemon's locale, scanned once in the master).

use std::path::Path;
use std::sync::Mutex;

use proftpd_api::session::Session;

use crate::encoding::{Encoding, LangOpts};
use crate::keys::{LANG_DEFAULT, LANG_ENGINE, LANG_OPTIONS, LANG_PATH, USE_ENCODING};
use crate::langs::{DEFAULT_LANG_PATH, LangTable, table_for};
use crate::locale::{self, Locale};

/// The language when the locale is `C`.
pub const FALLBACK_LANG: &str = "en_US";

/// The daemon's locale, read once (the master reads it at startup; the
/// sessions it forks inherit it).
static LOCALE: Mutex<Option<Locale>> = Mutex::new(None);

pub fn daemon_locale() -> Locale {
    let mut l = LOCALE.lock().unwrap_or_else(|p| p.into_inner());
    l.get_or_insert_with(|| locale::from_env(&locale::process_env, &locale::installed))
        .clone()
}

/// Forgets the cached locale and language scans (master start, restart).
pub fn forget() {
    *LOCALE.lock().unwrap_or_else(|p| p.into_inner()) = None;
    crate::langs::forget();
}

/// One session's languages and encoding.
#[derive(Debug, Clone, Default)]
pub struct LangState {
    /// Whether the fields were filled from the config yet.
    pub ready: bool,
    /// `LangEngine`: off makes LANG unknown and drops the FEAT lines.
    pub engine: bool,
    /// The language LANG last selected (`lang_curr`): FEAT's `*`.
    pub current: String,
    /// What `LANG` without an argument reports.
    pub default: String,
    pub table: LangTable,
    pub encoding: Option<Encoding>,
}

/// The LangPath of the main server, or Debian's default.
pub fn lang_path(session: &Session) -> String {
    session
        .main_get(&LANG_PATH)
        .cloned()
        .unwrap_or_else(|| DEFAULT_LANG_PATH.to_string())
}

/// The encoding this session's config asks for (what PASS returns to).
pub fn configured_encoding(session: &Session) -> Encoding {
    let opts = session
        .config
        .get_all(session.server, &LANG_OPTIONS)
        .into_iter()
        .fold(LangOpts::default(), |a, o| a.union(*o));
    let local = locale::codeset(&daemon_locale().ctype);
    Encoding::configured(&local, session.server_get(&USE_ENCODING), opts)
}

/// This session's state, filled from the config on first use.
pub fn get(session: &mut Session) -> &mut LangState {
    if !session.state::<LangState>().ready {
        let st = fresh(session);
        *session.state::<LangState>() = st;
    }
    session.state::<LangState>()
}

fn fresh(session: &Session) -> LangState {
    let engine = session.server_get(&LANG_ENGINE).copied().unwrap_or(true);
    if !engine {
        // 1.3.8 then reads neither UseEncoding nor LangOptions: the core's
        // default (UTF-8, nothing checked) stays, and OPTS UTF8 still works.
        let local = locale::codeset(&daemon_locale().ctype);
        return LangState {
            ready: true,
            engine,
            encoding: Some(Encoding::configured(&local, None, LangOpts::default())),
            ..LangState::default()
        };
    }
    let encoding = Some(configured_encoding(session));
    let scanned = table_for(Path::new(&lang_path(session)));
    let configured = session
        .server_get(&LANG_DEFAULT)
        .filter(|d| scanned.as_ref().is_some_and(|t| t.supports(d.as_bytes())));
    if let (Some(d), Some(table)) = (configured, scanned.clone()) {
        return LangState {
            ready: true,
            engine,
            current: d.clone(),
            default: d.clone(),
            table,
            encoding,
        };
    }
    if let Some(d) = session.server_get(&LANG_DEFAULT) {
        log::info!(
            "mod_lang/1.1: LangDefault '{d}' is not a supported language, using the environment's"
        );
    }
    let messages = daemon_locale().messages;
    let current = if messages.eq_ignore_ascii_case("C") {
        FALLBACK_LANG.to_string()
    } else {
        messages
    };
    let mut table = scanned.unwrap_or_default();
    if table.list.is_empty() {
        table.list.push(current.clone());
    }
    LangState {
        ready: true,
        engine,
        default: current.clone(),
        current,
        table,
        encoding,
    }
}

/// The session's encoding state.
pub fn encoding(session: &mut Session) -> &mut Encoding {
    get(session)
        .encoding
        .get_or_insert_with(|| Encoding::configured("utf8", None, LangOpts::default()))
}
