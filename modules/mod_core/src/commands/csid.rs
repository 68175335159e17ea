//! CSID (draft-peterson-streamlined-ftp-command-extensions §2): client and
//! server exchange identities. The client's text is kept as a session note;
//! the server names itself unless `ServerIdent off` hides the software.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use crate::keys::SERVER_IDENT;

/// The session note holding the client's CSID text.
pub const NOTE_CSID: &str = "mod_core.csid";

pub fn csid(ctx: &mut CmdCtx<'_>) -> ModRet {
    let info = ctx.cmd.arg_str().into_owned();
    ctx.session.notes.insert(NOTE_CSID.to_string(), info);
    let ident_on = ctx.session.server_get(&SERVER_IDENT).is_none_or(|i| i.on);
    let text = if ident_on {
        format!(
            "name=ProFTPD;version={};casesensitive=1;",
            proftpd_api::PROFTPD_VERSION
        )
    } else {
        "casesensitive=1;".to_string()
    };
    ctx.reply(200, text);
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session, session_with, tree_with};
    use crate::keys::{SERVER_IDENT, ServerIdent};

    #[test]
    fn names_the_server() {
        let mut s = session();
        assert_eq!(
            run(&mut s, super::csid, "CSID Name=x;").1,
            "200 name=ProFTPD;version=1.3.8;casesensitive=1;\r\n"
        );
    }

    #[test]
    fn server_ident_off_hides_the_name() {
        let tree = tree_with(
            &SERVER_IDENT,
            ServerIdent {
                on: false,
                text: None,
            },
        );
        let mut s = session_with(tree);
        assert_eq!(
            run(&mut s, super::csid, "CSID").1,
            "200 casesensitive=1;\r\n"
        );
    }
}
