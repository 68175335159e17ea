//! QUIT (RFC 959 §4.1.1): say goodbye and close.
//!
//! A `DisplayQuit` file's lines replace `Goodbye.` (`221-first` … `221
//! last`); a missing or empty file falls back to `221 Goodbye.`.

use proftpd_api::module::ModRet;
use proftpd_api::session::{CmdCtx, Disconnect};

use crate::keys::DISPLAY_QUIT;

pub fn quit(ctx: &mut CmdCtx<'_>) -> ModRet {
    let lines = ctx
        .session
        .get(&DISPLAY_QUIT)
        .cloned()
        .and_then(|p| super::display::lines(ctx.session, &p))
        .unwrap_or_default();
    if lines.is_empty() {
        ctx.reply(221, "Goodbye.");
    } else {
        for l in lines {
            ctx.reply(221, l);
        }
    }
    ctx.session.disconnect = Some(Disconnect::Quit);
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session, session_with, tree_with};
    use crate::keys::DISPLAY_QUIT;
    use proftpd_api::session::Disconnect;

    #[test]
    fn goodbye_and_disconnect() {
        let mut s = session();
        assert_eq!(run(&mut s, super::quit, "QUIT").1, "221 Goodbye.\r\n");
        assert_eq!(s.disconnect, Some(Disconnect::Quit));
    }

    #[test]
    fn display_quit_replaces_goodbye() {
        let f = std::env::temp_dir().join(format!("mod_core_quit_{}", std::process::id()));
        std::fs::write(&f, b"bye one\nbye two\n").expect("write display file");
        let mut s = session_with(tree_with(&DISPLAY_QUIT, f.clone()));
        assert_eq!(
            run(&mut s, super::quit, "QUIT").1,
            "221-bye one\r\n221 bye two\r\n"
        );
        std::fs::remove_file(&f).expect("clean up");
        let mut s = session_with(tree_with(&DISPLAY_QUIT, f));
        assert_eq!(run(&mut s, super::quit, "QUIT").1, "221 Goodbye.\r\n");
    }
}
