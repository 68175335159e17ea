//! mod_auth_unix for proftpd-rs: users and groups from the system's NSS
//! (passwd, group, getgrouplist), passwords from shadow(5) checked with
//! the system crypt(3) (ProFTPD's `modules/mod_auth_unix.c`).
//!
//! Lookups go through nix (the `_r` NSS calls); shadow and crypt go
//! through the [`SessionHost`](proftpd_api::session::SessionHost), which
//! reads shadow as root and owns the only FFI.
#![forbid(unsafe_code)]

use std::ffi::CString;

use nix::unistd::{Gid, Uid};
use proftpd_api::auth::{AuthAnswer, AuthCode, AuthCtx, AuthTable, Group, Passwd};
use proftpd_api::config::{ConfigError, ConfigKey, Contexts, DirectiveCtx, Merge};
use proftpd_api::module::{DirectiveEntry, ModuleDef};
use proftpd_api::session::{NameMaps, Shadow};

/// `PersistentPasswd on|off` (default off): whether /etc/passwd and
/// /etc/group stay usable for listing names inside a chroot. Logins look
/// the user up before the chroot either way.
pub static PERSISTENT_PASSWD: ConfigKey<bool> = ConfigKey::new("PersistentPasswd");
/// `AuthUnixOptions ...`: the option words as written.
pub static AUTH_UNIX_OPTIONS: ConfigKey<Vec<String>> = ConfigKey::new("AuthUnixOptions");

/// The options `AuthUnixOptions` knows.
const UNIX_OPTIONS: &[&str] = &[
    "aixNoRLogin",
    "NoGetgrouplist",
    "MagicTokenChroot",
    "NoInitgroups",
];

fn to_passwd(u: nix::unistd::User) -> Passwd {
    let hash = u.passwd.to_string_lossy().into_owned();
    Passwd {
        name: u.name,
        // "x" (and "*" on some systems) only says "look in shadow".
        passwd: (hash != "x").then_some(hash),
        uid: u.uid.as_raw(),
        gid: u.gid.as_raw(),
        gecos: u.gecos.to_string_lossy().into_owned(),
        dir: u.dir.to_string_lossy().into_owned(),
        shell: u.shell.to_string_lossy().into_owned(),
    }
}

fn to_group(g: nix::unistd::Group) -> Group {
    Group {
        name: g.name,
        gid: g.gid.as_raw(),
        members: g.mem,
    }
}

fn getpwnam(_ctx: &mut AuthCtx<'_>, name: &str) -> AuthAnswer<Passwd> {
    match nix::unistd::User::from_name(name) {
        Ok(Some(u)) => AuthAnswer::Found(to_passwd(u)),
        _ => AuthAnswer::Declined,
    }
}

fn getpwuid(_ctx: &mut AuthCtx<'_>, uid: u32) -> AuthAnswer<Passwd> {
    match nix::unistd::User::from_uid(Uid::from_raw(uid)) {
        Ok(Some(u)) => AuthAnswer::Found(to_passwd(u)),
        _ => AuthAnswer::Declined,
    }
}

fn getgrnam(_ctx: &mut AuthCtx<'_>, name: &str) -> AuthAnswer<Group> {
    match nix::unistd::Group::from_name(name) {
        Ok(Some(g)) => AuthAnswer::Found(to_group(g)),
        _ => AuthAnswer::Declined,
    }
}

fn getgrgid(_ctx: &mut AuthCtx<'_>, gid: u32) -> AuthAnswer<Group> {
    match nix::unistd::Group::from_gid(Gid::from_raw(gid)) {
        Ok(Some(g)) => AuthAnswer::Found(to_group(g)),
        _ => AuthAnswer::Declined,
    }
}

fn getgroups(_ctx: &mut AuthCtx<'_>, name: &str, gid: u32) -> AuthAnswer<Vec<Group>> {
    let Ok(cname) = CString::new(name) else {
        return AuthAnswer::Declined;
    };
    // Only users NSS knows are ours; others belong to another module.
    if !matches!(nix::unistd::User::from_name(name), Ok(Some(_))) {
        return AuthAnswer::Declined;
    }
    let gids = match nix::unistd::getgrouplist(&cname, Gid::from_raw(gid)) {
        Ok(g) => g,
        Err(e) => {
            log::debug!("getgrouplist for {name}: {e}");
            return AuthAnswer::Declined;
        }
    };
    let groups = gids
        .into_iter()
        .map(|g| match nix::unistd::Group::from_gid(g) {
            Ok(Some(gr)) => to_group(gr),
            // A gid without a name still counts for setgroups.
            _ => Group {
                name: g.as_raw().to_string(),
                gid: g.as_raw(),
                members: Vec::new(),
            },
        })
        .collect();
    AuthAnswer::Found(groups)
}

/// Days since the epoch, the unit of shadow(5) dates.
fn today() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    i64::try_from(secs / 86_400).unwrap_or(i64::MAX)
}

/// The account-age rules of shadow(5), applied after a correct password:
/// an expired account is disabled; a password past its maximum age is
/// expired, and disabled once the inactivity grace has passed too.
pub fn shadow_verdict(sp: &Shadow, today: i64) -> Option<AuthCode> {
    if let Some(expire) = sp.expire.filter(|e| *e > 0)
        && today >= expire
    {
        return Some(AuthCode::AccountDisabled);
    }
    if let (Some(last), Some(max)) = (sp.last_change.filter(|l| *l > 0), sp.max_days)
        && max > 0
        && today > last.saturating_add(max)
    {
        if let Some(inact) = sp.inactive_days.filter(|i| *i > 0)
            && today > last.saturating_add(max).saturating_add(inact)
        {
            return Some(AuthCode::AccountDisabled);
        }
        return Some(AuthCode::PasswordExpired);
    }
    None
}

fn auth(ctx: &mut AuthCtx<'_>, name: &str, password: &[u8]) -> AuthAnswer<()> {
    let user = match nix::unistd::User::from_name(name) {
        Ok(Some(u)) => to_passwd(u),
        _ => return AuthAnswer::Declined,
    };
    let shadow = ctx.host.shadow(name);
    let hash = match (&shadow, &user.passwd) {
        (Some(sp), _) => sp.hash.clone(),
        (None, Some(h)) => h.clone(),
        // "x" but no readable shadow entry: nothing to check against.
        (None, None) => return AuthAnswer::Failed(AuthCode::BadPassword),
    };
    // crypt_check rejects empty and locked hashes itself: an account with
    // no password never logs in here (fail closed).
    if !ctx.host.crypt_check(password, &hash) {
        return AuthAnswer::Failed(AuthCode::BadPassword);
    }
    if let Some(code) = shadow.as_ref().and_then(|sp| shadow_verdict(sp, today())) {
        return AuthAnswer::Failed(code);
    }
    AuthAnswer::Found(())
}

/// The system account files [`names`] reads.
const PASSWD_PATH: &str = "/etc/passwd";
const GROUP_PATH: &str = "/etc/group";
/// Larger account files are not read for names: a listing shows numbers
/// rather than let a huge file take the session's memory.
pub const MAX_NAMES_FILE: u64 = 16 * 1024 * 1024;

/// `name:x:id:...` lines to an id-to-name map; the first line naming an
/// id wins (as getpwuid's scan of the files does). Comments, `+`/`-` NIS
/// markers and malformed lines are skipped.
pub fn parse_id_names(bytes: &[u8]) -> std::collections::HashMap<u32, String> {
    let mut out = std::collections::HashMap::new();
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() || line[0] == b'#' || line[0] == b'+' || line[0] == b'-' {
            continue;
        }
        let mut fields = line.split(|&b| b == b':');
        let (Some(name), Some(_), Some(id)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        let Some(id) = std::str::from_utf8(id)
            .ok()
            .and_then(|t| t.parse::<u32>().ok())
        else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        out.entry(id)
            .or_insert_with(|| String::from_utf8_lossy(name).into_owned());
    }
    out
}

/// Reads one account file for [`names`], refusing oversized ones.
fn read_capped(ctx: &mut AuthCtx<'_>, path: &str) -> Vec<u8> {
    let p = std::path::Path::new(path);
    if std::fs::metadata(p).is_ok_and(|m| m.len() > MAX_NAMES_FILE) {
        log::warn!(
            "mod_auth_unix: {path} is larger than {MAX_NAMES_FILE} bytes, not read for names"
        );
        return Vec::new();
    }
    match ctx.host.read_file_as_root(p) {
        Ok(b) if b.len() as u64 <= MAX_NAMES_FILE => b,
        Ok(_) => Vec::new(),
        Err(e) => {
            log::debug!("mod_auth_unix: unable to read {path}: {e}");
            Vec::new()
        }
    }
}

/// Every uid and gid name of /etc/passwd and /etc/group, for listings.
/// A session that will be chrooted gets none unless `PersistentPasswd
/// on`: 1.3.8 looks names up when it lists, and inside the chroot the
/// files are gone, so it shows numbers (measured; PersistentPasswd keeps
/// them open).
fn names(ctx: &mut AuthCtx<'_>) -> NameMaps {
    let persistent = ctx
        .session
        .get(&PERSISTENT_PASSWD)
        .copied()
        .unwrap_or(false);
    if ctx.session.chroot.is_some() && !persistent {
        return NameMaps::default();
    }
    NameMaps {
        users: parse_id_names(&read_capped(ctx, PASSWD_PATH)),
        groups: parse_id_names(&read_capped(ctx, GROUP_PATH)),
    }
}

static AUTH: AuthTable = AuthTable {
    getpwnam: Some(getpwnam),
    getpwuid: Some(getpwuid),
    getgrnam: Some(getgrnam),
    getgrgid: Some(getgrgid),
    getgroups: Some(getgroups),
    auth: Some(auth),
    check: Some(proftpd_api::auth::crypt_check),
    authorize: None,
    names: Some(names),
};

fn set_persistent_passwd(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let on = ctx.bool_arg(0)?;
    ctx.add(&PERSISTENT_PASSWD, on, Merge::Down);
    Ok(())
}

fn set_unix_options(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let opts = ctx.option_args(UNIX_OPTIONS, "AuthUnixOption")?;
    ctx.add(&AUTH_UNIX_OPTIONS, opts, Merge::Down);
    Ok(())
}

static DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("AuthUnixOptions", Contexts::SVG, set_unix_options),
    DirectiveEntry::new("PersistentPasswd", Contexts::SVG, set_persistent_passwd),
];

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_auth_unix",
    version: "",
    directives: DIRECTIVES,
    auth: Some(&AUTH),
    ..ModuleDef::EMPTY
};

#[cfg(test)]
mod tests;
