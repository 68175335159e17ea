//! LANG (RFC 2640 §4.1): the language of the server's messages.
//!
//! 1.3.8's replies: no argument `200 Using default language <default>`; a
//! supported tag `200 Using language <tag>` (FEAT's `*` moves to it); else
//! `504 Language <tag> not supported`; two or more words
//! `501 Invalid number of parameters`; after login, whatever the argument,
//! `500 Unable to handle command` (the catalogs may be outside a chroot);
//! with `LangEngine off` the command is unknown (`500 LANG not
//! understood`).

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use crate::state;

pub fn lang(ctx: &mut CmdCtx<'_>) -> ModRet {
    if !state::get(ctx.session).engine {
        return ModRet::Declined;
    }
    if ctx.session.authenticated {
        ctx.reply_err(500, "Unable to handle command");
        return ModRet::Error;
    }
    let args = ctx.cmd.args();
    match args.as_slice() {
        [] => {
            let text = format!("Using default language {}", state::get(ctx.session).default);
            ctx.reply(200, text);
            ModRet::Handled
        }
        [tag] => {
            let tag = tag.to_vec();
            let st = state::get(ctx.session);
            if !st.table.supports(&tag) {
                let mut text = b"Language ".to_vec();
                text.extend_from_slice(&tag);
                text.extend_from_slice(b" not supported");
                ctx.reply_err(504, text);
                return ModRet::Error;
            }
            st.current = String::from_utf8_lossy(&tag).into_owned();
            let line = st.table.feat_line(&st.current);
            ctx.session.features.retain(|f| !f.starts_with("LANG "));
            ctx.session.features.insert(line);
            let mut text = b"Using language ".to_vec();
            text.extend_from_slice(&tag);
            ctx.reply(200, text);
            ModRet::Handled
        }
        _ => {
            ctx.reply_err(501, "Invalid number of parameters");
            ModRet::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{session, text};
    use crate::langs::LangTable;
    use crate::state::{self, LangState};
    use proftpd_api::config::ConfigTree;
    use proftpd_api::module::ModRet;

    fn with_langs(list: &[&str], current: &str) -> proftpd_api::session::Session {
        let mut s = session(ConfigTree::new());
        *s.state::<LangState>() = LangState {
            ready: true,
            engine: true,
            current: current.into(),
            default: current.into(),
            table: LangTable {
                list: list.iter().map(|l| l.to_string()).collect(),
                aliases: vec![],
            },
            encoding: None,
        };
        s
    }

    #[test]
    fn replies_as_1_3_8() {
        let mut s = with_langs(&["C.UTF-8"], "C.UTF-8");
        let table: &[(&str, &str)] = &[
            ("LANG", "200 Using default language C.UTF-8\r\n"),
            ("LANG en", "504 Language en not supported\r\n"),
            ("LANG en-US", "504 Language en-US not supported\r\n"),
            ("LANG C.UTF-8", "200 Using language C.UTF-8\r\n"),
            ("LANG c.utf-8", "200 Using language c.utf-8\r\n"),
            ("LANG C", "504 Language C not supported\r\n"),
            ("LANG a b", "501 Invalid number of parameters\r\n"),
            ("LANG C.utf8", "504 Language C.utf8 not supported\r\n"),
        ];
        for (line, want) in table {
            assert_eq!(text(&mut s, super::lang, line), *want, "{line}");
        }
        assert!(s.features.contains("LANG C.UTF-8*"));
        assert_eq!(state::get(&mut s).current, "c.utf-8");
        s.authenticated = true;
        assert_eq!(
            text(&mut s, super::lang, "LANG"),
            "500 Unable to handle command\r\n"
        );
        assert_eq!(
            text(&mut s, super::lang, "LANG a b"),
            "500 Unable to handle command\r\n"
        );
    }

    #[test]
    fn en_us_and_feat_star() {
        let mut s = with_langs(&["en_US"], "en_US");
        assert_eq!(
            text(&mut s, super::lang, "LANG"),
            "200 Using default language en_US\r\n"
        );
        assert_eq!(
            text(&mut s, super::lang, "LANG en-us"),
            "200 Using language en-us\r\n"
        );
        assert!(s.features.contains("LANG en-US*"));
        // LANG without an argument reports the default but moves nothing.
        assert_eq!(
            text(&mut s, super::lang, "LANG"),
            "200 Using default language en_US\r\n"
        );
        assert_eq!(state::get(&mut s).current, "en-us");
    }

    #[test]
    fn engine_off_declines() {
        let mut s = session(proftpd_api::testing::tree_with(
            &crate::keys::LANG_ENGINE,
            false,
        ));
        let (ret, out) = crate::commands::testutil::run(&mut s, super::lang, b"LANG");
        assert_eq!((ret, out), (ModRet::Declined, Vec::new()));
    }
}
