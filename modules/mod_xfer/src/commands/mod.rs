//! mod_xfer's command handlers, one file per verb.

pub mod abor;
pub mod allo;
pub mod hooks;
pub mod mode;
pub mod rang;
pub mod rest;
pub mod retr;
pub mod store;
pub mod stru;
pub mod transfer;
pub mod type_;

#[cfg(test)]
mod xfer_tests;

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

/// A setting chosen by one letter (MODE, STRU): one letter is supported,
/// some others are RFC 959 values we refuse (504), the rest are unknown
/// (501).
pub(crate) struct LetterSetting {
    /// The verb as the replies name it (`'MODE B' ...`).
    pub verb: &'static str,
    /// The supported letter, upper case.
    pub supported: &'static str,
    /// The 200 text when the supported letter is given.
    pub set_text: &'static str,
    /// Known letters we do not support, upper case.
    pub unsupported: &'static [&'static str],
    /// What the letter names in the error texts (`transfer mode`).
    pub what: &'static str,
}

/// Answers a [`LetterSetting`] command; letters are case-insensitive.
pub(crate) fn letter_setting(ctx: &mut CmdCtx<'_>, setting: &LetterSetting) -> ModRet {
    let verb = setting.verb;
    let args = ctx.cmd.args();
    if args.len() != 1 {
        ctx.reply_err(501, format!("'{verb}' not understood"));
        return ModRet::Error;
    }
    let raw = String::from_utf8_lossy(args[0]).into_owned();
    let upper = raw.to_ascii_uppercase();
    let what = setting.what;
    if upper == setting.supported {
        ctx.reply(200, setting.set_text);
        ModRet::Handled
    } else if setting.unsupported.contains(&upper.as_str()) {
        ctx.reply_err(504, format!("'{verb} {raw}' unsupported {what}"));
        ModRet::Error
    } else {
        ctx.reply_err(501, format!("'{verb} {raw}' unrecognized {what}"));
        ModRet::Error
    }
}
