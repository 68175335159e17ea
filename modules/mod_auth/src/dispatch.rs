//! Auth dispatch: asks the session's auth modules in order
//! (`Session::auth_modules`) and takes the first answer that is not
//! `Declined`, as ProFTPD's `pr_auth_*` functions do. A module marked
//! required in `AuthOrder` (`mod_x.c*`) ends the walk with whatever it
//! answers, `Declined` included.

use proftpd_api::auth::{AuthAnswer, AuthCode, AuthCtx, AuthTable, Group, Passwd};
use proftpd_api::session::{AuthModule, Session, SessionHost};

/// The logged-in account and its groups, captured before the chroot: NSS
/// files may be out of reach inside it, and a session looks up its own
/// ids most (a listing of one's own files).
#[derive(Default)]
pub struct Account {
    pub pw: Option<Passwd>,
    pub groups: Vec<Group>,
}

fn own_pw(s: &mut Session, pick: impl Fn(&Passwd) -> bool) -> Option<Passwd> {
    s.state::<Account>()
        .pw
        .as_ref()
        .filter(|p| pick(p))
        .cloned()
}

fn own_group(s: &mut Session, pick: impl Fn(&Group) -> bool) -> Option<Group> {
    s.state::<Account>()
        .groups
        .iter()
        .find(|g| pick(g))
        .cloned()
}

/// Walks the auth modules; `pick` selects the table function and calls it.
fn walk<T>(
    session: &mut Session,
    host: &mut dyn SessionHost,
    mut ask: impl FnMut(&AuthTable, &mut AuthCtx<'_>) -> Option<AuthAnswer<T>>,
) -> AuthAnswer<T> {
    // A copy: the table functions get the session mutably.
    let modules: Vec<AuthModule> = session.auth_modules.clone();
    for m in modules {
        let mut ctx = AuthCtx {
            session: &mut *session,
            host: &mut *host,
        };
        let Some(answer) = ask(m.table, &mut ctx) else {
            // No such function in this table: not this module's business.
            continue;
        };
        if m.required || !matches!(answer, AuthAnswer::Declined) {
            return answer;
        }
    }
    AuthAnswer::Declined
}

pub fn getpwnam(s: &mut Session, h: &mut dyn SessionHost, name: &str) -> Option<Passwd> {
    if let Some(p) = own_pw(s, |p| p.name == name) {
        return Some(p);
    }
    match walk(s, h, |t, c| t.getpwnam.map(|f| f(c, name))) {
        AuthAnswer::Found(p) => Some(p),
        _ => None,
    }
}

pub fn getpwuid(s: &mut Session, h: &mut dyn SessionHost, uid: u32) -> Option<Passwd> {
    if let Some(p) = own_pw(s, |p| p.uid == uid) {
        return Some(p);
    }
    match walk(s, h, |t, c| t.getpwuid.map(|f| f(c, uid))) {
        AuthAnswer::Found(p) => Some(p),
        _ => None,
    }
}

pub fn getgrnam(s: &mut Session, h: &mut dyn SessionHost, name: &str) -> Option<Group> {
    if let Some(g) = own_group(s, |g| g.name == name) {
        return Some(g);
    }
    match walk(s, h, |t, c| t.getgrnam.map(|f| f(c, name))) {
        AuthAnswer::Found(g) => Some(g),
        _ => None,
    }
}

pub fn getgrgid(s: &mut Session, h: &mut dyn SessionHost, gid: u32) -> Option<Group> {
    if let Some(g) = own_group(s, |g| g.gid == gid) {
        return Some(g);
    }
    match walk(s, h, |t, c| t.getgrgid.map(|f| f(c, gid))) {
        AuthAnswer::Found(g) => Some(g),
        _ => None,
    }
}

/// The user's groups: what the first answering module says, else only the
/// primary group (named through getgrgid when some module knows it).
pub fn getgroups(s: &mut Session, h: &mut dyn SessionHost, name: &str, gid: u32) -> Vec<Group> {
    match walk(s, h, |t, c| t.getgroups.map(|f| f(c, name, gid))) {
        AuthAnswer::Found(gs) => gs,
        _ => vec![getgrgid(s, h, gid).unwrap_or(Group {
            name: gid.to_string(),
            gid,
            members: Vec::new(),
        })],
    }
}

/// Checks `name`'s password. No module knowing the user means "no such
/// user" (ProFTPD's PR_AUTH_NOPWD).
pub fn authenticate(
    s: &mut Session,
    h: &mut dyn SessionHost,
    name: &str,
    password: &[u8],
) -> Result<(), AuthCode> {
    match walk(s, h, |t, c| t.auth.map(|f| f(c, name, password))) {
        AuthAnswer::Found(()) => Ok(()),
        AuthAnswer::Failed(code) => Err(code),
        AuthAnswer::Declined => Err(AuthCode::NoSuchUser),
    }
}

/// Checks a password against a given hash.
pub fn check(
    s: &mut Session,
    h: &mut dyn SessionHost,
    hash: &str,
    name: &str,
    password: &[u8],
) -> Result<(), AuthCode> {
    match walk(s, h, |t, c| t.check.map(|f| f(c, hash, name, password))) {
        AuthAnswer::Found(()) => Ok(()),
        AuthAnswer::Failed(code) => Err(code),
        AuthAnswer::Declined => Err(AuthCode::BadPassword),
    }
}

/// Account checks after the password; nobody objecting means allowed.
pub fn authorize(s: &mut Session, h: &mut dyn SessionHost, name: &str) -> Result<(), AuthCode> {
    match walk(s, h, |t, c| t.authorize.map(|f| f(c, name))) {
        AuthAnswer::Failed(code) => Err(code),
        _ => Ok(()),
    }
}
