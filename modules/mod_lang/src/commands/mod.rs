//! mod_lang's commands (RFC 2640 §4 LANG, OPTS UTF8 from
//! draft-ietf-ftpext-utf-8-option), the path check that runs before other
//! modules' handlers, and the re-reading of UseEncoding after login.

pub mod check;
pub mod lang;
pub mod opts_utf8;

use proftpd_api::cmd::CmdClass;
use proftpd_api::module::{CmdEntry, ModRet, Phase};
use proftpd_api::session::CmdCtx;

pub static COMMANDS: &[CmdEntry] = &[
    CmdEntry::hook(Phase::PreCmd, "*", check::check_path),
    CmdEntry::cmd("LANG", None, false, CmdClass::NONE, lang::lang),
    CmdEntry::cmd(
        "OPTS_UTF8",
        None,
        false,
        CmdClass::NONE,
        opts_utf8::opts_utf8,
    ),
    CmdEntry::hook(Phase::PostCmd, "PASS", post_pass),
];

/// After a login, the configured encoding applies again (whatever
/// `OPTS UTF8` chose before), as 1.3.8 re-reads UseEncoding then.
fn post_pass(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.session.server_get(&crate::keys::USE_ENCODING).is_some() {
        let e = crate::state::configured_encoding(ctx.session);
        *crate::state::encoding(ctx.session) = e;
    }
    ModRet::Declined
}

#[cfg(test)]
pub(crate) mod testutil {
    use proftpd_api::cmd::Cmd;
    use proftpd_api::config::ConfigTree;
    use proftpd_api::module::{ModRet, ModuleDef};
    use proftpd_api::reply::format_reply;
    use proftpd_api::session::{CmdCtx, Session};
    use proftpd_api::testing::FakeHost;

    pub static MODULES: &[&ModuleDef] = &[&crate::MODULE];

    pub fn session(tree: ConfigTree) -> Session {
        proftpd_api::testing::session_over(MODULES, tree)
    }

    /// Runs `handler` on a command as dispatch (or OPTS, for `OPTS X`)
    /// hands it over; the reply bytes and the result.
    pub fn run(
        s: &mut Session,
        handler: fn(&mut CmdCtx<'_>) -> ModRet,
        line: &[u8],
    ) -> (ModRet, Vec<u8>) {
        let mut cmd = Cmd::parse(line);
        if cmd.verb == "OPTS" {
            let sub = cmd
                .args()
                .first()
                .map(|w| w.to_ascii_uppercase())
                .unwrap_or_default();
            let rest = cmd
                .arg
                .iter()
                .position(|&b| b == b' ')
                .map_or(Vec::new(), |i| cmd.arg[i + 1..].to_vec());
            let mut raw = b"OPTS_".to_vec();
            raw.extend_from_slice(&sub);
            cmd = Cmd {
                verb: String::from_utf8_lossy(&raw).into_owned(),
                verb_raw: raw,
                arg: rest,
                line: line.to_vec(),
            };
        }
        let mut host = FakeHost::default();
        let ret = handler(&mut CmdCtx {
            cmd: &cmd,
            session: s,
            host: &mut host,
        });
        let lines = s.replies.take(ret == ModRet::Error);
        (ret, format_reply(&lines, s.multiline))
    }

    pub fn text(s: &mut Session, handler: fn(&mut CmdCtx<'_>) -> ModRet, line: &str) -> String {
        String::from_utf8_lossy(&run(s, handler, line.as_bytes()).1).into_owned()
    }
}
