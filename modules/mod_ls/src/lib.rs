//! mod_ls for proftpd-rs.
#![forbid(unsafe_code)]

use proftpd_api::module::ModuleDef;

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_ls",
    ..ModuleDef::EMPTY
};
