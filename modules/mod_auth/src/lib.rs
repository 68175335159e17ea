//! mod_auth for proftpd-rs.
#![forbid(unsafe_code)]

use proftpd_api::module::ModuleDef;

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_auth",
    ..ModuleDef::EMPTY
};
