//! mod_facts' configuration values, and the mod_ls settings its listings
//! honour (declared here by name and type: the config tree matches records
//! by both, so no dependency on mod_ls is needed).

use proftpd_api::config::ConfigKey;

use crate::facts::{FactSet, FactsOpts};

/// `FactsAdvertise on|off` (default on): the MFF, MFMT, MLST and TVFS FEAT
/// lines.
pub static FACTS_ADVERTISE: ConfigKey<bool> = ConfigKey::new("FactsAdvertise");
/// `FactsDefault fact ...`: the facts a session starts with (default all).
pub static FACTS_DEFAULT: ConfigKey<FactSet> = ConfigKey::new("FactsDefault");
/// `FactsOptions opt ...`; several lines add up.
pub static FACTS_OPTIONS: ConfigKey<FactsOpts> = ConfigKey::new("FactsOptions");

/// mod_ls' `ShowSymlinks` (default on for MLSD; MLST only shows symlinks
/// as such when it is set on explicitly, as 1.3.8 reads it).
pub static SHOW_SYMLINKS: ConfigKey<bool> = ConfigKey::new("ShowSymlinks");
/// mod_ls' `DirFakeUser`/`DirFakeGroup` (`None` for `off`) and
/// `DirFakeMode`.
pub static DIR_FAKE_USER: ConfigKey<Option<String>> = ConfigKey::new("DirFakeUser");
pub static DIR_FAKE_GROUP: ConfigKey<Option<String>> = ConfigKey::new("DirFakeGroup");
pub static DIR_FAKE_MODE: ConfigKey<u32> = ConfigKey::new("DirFakeMode");
