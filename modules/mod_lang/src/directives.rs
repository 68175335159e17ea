//! LangDefault, LangEngine, LangOptions, LangPath and UseEncoding, with
//! 1.3.8's contexts and error texts. (1.3.8 has no `UseUTF8`: it is an
//! unknown directive there, so it is one here too.)

use proftpd_api::config::{ConfigError, Contexts, DirectiveCtx, Merge, parse_bool};
use proftpd_api::module::DirectiveEntry;

use crate::encoding::{LangOpts, UseEncoding};
use crate::keys::{LANG_DEFAULT, LANG_ENGINE, LANG_OPTIONS, LANG_PATH, USE_ENCODING};

pub static DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("LangDefault", Contexts::SVG, lang_default),
    DirectiveEntry::new("LangEngine", Contexts::SVG, lang_engine),
    DirectiveEntry::new("LangOptions", Contexts::SVG, lang_options),
    DirectiveEntry::new("LangPath", Contexts::SERVER, lang_path),
    DirectiveEntry::new("UseEncoding", Contexts::SVG, use_encoding),
];

fn lang_default(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let lang = ctx.args[0].clone();
    ctx.add(&LANG_DEFAULT, lang, Merge::Down);
    Ok(())
}

fn lang_engine(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let on = ctx
        .bool_arg(0)
        .map_err(|_| ctx.error("expected Boolean parameter"))?;
    ctx.add(&LANG_ENGINE, on, Merge::Down);
    Ok(())
}

/// Option words are case-sensitive in 1.3.8.
fn lang_options(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    if ctx.args.is_empty() {
        return Err(ctx.error("wrong number of parameters"));
    }
    let mut opts = LangOpts::default();
    for a in ctx.args {
        match a.as_str() {
            "PreferServerEncoding" => opts.prefer_server_encoding = true,
            "RequireValidEncoding" => opts.require_valid_encoding = true,
            _ => return Err(ctx.error(format!(": unknown LangOption '{a}'"))),
        }
    }
    ctx.add(&LANG_OPTIONS, opts, Merge::DownMulti);
    Ok(())
}

fn lang_path(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let path = ctx.args[0].clone();
    if !path.starts_with('/') {
        return Err(ctx.error(format!("unable to use path '{path}' for locale files")));
    }
    ctx.add(&LANG_PATH, path, Merge::Down);
    Ok(())
}

fn use_encoding(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let value = match ctx.args {
        [one] => UseEncoding::Switch(
            parse_bool(one).ok_or_else(|| ctx.error("expected Boolean parameter"))?,
        ),
        [local, client] => UseEncoding::Charsets {
            local: local.clone(),
            client: client.clone(),
            strict: false,
        },
        [local, client, kw] => {
            if !kw.eq_ignore_ascii_case("strict") {
                return Err(ctx.error(format!("unknown UseEncoding keyword '{kw}'")));
            }
            UseEncoding::Charsets {
                local: local.clone(),
                client: client.clone(),
                strict: true,
            }
        }
        _ => return Err(ctx.error("wrong number of parameters")),
    };
    ctx.add(&USE_ENCODING, value, Merge::Down);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::testing::directive_tree;

    #[test]
    fn errors_as_1_3_8() {
        let at = " on line 2 of '/t.conf'";
        let table: &[(&'static str, &[&str], &str)] = &[
            (
                "LangOptions",
                &["Bogus"],
                "LangOptions: : unknown LangOption 'Bogus'",
            ),
            (
                "LangOptions",
                &[],
                "LangOptions: wrong number of parameters",
            ),
            (
                "LangEngine",
                &["x"],
                "LangEngine: expected Boolean parameter",
            ),
            ("LangDefault", &[], "LangDefault: missing parameters"),
            (
                "LangPath",
                &["relative"],
                "LangPath: unable to use path 'relative' for locale files",
            ),
            ("LangPath", &[], "LangPath: missing parameters"),
            (
                "UseEncoding",
                &[],
                "UseEncoding: wrong number of parameters",
            ),
            (
                "UseEncoding",
                &["x"],
                "UseEncoding: expected Boolean parameter",
            ),
            (
                "UseEncoding",
                &["a", "b", "c"],
                "UseEncoding: unknown UseEncoding keyword 'c'",
            ),
            (
                "UseEncoding",
                &["a", "b", "c", "d"],
                "UseEncoding: wrong number of parameters",
            ),
        ];
        for (name, args, want) in table {
            assert_eq!(
                directive_tree(DIRECTIVES, name, args).err(),
                Some(format!("{want}{at}")),
                "{name} {args:?}"
            );
        }
    }

    #[test]
    fn values() {
        let t = directive_tree(
            DIRECTIVES,
            "UseEncoding",
            &["UTF-8", "ISO-8859-1", "Strict"],
        )
        .expect("ok");
        assert_eq!(
            t.get(t.main_server(), &USE_ENCODING),
            Some(&UseEncoding::Charsets {
                local: "UTF-8".into(),
                client: "ISO-8859-1".into(),
                strict: true
            })
        );
        let t = directive_tree(DIRECTIVES, "LangDefault", &["a", "b"])
            .expect("extra words are ignored");
        assert_eq!(
            t.get(t.main_server(), &LANG_DEFAULT).map(String::as_str),
            Some("a")
        );
        let t = directive_tree(DIRECTIVES, "LangOptions", &["RequireValidEncoding"]).expect("ok");
        assert!(
            t.get(t.main_server(), &LANG_OPTIONS)
                .expect("set")
                .require_valid_encoding
        );
        assert!(directive_tree(DIRECTIVES, "LangEngine", &["off"]).is_ok());
        assert!(directive_tree(DIRECTIVES, "LangPath", &["/usr/share/locale"]).is_ok());
    }
}
