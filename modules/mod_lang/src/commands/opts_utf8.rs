//! OPTS UTF8 ON|OFF (draft-ietf-ftpext-utf-8-option): whether path bytes
//! are UTF-8.
//!
//! `200 UTF8 set to on|off`; not exactly one boolean word (`on off yes no
//! true false 1 0`) `501 'OPTS UTF8' not understood`; a switch the config
//! forbids (`UseEncoding on|off`, `LangOptions PreferServerEncoding`)
//! `451 Unable to accept OPTS UTF8`.

use proftpd_api::config::parse_bool;
use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use crate::state;

fn quoted_verb(ctx: &CmdCtx<'_>, before: &[u8], after: &[u8]) -> Vec<u8> {
    let mut text = before.to_vec();
    text.extend_from_slice(&ctx.cmd.display_verb());
    text.extend_from_slice(after);
    text
}

pub fn opts_utf8(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    let on = match args.as_slice() {
        [word] => parse_bool(&String::from_utf8_lossy(word)),
        _ => None,
    };
    let Some(on) = on else {
        let text = quoted_verb(ctx, b"'", b"' not understood");
        ctx.reply_err(501, text);
        return ModRet::Error;
    };
    let enc = state::encoding(ctx.session);
    let refused = if enc.client_is_utf8() {
        if on {
            false
        } else if enc.forced == Some(true) {
            true
        } else if let Some((_, client)) = enc.charsets.clone() {
            if enc.opts.prefer_server_encoding {
                true
            } else {
                enc.client = Some(client);
                false
            }
        } else {
            enc.client = None;
            false
        }
    } else if on {
        if enc.forced == Some(false) || enc.opts.prefer_server_encoding {
            true
        } else {
            enc.client = Some("utf8".into());
            false
        }
    } else {
        false
    };
    if refused {
        let text = quoted_verb(ctx, b"Unable to accept ", b"");
        ctx.reply_err(451, text);
        return ModRet::Error;
    }
    ctx.reply(
        200,
        if on {
            "UTF8 set to on"
        } else {
            "UTF8 set to off"
        },
    );
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{session, text};
    use crate::encoding::{LangOpts, UseEncoding};
    use crate::keys::{LANG_OPTIONS, USE_ENCODING};
    use crate::state;
    use proftpd_api::config::ConfigTree;
    use proftpd_api::testing::tree_with;

    #[test]
    fn default_switches_both_ways() {
        let mut s = session(ConfigTree::new());
        let table: &[(&str, &str)] = &[
            ("OPTS UTF8", "501 'OPTS UTF8' not understood\r\n"),
            ("OPTS UTF8 ON", "200 UTF8 set to on\r\n"),
            ("OPTS UTF8 off", "200 UTF8 set to off\r\n"),
            ("OPTS UTF8 off", "200 UTF8 set to off\r\n"),
            ("OPTS UTF8 maybe", "501 'OPTS UTF8' not understood\r\n"),
            ("opts utf8 on", "200 UTF8 set to on\r\n"),
            ("OPTS UTF8 on x", "501 'OPTS UTF8' not understood\r\n"),
            ("OPTS UTF8 yes", "200 UTF8 set to on\r\n"),
            ("OPTS UTF8 0", "200 UTF8 set to off\r\n"),
            ("OPTS UTF8 TRUE", "200 UTF8 set to on\r\n"),
        ];
        for (line, want) in table {
            assert_eq!(text(&mut s, super::opts_utf8, line), *want, "{line}");
        }
        assert!(state::encoding(&mut s).client_is_utf8());
    }

    #[test]
    fn configuration_can_forbid() {
        let mut s = session(tree_with(&USE_ENCODING, UseEncoding::Switch(true)));
        assert_eq!(
            text(&mut s, super::opts_utf8, "OPTS UTF8 OFF"),
            "451 Unable to accept OPTS UTF8\r\n"
        );
        assert_eq!(
            text(&mut s, super::opts_utf8, "OPTS UTF8 ON"),
            "200 UTF8 set to on\r\n"
        );
        let mut s = session(tree_with(&USE_ENCODING, UseEncoding::Switch(false)));
        assert_eq!(
            text(&mut s, super::opts_utf8, "OPTS UTF8 ON"),
            "451 Unable to accept OPTS UTF8\r\n"
        );
        assert_eq!(
            text(&mut s, super::opts_utf8, "OPTS UTF8 OFF"),
            "200 UTF8 set to off\r\n"
        );
        let prefer = LangOpts {
            prefer_server_encoding: true,
            require_valid_encoding: false,
        };
        let mut s = session(tree_with(&LANG_OPTIONS, prefer));
        assert_eq!(
            text(&mut s, super::opts_utf8, "OPTS UTF8 OFF"),
            "200 UTF8 set to off\r\n"
        );
        assert_eq!(
            text(&mut s, super::opts_utf8, "OPTS UTF8 ON"),
            "451 Unable to accept OPTS UTF8\r\n"
        );
    }
}
