//! Per-session state of mod_facts: the facts selected (`FactsDefault`,
//! then `OPTS MLST`) and the `FactsOptions`, plus what every fact line
//! needs to know about the logged-in user.

use proftpd_api::session::Session;

use crate::facts::{FactSet, FactsOpts, feat_line};
use crate::keys::{FACTS_DEFAULT, FACTS_OPTIONS};
use crate::stat::Who;

/// What this session shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct FactsState {
    /// Whether the fields below were read from the config yet.
    ready: bool,
    /// The facts shown (`FactsDefault`, then each `OPTS MLST`).
    pub selected: FactSet,
    /// `FactsOptions`, all lines together.
    pub opts: FactsOpts,
}

/// This session's state, read from the server's config on first use.
pub fn get(session: &mut Session) -> FactsState {
    let current = *session.state::<FactsState>();
    if current.ready {
        return current;
    }
    let selected = session
        .server_get(&FACTS_DEFAULT)
        .copied()
        .unwrap_or(FactSet::ALL);
    let opts = session
        .config
        .get_all(session.server, &FACTS_OPTIONS)
        .into_iter()
        .fold(FactsOpts::default(), |acc, o| acc.union(*o));
    let st = FactsState {
        ready: true,
        selected,
        opts,
    };
    *session.state::<FactsState>() = st;
    st
}

/// `OPTS MLST`: selects `set` and rewrites the MLST FEAT line (1.3.8 adds
/// it back even under `FactsAdvertise off`).
pub fn select(session: &mut Session, set: FactSet) {
    let mut st = get(session);
    st.selected = set;
    *session.state::<FactsState>() = st;
    session.features.retain(|f| !f.starts_with("MLST "));
    session.features.insert(feat_line(set, st.opts));
}

/// The user `perm` is computed for: the identity the session switched to.
pub fn who(session: &Session) -> Who {
    match &session.identity {
        Some(id) => Who {
            uid: id.uid,
            gid: id.gid,
            groups: id.groups.clone(),
        },
        // Not logged in (only in tests: the commands need a login): the
        // "other" permission bits alone apply.
        None => Who {
            uid: u32::MAX,
            gid: u32::MAX,
            groups: Vec::new(),
        },
    }
}

/// The logged-in user's name and primary group's name (the gid in decimal
/// when no auth module names it), what 1.3.8 shows as every entry's
/// UNIX.ownername and UNIX.groupname.
pub fn own_names(session: &Session) -> (Vec<u8>, Vec<u8>) {
    let user = session
        .identity
        .as_ref()
        .map(|i| i.user.clone())
        .or_else(|| session.user.clone())
        .unwrap_or_default();
    let group = match &session.identity {
        Some(id) => session
            .names
            .group(id.gid)
            .map_or_else(|| id.gid.to_string(), str::to_string),
        None => String::new(),
    };
    (user.into_bytes(), group.into_bytes())
}
