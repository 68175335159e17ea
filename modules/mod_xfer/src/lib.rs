//! mod_xfer for proftpd-rs: transfer parameters (TYPE STRU MODE ALLO REST
//! RANG), the transfers themselves (RETR STOR APPE STOU ABOR) and the
//! TransferLog (ProFTPD's `modules/mod_xfer.c` and `src/xferlog.c`).
#![forbid(unsafe_code)]

pub mod commands;
pub mod directives;
pub mod keys;
pub mod state;
pub mod xferlog;

use proftpd_api::cmd::{CmdClass, CmdGroup};
use proftpd_api::module::{CmdEntry, HelpEntry, InitError, ModuleDef, Phase};
use proftpd_api::session::{Session, SessionHost};

use commands::{abor, allo, hooks, mode, rang, rest, retr, store, stru, type_};

/// Every command handler mod_xfer registers.
pub static COMMANDS: &[CmdEntry] = &[
    // TYPE works before login (the client may set it first).
    CmdEntry::cmd("TYPE", None, false, CmdClass::MISC, type_::type_),
    CmdEntry::cmd("STRU", None, true, CmdClass::MISC, stru::stru),
    CmdEntry::cmd("MODE", None, true, CmdClass::MISC, mode::mode),
    CmdEntry::cmd("ALLO", None, true, CmdClass::MISC, allo::allo),
    CmdEntry::cmd("REST", None, true, CmdClass::MISC, rest::rest),
    CmdEntry::cmd("RANG", None, true, CmdClass::MISC, rang::rang),
    CmdEntry::cmd("ABOR", None, true, CmdClass::MISC, abor::abor),
    CmdEntry::cmd(
        "RETR",
        Some(CmdGroup::Read),
        true,
        CmdClass::READ,
        retr::retr,
    ),
    CmdEntry::cmd(
        "STOR",
        Some(CmdGroup::Write),
        true,
        CmdClass::WRITE,
        store::stor,
    ),
    CmdEntry::cmd(
        "APPE",
        Some(CmdGroup::Write),
        true,
        CmdClass::WRITE,
        store::appe,
    ),
    CmdEntry::cmd(
        "STOU",
        Some(CmdGroup::Write),
        true,
        CmdClass::WRITE,
        store::stou,
    ),
    // The xferlog line of DELE (mod_core deletes; the log is ours).
    CmdEntry::hook(Phase::PreCmd, "DELE", hooks::dele_pre),
    CmdEntry::hook(Phase::LogCmd, "DELE", hooks::dele_log),
    CmdEntry::hook(Phase::LogCmdErr, "DELE", hooks::dele_log_err),
    CmdEntry::hook(Phase::PostCmd, "PASS", hooks::pass_post),
];

const fn h(command: &'static str, syntax: &'static str) -> HelpEntry {
    HelpEntry {
        command,
        syntax,
        implemented: true,
    }
}

/// HELP entries, in ProFTPD 1.3.8's order and wording (`HELP RETR` etc.
/// measured).
pub static HELP: &[HelpEntry] = &[
    h("TYPE", "<sp> type-code (A, I, L 7, L 8)"),
    // 1.3.8 lists these as implemented, with this syntax text.
    h("STRU", "is not implemented (always F)"),
    h("MODE", "is not implemented (always S)"),
    h("RETR", "<sp> pathname"),
    h("STOR", "<sp> pathname"),
    h("STOU", "(store unique filename)"),
    h("APPE", "<sp> pathname"),
    h("REST", "<sp> byte-count"),
    h("ABOR", "(abort current operation)"),
    h("RANG", "<sp> start-point <sp> end-point"),
];

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_xfer",
    commands: COMMANDS,
    directives: directives::DIRECTIVES,
    help: HELP,
    sess_init: Some(sess_init),
    ..ModuleDef::EMPTY
};

/// Offers the FEAT lines and opens the TransferLog (as root, before any
/// chroot: `sess_init` runs before privileges drop).
fn sess_init(session: &mut Session, _host: &mut dyn SessionHost) -> Result<(), InitError> {
    session.features.insert("REST STREAM".to_string());
    session.features.insert("RANG STREAM".to_string());
    xferlog::open_for(session);
    Ok(())
}

#[cfg(test)]
pub(crate) mod testutil;
