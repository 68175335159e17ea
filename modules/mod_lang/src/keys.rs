//! mod_lang's configuration values.

use proftpd_api::config::ConfigKey;

use crate::encoding::{LangOpts, UseEncoding};

/// `LangDefault <lang>`: kept only when it is a supported language.
pub static LANG_DEFAULT: ConfigKey<String> = ConfigKey::new("LangDefault");
/// `LangEngine on|off` (default on).
pub static LANG_ENGINE: ConfigKey<bool> = ConfigKey::new("LangEngine");
/// `LangOptions ...`; several lines add up.
pub static LANG_OPTIONS: ConfigKey<LangOpts> = ConfigKey::new("LangOptions");
/// `LangPath <dir>` (main server only).
pub static LANG_PATH: ConfigKey<String> = ConfigKey::new("LangPath");
/// `UseEncoding on|off|<local> <client> [strict]`.
pub static USE_ENCODING: ConfigKey<UseEncoding> = ConfigKey::new("UseEncoding");
