//! CLNT (draft-ietf-ftpext-clnt): the client names itself; the name is kept
//! as the session note `mod_core.clnt` for logging. Always `200 OK`, even
//! without an argument (observed on 1.3.8).

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

/// The session note holding the CLNT text.
pub const NOTE_CLIENT: &str = "mod_core.clnt";

pub fn clnt(ctx: &mut CmdCtx<'_>) -> ModRet {
    let name = ctx.cmd.arg_str().into_owned();
    ctx.session.notes.insert(NOTE_CLIENT.to_string(), name);
    ctx.reply(200, "OK");
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn stores_the_name() {
        let mut s = session();
        assert_eq!(
            run(&mut s, super::clnt, "CLNT my client 1.0").1,
            "200 OK\r\n"
        );
        assert_eq!(
            s.notes.get(super::NOTE_CLIENT).map(String::as_str),
            Some("my client 1.0")
        );
        assert_eq!(run(&mut s, super::clnt, "CLNT").1, "200 OK\r\n");
    }
}
