//! mod_lang for proftpd-rs: LANG, OPTS UTF8 and path encoding (RFC 2640),
//! as ProFTPD's `modules/mod_lang.c`.
#![forbid(unsafe_code)]

use proftpd_api::module::ModuleDef;

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_lang",
    ..ModuleDef::EMPTY
};
