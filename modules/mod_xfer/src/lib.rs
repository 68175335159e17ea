//! mod_xfer for proftpd-rs.
#![forbid(unsafe_code)]

use proftpd_api::module::ModuleDef;

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_xfer",
    ..ModuleDef::EMPTY
};
