//! mod_auth_file for proftpd-rs: virtual users and groups from
//! passwd(5)/group(5)-format files (`AuthUserFile`, `AuthGroupFile`), as
//! ProFTPD's `modules/mod_auth_file.c` offers.
//!
//! The files are read through the host with root privileges on first use
//! in a session (before any chroot) and kept for the rest of the session.
#![forbid(unsafe_code)]

pub mod parse;

use std::path::PathBuf;

use proftpd_api::auth::{AuthAnswer, AuthCtx, AuthTable, Group, Passwd};
use proftpd_api::config::{ConfigError, ConfigKey, Contexts, DirectiveCtx, Merge};
use proftpd_api::module::{DirectiveEntry, ModuleDef};
use proftpd_api::session::NameMaps;

pub use parse::{Filter, IdRange};

/// `AuthUserFile path [id min-max] [home regex] [name regex]`.
#[derive(Debug, Clone)]
pub struct UserFileSpec {
    pub path: PathBuf,
    pub ids: Option<IdRange>,
    pub home: Option<Filter>,
    pub name: Option<Filter>,
}

/// `AuthGroupFile path [id min-max] [name regex]`.
#[derive(Debug, Clone)]
pub struct GroupFileSpec {
    pub path: PathBuf,
    pub ids: Option<IdRange>,
    pub name: Option<Filter>,
}

pub static AUTH_USER_FILE: ConfigKey<UserFileSpec> = ConfigKey::new("AuthUserFile");
pub static AUTH_GROUP_FILE: ConfigKey<GroupFileSpec> = ConfigKey::new("AuthGroupFile");
/// `AuthFileOptions ...`, the option words as written.
pub static AUTH_FILE_OPTIONS: ConfigKey<Vec<String>> = ConfigKey::new("AuthFileOptions");

const FILE_OPTIONS: &[&str] = &["InsecurePerms", "SyntaxCheck"];

/// What a session has read of its files, so each is read once.
#[derive(Default)]
struct FileCache {
    users: Option<Vec<Passwd>>,
    groups: Option<Vec<Group>>,
}

/// The filtered entries of the session's AuthUserFile, `None` when none is
/// configured.
fn users<'a>(ctx: &'a mut AuthCtx<'_>) -> Option<&'a [Passwd]> {
    let spec = ctx.session.get(&AUTH_USER_FILE)?.clone();
    if ctx.session.state::<FileCache>().users.is_none() {
        let entries = match ctx.host.read_file_as_root(&spec.path) {
            Ok(bytes) => parse::parse_users(&bytes)
                .into_iter()
                .filter(|u| parse::user_passes(&spec, u))
                .collect(),
            Err(e) => {
                log::error!(
                    "mod_auth_file: unable to read AuthUserFile {}: {e}",
                    spec.path.display()
                );
                Vec::new()
            }
        };
        ctx.session.state::<FileCache>().users = Some(entries);
    }
    ctx.session.state::<FileCache>().users.as_deref()
}

/// As [`users`], for the AuthGroupFile.
fn groups<'a>(ctx: &'a mut AuthCtx<'_>) -> Option<&'a [Group]> {
    let spec = ctx.session.get(&AUTH_GROUP_FILE)?.clone();
    if ctx.session.state::<FileCache>().groups.is_none() {
        let entries = match ctx.host.read_file_as_root(&spec.path) {
            Ok(bytes) => parse::parse_groups(&bytes)
                .into_iter()
                .filter(|g| parse::group_passes(&spec, g))
                .collect(),
            Err(e) => {
                log::error!(
                    "mod_auth_file: unable to read AuthGroupFile {}: {e}",
                    spec.path.display()
                );
                Vec::new()
            }
        };
        ctx.session.state::<FileCache>().groups = Some(entries);
    }
    ctx.session.state::<FileCache>().groups.as_deref()
}

fn found<T: Clone>(v: Option<&T>) -> AuthAnswer<T> {
    match v {
        Some(v) => AuthAnswer::Found(v.clone()),
        None => AuthAnswer::Declined,
    }
}

fn getpwnam(ctx: &mut AuthCtx<'_>, name: &str) -> AuthAnswer<Passwd> {
    found(users(ctx).and_then(|us| us.iter().find(|u| u.name == name)))
}

fn getpwuid(ctx: &mut AuthCtx<'_>, uid: u32) -> AuthAnswer<Passwd> {
    found(users(ctx).and_then(|us| us.iter().find(|u| u.uid == uid)))
}

fn getgrnam(ctx: &mut AuthCtx<'_>, name: &str) -> AuthAnswer<Group> {
    found(groups(ctx).and_then(|gs| gs.iter().find(|g| g.name == name)))
}

fn getgrgid(ctx: &mut AuthCtx<'_>, gid: u32) -> AuthAnswer<Group> {
    found(groups(ctx).and_then(|gs| gs.iter().find(|g| g.gid == gid)))
}

/// The user's primary group and every group listing them as a member.
fn getgroups(ctx: &mut AuthCtx<'_>, name: &str, gid: u32) -> AuthAnswer<Vec<Group>> {
    let Some(gs) = groups(ctx) else {
        return AuthAnswer::Declined;
    };
    let mine: Vec<Group> = gs
        .iter()
        .filter(|g| g.gid == gid || g.members.iter().any(|m| m == name))
        .cloned()
        .collect();
    if mine.is_empty() {
        AuthAnswer::Declined
    } else {
        AuthAnswer::Found(mine)
    }
}

fn auth(ctx: &mut AuthCtx<'_>, name: &str, password: &[u8]) -> AuthAnswer<()> {
    let hash = match users(ctx).and_then(|us| us.iter().find(|u| u.name == name)) {
        Some(u) => u.passwd.clone().unwrap_or_default(),
        None => return AuthAnswer::Declined,
    };
    // Empty and locked hashes are refused by crypt_check (fail closed).
    proftpd_api::auth::crypt_verdict(ctx.host, password, &hash)
}

/// The uid and gid names of the AuthUserFile and AuthGroupFile (as
/// filtered), for listings; the first entry naming an id wins.
fn names(ctx: &mut AuthCtx<'_>) -> NameMaps {
    let mut maps = NameMaps::default();
    for u in users(ctx).unwrap_or_default() {
        maps.users.entry(u.uid).or_insert_with(|| u.name.clone());
    }
    for g in groups(ctx).unwrap_or_default() {
        maps.groups.entry(g.gid).or_insert_with(|| g.name.clone());
    }
    maps
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

fn set_user_file(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 7)?;
    let spec = parse::user_file_spec(ctx.args).map_err(|m| ctx.error(m))?;
    ctx.add(&AUTH_USER_FILE, spec, Merge::Down);
    Ok(())
}

fn set_group_file(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 5)?;
    let spec = parse::group_file_spec(ctx.args).map_err(|m| ctx.error(m))?;
    ctx.add(&AUTH_GROUP_FILE, spec, Merge::Down);
    Ok(())
}

fn set_file_options(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let opts = ctx.option_args(FILE_OPTIONS, "AuthFileOption")?;
    ctx.add(&AUTH_FILE_OPTIONS, opts, Merge::Down);
    Ok(())
}

static DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("AuthFileOptions", Contexts::SVG, set_file_options),
    DirectiveEntry::new("AuthGroupFile", Contexts::SVG, set_group_file),
    DirectiveEntry::new("AuthUserFile", Contexts::SVG, set_user_file),
];

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_auth_file",
    version: "1.0",
    directives: DIRECTIVES,
    auth: Some(&AUTH),
    ..ModuleDef::EMPTY
};

#[cfg(test)]
mod tests;
