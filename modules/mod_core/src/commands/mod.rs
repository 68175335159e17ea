//! mod_core's control-channel commands, one file per verb (RFC 959 §4.1
//! unless a file says otherwise), and the helpers they share: virtual path
//! resolution and the one errno-to-reply conversion.
//!
//! Reply texts are ProFTPD 1.3.8's, measured on the wire where the spec was
//! unsure (see `/work/shared/spec/commands.md`).

pub mod clnt;
pub mod csid;
pub mod cwd;
pub mod dataconn;
pub mod dele;
pub mod display;
pub mod eprt;
pub mod epsv;
pub mod feat;
pub mod help;
pub mod mdtm;
pub mod mkd;
pub mod noop;
pub mod opts;
pub mod pasv;
pub mod path;
pub mod port;
pub mod pwd;
pub mod quit;
pub mod rename;
pub mod rmd;
pub mod size;
pub mod smnt;
pub mod stat_arg;
pub mod syst;

use proftpd_api::cmd::{CmdClass, CmdGroup};
use proftpd_api::module::{CmdEntry, HelpEntry, Phase};

/// `501 Invalid number of parameters`, ProFTPD's generic argument-count
/// error (its `CHECK_CMD_ARGS`).
pub const BAD_PARAM_COUNT: &str = "Invalid number of parameters";

/// The command's argument words as 1.3.8 splits them (its `cmd->argv`
/// after the verb): on runs of C whitespace, tabs included (measured:
/// `PORT 127,0,0,1,4,1<TAB>x` is `501 Invalid number of parameters`).
/// `Cmd::args` splits on spaces only.
pub fn words(cmd: &proftpd_api::cmd::Cmd) -> Vec<&[u8]> {
    cmd.arg
        .split(|&b| crate::cnum::is_c_space(b))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every command handler mod_core registers.
pub static COMMANDS: &[CmdEntry] = &[
    // The RNFR sequence rule must see every command before its handler.
    CmdEntry::hook(Phase::PreCmd, "*", rename::pre_any),
    // After RNTO, whatever its outcome, no rename is pending. Only reached
    // after login: before it, the failed RNTO answers a second 530 here,
    // as on 1.3.8.
    CmdEntry::hook_auth(Phase::PostCmd, "RNTO", rename::rnto_cleanup),
    CmdEntry::hook_auth(Phase::PostCmdErr, "RNTO", rename::rnto_cleanup),
    CmdEntry::cmd("SYST", None, false, CmdClass::INFO, syst::syst),
    CmdEntry::cmd("NOOP", None, false, CmdClass::MISC, noop::noop),
    CmdEntry::cmd("FEAT", None, false, CmdClass::INFO, feat::feat),
    CmdEntry::cmd("OPTS", None, false, CmdClass::MISC, opts::opts),
    CmdEntry::cmd("HELP", None, false, CmdClass::INFO, help::help),
    CmdEntry::cmd("QUIT", None, false, CmdClass::INFO, quit::quit),
    CmdEntry::cmd("CLNT", None, false, CmdClass::INFO, clnt::clnt),
    CmdEntry::cmd("CSID", None, true, CmdClass::INFO, csid::csid),
    CmdEntry::cmd("SMNT", None, true, CmdClass::MISC, smnt::smnt),
    CmdEntry::cmd(
        "PWD",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::INFO.with(CmdClass::DIRS),
        pwd::pwd,
    ),
    CmdEntry::cmd(
        "XPWD",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::INFO.with(CmdClass::DIRS),
        pwd::pwd,
    ),
    CmdEntry::cmd("CWD", Some(CmdGroup::Dirs), true, CmdClass::DIRS, cwd::cwd),
    CmdEntry::cmd("XCWD", Some(CmdGroup::Dirs), true, CmdClass::DIRS, cwd::cwd),
    CmdEntry::cmd(
        "CDUP",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::DIRS,
        cwd::cdup,
    ),
    CmdEntry::cmd(
        "XCUP",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::DIRS,
        cwd::cdup,
    ),
    CmdEntry::cmd(
        "MKD",
        Some(CmdGroup::Write),
        true,
        CmdClass::DIRS.with(CmdClass::WRITE),
        mkd::mkd,
    ),
    CmdEntry::cmd(
        "XMKD",
        Some(CmdGroup::Write),
        true,
        CmdClass::DIRS.with(CmdClass::WRITE),
        mkd::mkd,
    ),
    CmdEntry::cmd(
        "RMD",
        Some(CmdGroup::Write),
        true,
        CmdClass::DIRS.with(CmdClass::WRITE),
        rmd::rmd,
    ),
    CmdEntry::cmd(
        "XRMD",
        Some(CmdGroup::Write),
        true,
        CmdClass::DIRS.with(CmdClass::WRITE),
        rmd::rmd,
    ),
    CmdEntry::cmd(
        "DELE",
        Some(CmdGroup::Write),
        true,
        CmdClass::WRITE,
        dele::dele,
    ),
    CmdEntry::cmd(
        "RNFR",
        Some(CmdGroup::Write),
        true,
        CmdClass::MISC.with(CmdClass::WRITE),
        rename::rnfr,
    ),
    CmdEntry::cmd(
        "RNTO",
        Some(CmdGroup::Write),
        true,
        CmdClass::MISC.with(CmdClass::WRITE),
        rename::rnto,
    ),
    // Data-connection setup: in no <Limit> group, so `<Limit ALL>` never
    // covers them (spec/commands.md, as 1.3.8).
    CmdEntry::cmd("PORT", None, true, CmdClass::MISC, port::port),
    CmdEntry::cmd("PASV", None, true, CmdClass::MISC, pasv::pasv),
    CmdEntry::cmd("EPRT", None, true, CmdClass::MISC, eprt::eprt),
    CmdEntry::cmd("EPSV", None, true, CmdClass::MISC, epsv::epsv),
    CmdEntry::cmd(
        "SIZE",
        Some(CmdGroup::Read),
        true,
        CmdClass::INFO,
        size::size,
    ),
    CmdEntry::cmd(
        "MDTM",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::INFO,
        mdtm::mdtm,
    ),
];

const fn h(command: &'static str, syntax: &'static str) -> HelpEntry {
    HelpEntry {
        command,
        syntax,
        implemented: true,
    }
}

const fn unimpl(command: &'static str, syntax: &'static str) -> HelpEntry {
    HelpEntry {
        command,
        syntax,
        implemented: false,
    }
}

/// mod_core's HELP entries, in ProFTPD 1.3.8's order (HELP lists them as
/// registered). 1.3.8 also lists HOST (after OPTS) here; it is added at
/// that place when the command exists, so that HELP never advertises what
/// the server cannot do. ALLO's entry sits here (1.3.8's order) although
/// mod_xfer handles the command.
pub static HELP: &[HelpEntry] = &[
    h("CWD", "<sp> pathname"),
    h("XCWD", "<sp> pathname"),
    h("CDUP", "(up one directory)"),
    h("XCUP", "(up one directory)"),
    unimpl("SMNT", "is not implemented"),
    h("QUIT", "(close control connection)"),
    h("PORT", "<sp> h1,h2,h3,h4,p1,p2"),
    h("PASV", "(returns address/port)"),
    h("EPRT", "<sp> |proto|addr|port|"),
    h("EPSV", "(returns port |||port|)"),
    h("ALLO", "<sp> size"),
    h("RNFR", "<sp> pathname"),
    h("RNTO", "<sp> pathname"),
    h("DELE", "<sp> pathname"),
    h("MDTM", "<sp> pathname"),
    h("RMD", "<sp> pathname"),
    h("XRMD", "<sp> pathname"),
    h("MKD", "<sp> pathname"),
    h("XMKD", "<sp> pathname"),
    h("PWD", "(returns current working directory)"),
    h("XPWD", "(returns current working directory)"),
    h("SIZE", "<sp> pathname"),
    h("SYST", "(returns system type)"),
    h("HELP", "[<sp> command]"),
    h("NOOP", "(no operation)"),
    h("FEAT", "(returns feature list)"),
    h("OPTS", "<sp> command [<sp> options]"),
    h("CLNT", "<cp> client-info"),
    // RFC 2228 verbs: listed as unimplemented until mod_tls provides them.
    unimpl("AUTH", "<sp> base64-data"),
    unimpl("CCC", "(clears protection level)"),
    unimpl("CONF", "<sp> base64-data"),
    unimpl("ENC", "<sp> base64-data"),
    unimpl("MIC", "<sp> base64-data"),
    unimpl("PBSZ", "<sp> protection buffer size"),
    unimpl("PROT", "<sp> protection code"),
];

pub use proftpd_api::reply::{errno_text, path_reason};

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_table_has_unique_names() {
        let mut names: Vec<&str> = HELP.iter().map(|e| e.command).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
