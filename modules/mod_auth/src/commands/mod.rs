//! USER, PASS, ACCT and REIN (RFC 959 §4.1.1), with ProFTPD's replies
//! (spec/commands.md §1.2): one file per verb, the table here.
//!
//! Log levels follow the daemon's mapping (src/logging): ProFTPD's notice
//! is `info!`, its info is `info!` with an `*.info` target; the `auth`
//! target marks pr_log_auth messages (authpriv under syslog).

pub mod pass;
pub mod unimplemented;
pub mod user;

use proftpd_api::cmd::CmdClass;
use proftpd_api::module::{CmdEntry, HelpEntry};

pub use pass::pass;
pub use unimplemented::{acct, rein};
pub use user::user;

/// What USER/PASS remember between commands.
#[derive(Default)]
pub struct LoginState {
    /// The name of the last USER, waiting for its PASS.
    pub pending: Option<String>,
    /// Failed PASS commands so far (MaxLoginAttempts).
    pub failures: u32,
}

pub(crate) const LOGIN_INCORRECT: &str = "Login incorrect.";

pub static COMMANDS: &[CmdEntry] = &[
    CmdEntry::cmd("USER", None, false, CmdClass::AUTH, user),
    CmdEntry::cmd("PASS", None, false, CmdClass::AUTH, pass),
    CmdEntry::cmd("ACCT", None, false, CmdClass::AUTH, acct),
    CmdEntry::cmd("REIN", None, false, CmdClass::AUTH, rein),
];

pub static HELP: &[HelpEntry] = &[
    HelpEntry {
        command: "USER",
        syntax: "<sp> username",
        implemented: true,
    },
    HelpEntry {
        command: "PASS",
        syntax: "<sp> password",
        implemented: true,
    },
    HelpEntry {
        command: "ACCT",
        syntax: "is not implemented",
        implemented: false,
    },
    HelpEntry {
        command: "REIN",
        syntax: "is not implemented",
        implemented: false,
    },
];
