//! mod_core's command handlers, one file per verb (owner: session helper).

use proftpd_api::module::{CmdEntry, HelpEntry};

/// Every command handler mod_core registers.
pub static COMMANDS: &[CmdEntry] = &[];

/// mod_core's HELP entries.
pub static HELP: &[HelpEntry] = &[];
