//! mod_core for proftpd-rs: the core directives and the control-channel
//! commands that need no other module (ProFTPD's `modules/mod_core.c`).
#![forbid(unsafe_code)]

pub mod commands;
pub mod directives;
pub mod keys;

use proftpd_api::module::ModuleDef;

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_core",
    version: "",
    directives: directives::DIRECTIVES,
    commands: commands::COMMANDS,
    help: commands::HELP,
    ..ModuleDef::EMPTY
};
