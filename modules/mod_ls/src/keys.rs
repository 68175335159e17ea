//! mod_ls's configuration keys and the typed values its directives store.

use proftpd_api::config::ConfigKey;

/// `ListOptions "opts" [strict] [maxdepth n] [maxfiles n] [maxdirs n]
/// [LISTOnly] [NLSTOnly] [NoErrorIfAbsent] [AdjustedSymlinks]
/// [SortedNLST]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// The option string (`-a`, `-l +R`...), parsed on every command.
    pub opts: Vec<u8>,
    /// `strict`: the client's own options are skipped, not applied.
    pub strict: bool,
    /// 0 = no limit (as configured; the engine adds one, as 1.3.8 does).
    pub maxdepth: u32,
    pub maxfiles: u32,
    pub maxdirs: u32,
    pub list_only: bool,
    pub nlst_only: bool,
    /// A missing path lists as empty (226) instead of 450.
    pub no_error_if_absent: bool,
    /// Accepted; symlink targets are shown as read either way.
    pub adjusted_symlinks: bool,
    /// NLST of a directory sorts its names (else directory order).
    pub sorted_nlst: bool,
}

/// `ListStyle Unix|Windows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListStyle {
    #[default]
    Unix,
    Windows,
}

pub static LIST_OPTIONS: ConfigKey<ListOptions> = ConfigKey::new("ListOptions");
pub static LIST_STYLE: ConfigKey<ListStyle> = ConfigKey::new("ListStyle");
/// `ShowSymlinks` (default on).
pub static SHOW_SYMLINKS: ConfigKey<bool> = ConfigKey::new("ShowSymlinks");
/// `TimesGMT` (default on): listing times in UTC, else local time.
pub static TIMES_GMT: ConfigKey<bool> = ConfigKey::new("TimesGMT");
/// `UseGlobbing` (default on).
pub static USE_GLOBBING: ConfigKey<bool> = ConfigKey::new("UseGlobbing");
/// `DirFakeUser on [name]` stores `Some(name)` (`ftp` by default, `~`
/// for the logged-in user); `off` stores `None`.
pub static DIR_FAKE_USER: ConfigKey<Option<String>> = ConfigKey::new("DirFakeUser");
/// As [`DIR_FAKE_USER`], for the group column (`~`: the user's group).
pub static DIR_FAKE_GROUP: ConfigKey<Option<String>> = ConfigKey::new("DirFakeGroup");
/// `DirFakeMode octal`: the permission bits shown for every entry.
pub static DIR_FAKE_MODE: ConfigKey<u32> = ConfigKey::new("DirFakeMode");
