//! Auth tables: how modules answer user, group and password questions.
//!
//! The runtime walks the modules in priority order (or `AuthOrder`) and
//! takes the first answer that is not [`AuthAnswer::Declined`], as ProFTPD's
//! `pr_auth_*` dispatch does. Result codes mirror `PR_AUTH_*` so that
//! mod_auth can log ProFTPD's exact failure texts.

use crate::session::{Session, SessionHost};

/// A passwd(5) entry, as NSS or an AuthUserFile gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passwd {
    pub name: String,
    /// The password hash when the source carries one (AuthUserFile);
    /// `None` for NSS entries whose hash lives in shadow.
    pub passwd: Option<String>,
    pub uid: u32,
    pub gid: u32,
    pub gecos: String,
    pub dir: String,
    pub shell: String,
}

/// A group(5) entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub gid: u32,
    pub members: Vec<String>,
}

/// Why an authentication failed (ProFTPD's `PR_AUTH_*` error codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthCode {
    /// Generic error (`PR_AUTH_ERROR`).
    Error,
    /// No such user (`PR_AUTH_NOPWD`).
    NoSuchUser,
    /// Wrong password (`PR_AUTH_BADPWD`).
    BadPassword,
    /// Password expired (`PR_AUTH_AGEPWD`).
    PasswordExpired,
    /// Account disabled (`PR_AUTH_DISABLEDPWD`).
    AccountDisabled,
    /// Credentials insufficient for this method (`PR_AUTH_CRED_INSUFFICIENT`).
    CredInsufficient,
}

impl AuthCode {
    /// The reason mod_auth logs after `USER x (Login failed): `.
    pub fn log_text(self) -> &'static str {
        match self {
            AuthCode::NoSuchUser => "No such user found",
            AuthCode::BadPassword => "Incorrect password",
            AuthCode::PasswordExpired => "Password expired",
            AuthCode::AccountDisabled => "Account disabled",
            AuthCode::Error | AuthCode::CredInsufficient => "Incorrect password",
        }
    }
}

/// One module's answer to an auth question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthAnswer<T> {
    /// Not this module's business; ask the next one.
    Declined,
    /// Answered.
    Found(T),
    /// Answered negatively; the dispatch stops here.
    Failed(AuthCode),
}

/// What an auth function gets: the session (config, module state) and the
/// host (privileged helpers such as shadow and crypt).
pub struct AuthCtx<'a> {
    pub session: &'a mut Session,
    pub host: &'a mut dyn SessionHost,
}

pub type GetPwNamFn = fn(&mut AuthCtx<'_>, &str) -> AuthAnswer<Passwd>;
pub type GetPwUidFn = fn(&mut AuthCtx<'_>, u32) -> AuthAnswer<Passwd>;
pub type GetGrNamFn = fn(&mut AuthCtx<'_>, &str) -> AuthAnswer<Group>;
pub type GetGrGidFn = fn(&mut AuthCtx<'_>, u32) -> AuthAnswer<Group>;
/// Supplementary groups of a user whose primary gid is given.
pub type GetGroupsFn = fn(&mut AuthCtx<'_>, &str, u32) -> AuthAnswer<Vec<Group>>;
/// Checks a user's password: the module looks up its own hash.
pub type AuthFn = fn(&mut AuthCtx<'_>, &str, &[u8]) -> AuthAnswer<()>;
/// Checks a password against a given hash (`UserPassword`, anonymous).
pub type CheckFn = fn(&mut AuthCtx<'_>, &str, &str, &[u8]) -> AuthAnswer<()>;
/// Account checks after the password (expiry, PAM account management).
pub type AuthorizeFn = fn(&mut AuthCtx<'_>, &str) -> AuthAnswer<()>;
/// Every user and group name the module knows, read before the session
/// is chrooted (ProFTPD's uid2name/gid2name must keep working inside the
/// chroot, where /etc/passwd is out of reach): listings show names.
pub type NamesFn = fn(&mut AuthCtx<'_>) -> crate::session::NameMaps;

/// crypt(3)s `password` against `hash` through the host: `Found`, or
/// `Failed(BadPassword)`. Empty and locked hashes fail (the host's
/// `crypt_check` refuses them: fail closed).
pub fn crypt_verdict(host: &mut dyn SessionHost, password: &[u8], hash: &str) -> AuthAnswer<()> {
    if host.crypt_check(password, hash) {
        AuthAnswer::Found(())
    } else {
        AuthAnswer::Failed(AuthCode::BadPassword)
    }
}

/// The [`CheckFn`] of every module whose hashes are crypt(3) hashes
/// (mod_auth_unix, mod_auth_file): checks a password against a given hash
/// (`UserPassword`-style checks).
pub fn crypt_check(
    ctx: &mut AuthCtx<'_>,
    hash: &str,
    _name: &str,
    password: &[u8],
) -> AuthAnswer<()> {
    crypt_verdict(ctx.host, password, hash)
}

/// A module's auth functions; each is optional (ProFTPD's authtable).
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthTable {
    pub getpwnam: Option<GetPwNamFn>,
    pub getpwuid: Option<GetPwUidFn>,
    pub getgrnam: Option<GetGrNamFn>,
    pub getgrgid: Option<GetGrGidFn>,
    pub getgroups: Option<GetGroupsFn>,
    pub auth: Option<AuthFn>,
    pub check: Option<CheckFn>,
    pub authorize: Option<AuthorizeFn>,
    pub names: Option<NamesFn>,
}

impl AuthTable {
    /// An empty table, usable in `const` context.
    pub const EMPTY: AuthTable = AuthTable {
        getpwnam: None,
        getpwuid: None,
        getgrnam: None,
        getgrgid: None,
        getgroups: None,
        auth: None,
        check: None,
        authorize: None,
        names: None,
    };
}
