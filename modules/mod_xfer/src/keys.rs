//! mod_xfer's configuration keys: the typed values its directives store
//! and its transfer handlers read. `TimeoutStalled` and
//! `TimeoutNoTransfer` live in `proftpd_api::data` (the runtime reads
//! them); mod_xfer only registers their directives.

use std::path::PathBuf;

use proftpd_api::config::ConfigKey;
use proftpd_api::session::TransferType;

/// `HiddenStores`: the temporary name of an upload is
/// `<prefix><name><suffix>` in the same directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenStores {
    pub prefix: String,
    pub suffix: String,
}

impl HiddenStores {
    /// ProFTPD's `HiddenStores on`: `.in.<name>.`.
    pub fn default_names() -> HiddenStores {
        HiddenStores {
            prefix: ".in.".into(),
            suffix: ".".into(),
        }
    }
}

/// Who a `TransferRate` or `Max*FileSize` line applies to (its optional
/// classifier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classifier {
    /// Everyone.
    All,
    /// `user a,b,!c`: any listed user (a `!` entry excludes).
    User(Vec<String>),
    /// `group a,b`: a member of every listed group.
    Group(Vec<String>),
    /// `class name`: classes are not implemented yet; never matches.
    Class(Vec<String>),
}

/// One `TransferRate cmd-list kbps[:free-bytes] [classifier expr]` line.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferRate {
    /// Upper-cased command names (`RETR`, `STOR`, `APPE`, `STOU`).
    pub commands: Vec<String>,
    /// Kilobytes (1024 bytes) per second.
    pub kbps: f64,
    /// Bytes sent at full speed before throttling starts.
    pub free_bytes: u64,
    pub who: Classifier,
}

/// One `MaxRetrieveFileSize`/`MaxStoreFileSize` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeLimit {
    /// Bytes; `None` for `*` (no limit).
    pub max: Option<u64>,
    pub who: Classifier,
}

/// Where the xferlog goes (`TransferLog path|NONE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferLogTarget {
    File(PathBuf),
    None,
}

/// 1.3.8's compile-time default when no `TransferLog` is configured
/// (Debian's build: written even when the config never names it).
pub const DEFAULT_TRANSFER_LOG: &str = "/var/log/xferlog";

pub static ALLOW_OVERWRITE: ConfigKey<bool> = ConfigKey::new("AllowOverwrite");
pub static ALLOW_STORE_RESTART: ConfigKey<bool> = ConfigKey::new("AllowStoreRestart");
pub static ALLOW_RETRIEVE_RESTART: ConfigKey<bool> = ConfigKey::new("AllowRetrieveRestart");
/// `None` when `HiddenStores off` was set explicitly.
pub static HIDDEN_STORES: ConfigKey<Option<HiddenStores>> = ConfigKey::new("HiddenStores");
pub static DELETE_ABORTED_STORES: ConfigKey<bool> = ConfigKey::new("DeleteAbortedStores");
/// Multi-valued (closest context first); the first line that applies to
/// the user wins.
pub static MAX_RETRIEVE_FILE_SIZE: ConfigKey<SizeLimit> = ConfigKey::new("MaxRetrieveFileSize");
pub static MAX_STORE_FILE_SIZE: ConfigKey<SizeLimit> = ConfigKey::new("MaxStoreFileSize");
/// Multi-valued (closest context first).
pub static TRANSFER_RATE: ConfigKey<TransferRate> = ConfigKey::new("TransferRate");
pub static TRANSFER_LOG: ConfigKey<TransferLogTarget> = ConfigKey::new("TransferLog");
pub static DEFAULT_TRANSFER_MODE: ConfigKey<TransferType> = ConfigKey::new("DefaultTransferMode");
pub static STORE_UNIQUE_PREFIX: ConfigKey<String> = ConfigKey::new("StoreUniquePrefix");
