//! mod_facts for proftpd-rs: RFC 3659 machine listings and file facts
//! (MLSD, MLST, OPTS MLST, MFMT, MFF), as ProFTPD's `modules/mod_facts.c`.
#![forbid(unsafe_code)]

use proftpd_api::module::ModuleDef;

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_facts",
    ..ModuleDef::EMPTY
};
