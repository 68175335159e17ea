//! mod_xfer for proftpd-rs: transfer parameters and (later) the transfers
//! themselves (ProFTPD's `modules/mod_xfer.c`).
#![forbid(unsafe_code)]

pub mod commands;

use proftpd_api::cmd::CmdClass;
use proftpd_api::module::{CmdEntry, HelpEntry, ModuleDef};

/// Every command handler mod_xfer registers.
pub static COMMANDS: &[CmdEntry] = &[
    // TYPE works before login (the client may set it first; mod_auth then
    // keeps it instead of applying DefaultTransferMode).
    CmdEntry::cmd("TYPE", None, false, CmdClass::MISC, commands::type_::type_),
    CmdEntry::cmd("STRU", None, true, CmdClass::MISC, commands::stru::stru),
    CmdEntry::cmd("MODE", None, true, CmdClass::MISC, commands::mode::mode),
    CmdEntry::cmd("ALLO", None, true, CmdClass::MISC, commands::allo::allo),
];

/// HELP entries, in ProFTPD 1.3.8's order. RETR STOR STOU APPE REST ABOR
/// RANG follow MODE there; they join when the transfers exist.
pub static HELP: &[HelpEntry] = &[
    HelpEntry {
        command: "TYPE",
        syntax: "<sp> type-code (A, I, L 7, L 8)",
        implemented: true,
    },
    // 1.3.8 lists these as implemented, with this syntax text.
    HelpEntry {
        command: "STRU",
        syntax: "is not implemented (always F)",
        implemented: true,
    },
    HelpEntry {
        command: "MODE",
        syntax: "is not implemented (always S)",
        implemented: true,
    },
];

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_xfer",
    commands: COMMANDS,
    help: HELP,
    ..ModuleDef::EMPTY
};

#[cfg(test)]
pub(crate) mod testutil;
