//! mod_ls for proftpd-rs: directory listings and STAT (ProFTPD's
//! `modules/mod_ls.c`). LIST, NLST and `STAT <path>` come with the
//! listing code; for now only the session status (`STAT` alone) exists.
#![forbid(unsafe_code)]

pub mod commands;

use proftpd_api::cmd::{CmdClass, CmdGroup};
use proftpd_api::module::{CmdEntry, HelpEntry, ModuleDef};

/// Every command handler mod_ls registers.
pub static COMMANDS: &[CmdEntry] = &[CmdEntry::cmd(
    "STAT",
    Some(CmdGroup::Dirs),
    true,
    CmdClass::INFO,
    commands::stat::stat,
)];

/// HELP entries, in ProFTPD 1.3.8's order (LIST and NLST precede STAT
/// there; they join when listings exist).
pub static HELP: &[HelpEntry] = &[HelpEntry {
    command: "STAT",
    syntax: "[<sp> pathname]",
    implemented: true,
}];

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_ls",
    commands: COMMANDS,
    help: HELP,
    ..ModuleDef::EMPTY
};

#[cfg(test)]
pub(crate) mod testutil;
