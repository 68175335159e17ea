//! mod_auth's configuration keys and the typed values they hold.

use proftpd_api::config::ConfigKey;

/// One `AuthOrder` word: `mod_auth_file.c` or `mod_auth_file.c*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthOrderEntry {
    /// The module name without `.c`.
    pub module: String,
    /// `*` suffix: this module's answer is final.
    pub required: bool,
}

/// One term of a group expression: a group name, `!` negating it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTerm {
    pub negate: bool,
    pub name: String,
}

/// A group expression (`staff,!interns`): every term must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupExpr(pub Vec<GroupTerm>);

impl GroupExpr {
    /// Parses the words after the path of DefaultRoot/DefaultChdir; words
    /// and commas both separate terms.
    pub fn parse(words: &[String]) -> Result<GroupExpr, String> {
        let mut terms = Vec::new();
        for part in words.iter().flat_map(|w| w.split(',')) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (negate, name) = match part.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, part),
            };
            if name.is_empty() {
                return Err(format!("bad group expression term: '{part}'"));
            }
            terms.push(GroupTerm {
                negate,
                name: name.to_string(),
            });
        }
        Ok(GroupExpr(terms))
    }

    /// Whether a user in `groups` satisfies the expression (an empty
    /// expression matches everyone).
    pub fn matches(&self, groups: &[String]) -> bool {
        self.0.iter().all(|t| groups.contains(&t.name) != t.negate)
    }
}

/// `DefaultRoot path [group-expr]` and `DefaultChdir path [group-expr]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRule {
    /// As written: `~` (home), `~/sub`, or an absolute path.
    pub path: String,
    pub groups: GroupExpr,
}

/// `RootRevoke on|off|UseNonCompliantActiveTransfers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RootRevoke {
    #[default]
    Off,
    On,
    /// Root is revoked; active transfers come from a non-privileged port.
    NonCompliantActive,
}

/// `UserAlias alias real-user`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAlias {
    pub alias: String,
    pub user: String,
}

/// `UserPassword user hash`: a password hash that replaces the auth
/// modules' check for that user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPassword {
    pub user: String,
    pub hash: String,
}

pub static USER_PASSWORD: ConfigKey<UserPassword> = ConfigKey::new("UserPassword");
/// `AnonRejectPasswords [!]pattern [[NC]]`: anonymous passwords that are
/// refused (or, with `!`, the only ones accepted).
#[derive(Debug, Clone)]
pub struct RejectPasswords {
    pub re: regex::Regex,
    pub negate: bool,
}

impl RejectPasswords {
    pub fn rejects(&self, password: &str) -> bool {
        self.re.is_match(password) != self.negate
    }
}

pub static ANON_REJECT_PASSWORDS: ConfigKey<RejectPasswords> =
    ConfigKey::new("AnonRejectPasswords");
/// `AuthAliasOnly on|off`: only names given by a UserAlias may log in.
pub static AUTH_ALIAS_ONLY: ConfigKey<bool> = ConfigKey::new("AuthAliasOnly");
pub static AUTH_ORDER: ConfigKey<Vec<AuthOrderEntry>> = ConfigKey::new("AuthOrder");
pub static DEFAULT_ROOT: ConfigKey<PathRule> = ConfigKey::new("DefaultRoot");
pub static DEFAULT_CHDIR: ConfigKey<PathRule> = ConfigKey::new("DefaultChdir");
pub static REQUIRE_VALID_SHELL: ConfigKey<bool> = ConfigKey::new("RequireValidShell");
pub static ROOT_LOGIN: ConfigKey<bool> = ConfigKey::new("RootLogin");
pub static USE_FTP_USERS: ConfigKey<bool> = ConfigKey::new("UseFtpUsers");
pub static MAX_LOGIN_ATTEMPTS: ConfigKey<u32> = ConfigKey::new("MaxLoginAttempts");
pub static MAX_PASSWORD_SIZE: ConfigKey<usize> = ConfigKey::new("MaxPasswordSize");
pub static ACCESS_GRANT_MSG: ConfigKey<String> = ConfigKey::new("AccessGrantMsg");
pub static ACCESS_DENY_MSG: ConfigKey<String> = ConfigKey::new("AccessDenyMsg");
pub static USER_ALIAS: ConfigKey<UserAlias> = ConfigKey::new("UserAlias");
pub static ANON_REQUIRE_PASSWORD: ConfigKey<bool> = ConfigKey::new("AnonRequirePassword");
pub static TIMEOUT_LOGIN: ConfigKey<u32> = ConfigKey::new("TimeoutLogin");
pub static TIMEOUT_SESSION: ConfigKey<u32> = ConfigKey::new("TimeoutSession");
pub static ROOT_REVOKE: ConfigKey<RootRevoke> = ConfigKey::new("RootRevoke");
/// `DisplayLogin path`: a file sent as 230- lines before the 230.
pub static DISPLAY_LOGIN: ConfigKey<String> = ConfigKey::new("DisplayLogin");
pub static ALLOW_EMPTY_PASSWORDS: ConfigKey<bool> = ConfigKey::new("AllowEmptyPasswords");

/// Defaults of ProFTPD 1.3.8 for the keys above.
pub const DEFAULT_MAX_LOGIN_ATTEMPTS: u32 = 3;
pub const DEFAULT_MAX_PASSWORD_SIZE: usize = 1024;
pub const DEFAULT_TIMEOUT_LOGIN: u32 = 300;
/// TimeoutIdle's default, used when mod_core's key is unset.
pub const DEFAULT_TIMEOUT_IDLE: u32 = 600;
/// Longest USER argument accepted (ProFTPD's PR_TUNABLE_LOGIN_MAX).
pub const LOGIN_MAX: usize = 256;
