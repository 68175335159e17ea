//! The login decision at PASS time and the identity a session becomes.
//!
//! Every refusal gets the same reply (`530 Login incorrect.` or the
//! AccessDenyMsg): only the log says why, so a client learns nothing about
//! which check failed.

use std::path::{Path, PathBuf};

use proftpd_api::auth::{AuthCode, Group, Passwd};
use proftpd_api::config::CtxId;
use proftpd_api::event;
use proftpd_api::session::{CapsPolicy, Identity, Session, SessionHost};

use crate::dispatch;
use crate::keys::*;

/// The file of valid login shells.
pub const SHELLS_PATH: &str = "/etc/shells";
/// The file of users refused FTP access.
pub const FTPUSERS_PATH: &str = "/etc/ftpusers";
/// A yescrypt hash (the current default of /etc/shadow), checked against
/// when the user does not exist only to spend the time; its result is
/// ignored, so what it hashes does not matter.
const TIMING_DUMMY_HASH: &str =
    "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$9D5RovS/HuknGI0.ktF/JBj1lhaH1xkbCFp3CJ3OVL/";
/// What getusershell(3) assumes when /etc/shells cannot be read.
const FALLBACK_SHELLS: &[&str] = &["/bin/sh", "/bin/csh"];

/// Why a login was refused, as it is logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// Logged as `USER <name> (Login failed): <reason>`.
    Reason(String),
    /// Logged as it stands.
    Line(String),
    /// The identity switch failed: logged, and the session must end
    /// because the process may be half-switched.
    Fatal(String),
}

/// A login that passed every check.
pub struct Granted {
    pub pw: Passwd,
    pub identity: Identity,
    /// The client-visible directory after the switch.
    pub cwd: String,
}

/// The `<Anonymous>` context `name` logs into, with its account name:
/// the one whose `User` is `name`, or one a `UserAlias` maps `name` to.
pub fn find_anon(session: &Session, name: &str) -> Option<(CtxId, String)> {
    let cfg = &session.config;
    for anon in cfg.anonymous_of(session.server) {
        let Some(user) = cfg.get_here(anon, &mod_core::keys::USER) else {
            continue;
        };
        let aliased = cfg
            .get_all(anon, &USER_ALIAS)
            .into_iter()
            .any(|a| a.alias == name && a.user == *user);
        if user == name || aliased {
            return Some((anon, user.clone()));
        }
    }
    None
}

/// The real user behind a login name (`UserAlias`), outside `<Anonymous>`.
pub fn resolve_alias(session: &Session, name: &str) -> String {
    session
        .config
        .get_all(session.server, &USER_ALIAS)
        .into_iter()
        .find(|a| a.alias == name)
        .map_or_else(|| name.to_string(), |a| a.user.clone())
}

/// The lines of a list file (`/etc/shells`, `/etc/ftpusers`): comments
/// and blank lines dropped, surrounding space trimmed.
pub fn list_lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn shell_is_valid(host: &mut dyn SessionHost, shell: &str) -> bool {
    match host.read_file_as_root(Path::new(SHELLS_PATH)) {
        Ok(bytes) => list_lines(&bytes).iter().any(|s| s == shell),
        Err(_) => FALLBACK_SHELLS.contains(&shell),
    }
}

fn in_ftpusers(host: &mut dyn SessionHost, user: &str) -> bool {
    match host.read_file_as_root(Path::new(FTPUSERS_PATH)) {
        Ok(bytes) => list_lines(&bytes).iter().any(|u| u == user),
        Err(_) => false,
    }
}

/// Expands `~` (the user's home), `~/sub` and `~user` in a configured
/// path; other paths are returned as written. Trailing slashes go, so
/// prefix comparisons work.
pub fn expand_home(
    session: &mut Session,
    host: &mut dyn SessionHost,
    path: &str,
    home: &str,
) -> Option<String> {
    let expanded = if path == "~" {
        home.to_string()
    } else if let Some(rest) = path.strip_prefix("~/") {
        format!("{}/{rest}", home.trim_end_matches('/'))
    } else if let Some(rest) = path.strip_prefix('~') {
        let (user, sub) = rest.split_once('/').unwrap_or((rest, ""));
        let other = dispatch::getpwnam(session, host, user)?;
        if sub.is_empty() {
            other.dir
        } else {
            format!("{}/{sub}", other.dir.trim_end_matches('/'))
        }
    } else {
        path.to_string()
    };
    Some(normalize(&expanded))
}

/// Collapses repeated and trailing slashes (`/srv//ftp/` → `/srv/ftp`).
fn normalize(p: &str) -> String {
    let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    if p.starts_with('/') {
        format!("/{}", parts.join("/"))
    } else {
        parts.join("/")
    }
}

/// The first rule whose group expression the user satisfies.
fn first_matching<'a>(rules: &[&'a PathRule], groups: &[String]) -> Option<&'a PathRule> {
    rules.iter().copied().find(|r| r.groups.matches(groups))
}

/// A relative DefaultChdir names a directory below the home.
fn chdir_target(path: &str) -> String {
    if path.starts_with('/') || path.starts_with('~') {
        path.to_string()
    } else {
        format!("~/{path}")
    }
}

/// Where the user starts, as seen inside the chroot (if any): `home`
/// made relative to the root when it lies below it, else `/`.
fn inside(root: &str, path: &str) -> String {
    if root == "/" {
        return path.to_string();
    }
    match path.strip_prefix(root) {
        Some("") => "/".to_string(),
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ => "/".to_string(),
    }
}

/// Builds the identity of a granted login: groups, chroot, start
/// directory, root revocation and capabilities.
pub fn build_identity(
    session: &mut Session,
    host: &mut dyn SessionHost,
    pw: &Passwd,
    anon: Option<CtxId>,
) -> Result<Identity, Denial> {
    // The anonymous account's Group overrides its primary group.
    let gid = match anon.and_then(|a| session.config.get_here(a, &mod_core::keys::GROUP).cloned()) {
        Some(name) => match dispatch::getgrnam(session, host, &name) {
            Some(g) => g.gid,
            None => {
                return Err(Denial::Line(format!(
                    "ANON {}: unable to find Group '{name}'",
                    pw.name
                )));
            }
        },
        None => pw.gid,
    };
    let groups: Vec<Group> = dispatch::getgroups(session, host, &pw.name, gid);
    let mut gids: Vec<u32> = vec![gid];
    for g in &groups {
        if !gids.contains(&g.gid) {
            gids.push(g.gid);
        }
    }
    let mut names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    if !groups.iter().any(|g| g.gid == gid)
        && let Some(g) = dispatch::getgrgid(session, host, gid)
    {
        names.push(g.name);
    }

    let home = if pw.dir.is_empty() {
        "/".to_string()
    } else {
        normalize(&pw.dir)
    };
    let (chroot, mut chdir): (Option<String>, String) = match anon {
        Some(a) => {
            let dir = session
                .config
                .ctx(a)
                .args
                .first()
                .cloned()
                .unwrap_or_default();
            let root = expand_home(session, host, &dir, &home).ok_or_else(|| {
                Denial::Line(format!(
                    "ANON {}: unable to resolve <Anonymous {dir}>",
                    pw.name
                ))
            })?;
            (Some(root), "/".to_string())
        }
        None => {
            let rules: Vec<PathRule> = session
                .config
                .get_all(session.top_ctx(), &DEFAULT_ROOT)
                .into_iter()
                .cloned()
                .collect();
            let refs: Vec<&PathRule> = rules.iter().collect();
            match first_matching(&refs, &names) {
                Some(rule) => {
                    let root = expand_home(session, host, &rule.path, &home).ok_or_else(|| {
                        Denial::Reason(format!("unable to resolve DefaultRoot {}", rule.path))
                    })?;
                    if root == "/" {
                        (None, home.clone())
                    } else {
                        let start = inside(&root, &home);
                        (Some(root), start)
                    }
                }
                None => (None, home.clone()),
            }
        }
    };
    if anon.is_none() {
        let rules: Vec<PathRule> = session
            .config
            .get_all(session.top_ctx(), &DEFAULT_CHDIR)
            .into_iter()
            .cloned()
            .collect();
        let refs: Vec<&PathRule> = rules.iter().collect();
        if let Some(rule) = first_matching(&refs, &names)
            && let Some(p) = expand_home(session, host, &chdir_target(&rule.path), &home)
        {
            chdir = match &chroot {
                Some(root) if p.starts_with(root.as_str()) => inside(root, &p),
                _ => p,
            };
        }
    }

    let rr = session.get(&ROOT_REVOKE).copied().unwrap_or_default();
    let (mut caps, cap_revoke) = if session.modules.iter().any(|m| m.name == "mod_cap") {
        mod_cap::policy(&session.config, session.top_ctx())
    } else {
        (
            CapsPolicy {
                disabled: true,
                keep: Vec::new(),
            },
            false,
        )
    };
    if rr != RootRevoke::Off {
        // No active transfers from port L-1 once root is gone for good.
        caps.keep.retain(|c| c != mod_cap::DEFAULT_KEEP);
    }
    Ok(Identity {
        user: pw.name.clone(),
        uid: pw.uid,
        gid,
        groups: gids,
        chroot: chroot.map(PathBuf::from),
        chdir: PathBuf::from(chdir),
        root_revoke: rr != RootRevoke::Off || cap_revoke,
        caps,
    })
}

/// The checks of a PASS, in order: account lookup, password, account
/// state, root, shell, ftpusers; then the identity is built.
pub fn decide(
    session: &mut Session,
    host: &mut dyn SessionHost,
    login: &str,
    password: &[u8],
) -> Result<(Passwd, Identity), Denial> {
    let anon = find_anon(session, login);
    session.anon = anon.as_ref().map(|(ctx, _)| *ctx);
    let real = match &anon {
        Some((_, user)) => user.clone(),
        None => resolve_alias(session, login),
    };
    // AuthAliasOnly: a real account name is as good as unknown here.
    let alias_refused = real == login && session.get(&AUTH_ALIAS_ONLY).copied().unwrap_or(false);
    let found = if alias_refused {
        None
    } else {
        dispatch::getpwnam(session, host, &real)
    };
    let Some(pw) = found else {
        // Spend about the time a real check takes, so the reply's delay
        // does not tell unknown users from wrong passwords.
        let _ = host.crypt_check(password, TIMING_DUMMY_HASH);
        return Err(Denial::Line(format!(
            "USER {login}: no such user found from {} [{}] to {}:{}",
            session.peer_name,
            session.peer_ip(),
            session.local_ip(),
            session.local_addr.port()
        )));
    };

    let anon_free = anon.is_some()
        && !session
            .get(&ANON_REQUIRE_PASSWORD)
            .copied()
            .unwrap_or(false);
    if anon_free
        && let Some(rule) = session.get(&ANON_REJECT_PASSWORDS)
        && rule.rejects(&String::from_utf8_lossy(password))
    {
        return Err(Denial::Line(format!(
            "ANON {login}: AnonRejectPasswords denies login"
        )));
    }
    if !anon_free {
        if password.is_empty() && !session.get(&ALLOW_EMPTY_PASSWORDS).copied().unwrap_or(true) {
            return Err(Denial::Reason("Empty password not allowed".into()));
        }
        let override_hash = session
            .config
            .get_all(session.top_ctx(), &USER_PASSWORD)
            .into_iter()
            .find(|u| u.user == login || u.user == real)
            .map(|u| u.hash.clone());
        let checked = match override_hash {
            Some(hash) => dispatch::check(session, host, &hash, &real, password),
            None => dispatch::authenticate(session, host, &real, password),
        };
        checked.map_err(|code: AuthCode| Denial::Reason(code.log_text().into()))?;
    }
    dispatch::authorize(session, host, &real)
        .map_err(|code| Denial::Reason(code.log_text().into()))?;

    if pw.uid == 0 && !session.get(&ROOT_LOGIN).copied().unwrap_or(false) {
        return Err(Denial::Line(
            "SECURITY VIOLATION: Root login attempted".into(),
        ));
    }
    if session.get(&REQUIRE_VALID_SHELL).copied().unwrap_or(true)
        && !shell_is_valid(host, &pw.shell)
    {
        return Err(Denial::Reason(format!("Invalid shell: '{}'", pw.shell)));
    }
    if session.get(&USE_FTP_USERS).copied().unwrap_or(true) && in_ftpusers(host, &pw.name) {
        return Err(Denial::Reason(format!("User in {FTPUSERS_PATH}")));
    }
    let identity = build_identity(session, host, &pw, anon.map(|(c, _)| c))?;
    // Known before the switch, so the name sources can tell whether they
    // will still be in reach (PersistentPasswd).
    session.chroot = identity.chroot.clone();
    capture_names(session, host);
    Ok((pw, identity))
}

/// Fills `session.names` from every auth module, in dispatch order (the
/// first module to know an id names it), while /etc and the auth files
/// are still in reach: the identity switch may chroot.
fn capture_names(session: &mut Session, host: &mut dyn SessionHost) {
    let modules = session.auth_modules.clone();
    for m in modules {
        let Some(names) = m.table.names else {
            continue;
        };
        let mut ctx = proftpd_api::auth::AuthCtx {
            session: &mut *session,
            host: &mut *host,
        };
        let found = names(&mut ctx);
        session.names.merge_missing(found);
    }
}

/// Switches to the identity: `core.pre-chroot` first (still root), then
/// the one identity change. Returns the client-visible start directory.
pub fn switch(host: &mut dyn SessionHost, identity: &Identity) -> Result<String, Denial> {
    if identity.chroot.is_some() {
        host.emit(event::CORE_PRE_CHROOT, "");
    }
    host.become_user(identity).map_err(|e| {
        Denial::Fatal(format!(
            "unable to set up the session for {}: {e}",
            identity.user
        ))
    })?;
    Ok(resolve_cwd(&identity.chdir))
}

/// The directory the session really landed in: the identity change falls
/// back to `/` when the start directory cannot be entered, and a real
/// switch resolves symlinks; a host that did not move us leaves the
/// configured path.
fn resolve_cwd(chdir: &Path) -> String {
    if let Ok(cur) = std::env::current_dir() {
        if cur == Path::new("/") {
            return "/".to_string();
        }
        if std::fs::canonicalize(chdir).is_ok_and(|c| c == cur) {
            return cur.to_string_lossy().into_owned();
        }
    }
    chdir.to_string_lossy().into_owned()
}
