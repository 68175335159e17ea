//! PWD / XPWD (RFC 959 §4.1.3, RFC 775): the current directory, with
//! embedded quotes doubled (RFC 959 appendix II).

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::path::quote_257;

pub fn pwd(ctx: &mut CmdCtx<'_>) -> ModRet {
    let mut text = quote_257(&ctx.session.cwd);
    text.extend_from_slice(b" is the current directory");
    ctx.reply(257, text);
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn quotes_the_directory() {
        let mut s = session();
        s.cwd = "/a\"b".into();
        assert_eq!(
            run(&mut s, super::pwd, "PWD").1,
            "257 \"/a\"\"b\" is the current directory\r\n"
        );
    }
}
