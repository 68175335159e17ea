//! mod_ls for proftpd-rs: directory listings (ProFTPD's `modules/mod_ls.c`):
//! LIST, NLST and STAT, the ls options and the listing directives.
//!
//! Layout: `opts` parses ls options, `format` writes line pieces,
//! `fnmatch`/`glob` expand patterns within fixed bounds, `fsx` makes the
//! file system calls (one fstatat per entry), `engine` holds a listing's
//! state and output, `list`/`nlst` are the two algorithms, `commands`
//! the handlers.
#![forbid(unsafe_code)]

pub mod commands;
pub mod directives;
pub mod engine;
pub mod fnmatch;
pub mod format;
pub mod fsx;
pub mod glob;
pub mod keys;
pub mod list;
pub mod nlst;
pub mod opts;

use proftpd_api::cmd::{CmdClass, CmdGroup};
use proftpd_api::module::{CmdEntry, HelpEntry, InitError, ModuleDef};
use proftpd_api::session::{Session, SessionHost};

/// Every command handler mod_ls registers.
pub static COMMANDS: &[CmdEntry] = &[
    CmdEntry::cmd(
        "NLST",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::DIRS,
        commands::nlst::nlst,
    ),
    CmdEntry::cmd(
        "LIST",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::DIRS,
        commands::list::list,
    ),
    CmdEntry::cmd(
        "STAT",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::INFO,
        commands::stat::stat,
    ),
];

/// HELP entries, in ProFTPD 1.3.8's order.
pub static HELP: &[HelpEntry] = &[
    HelpEntry {
        command: "LIST",
        syntax: "[<sp> pathname]",
        implemented: true,
    },
    HelpEntry {
        command: "NLST",
        syntax: "[<sp> (pathname)]",
        implemented: true,
    },
    HelpEntry {
        command: "STAT",
        syntax: "[<sp> pathname]",
        implemented: true,
    },
];

/// Loads the local time zone while /etc is in reach (before any chroot)
/// when a `TimesGMT off` listing will need it.
fn sess_init(session: &mut Session, _host: &mut dyn SessionHost) -> Result<(), InitError> {
    if !session.get(&keys::TIMES_GMT).copied().unwrap_or(true) {
        let tz = jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC);
        session.state::<commands::common::LsState>().tz = Some(tz);
    }
    Ok(())
}

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_ls",
    directives: directives::DIRECTIVES,
    commands: COMMANDS,
    help: HELP,
    sess_init: Some(sess_init),
    ..ModuleDef::EMPTY
};

#[cfg(test)]
pub(crate) mod testutil;
