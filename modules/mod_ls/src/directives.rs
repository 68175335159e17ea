//! mod_ls's directives, with ProFTPD 1.3.8's contexts and error texts.
//!
//! `TimesGMT` belongs to mod_core in ProFTPD; only listings read it, so it
//! is registered here.

use proftpd_api::config::{ConfigError, Contexts, DirectiveCtx, Merge};
use proftpd_api::module::DirectiveEntry;

use crate::keys::*;

/// S V G A D and `.ftpaccess`.
const SVGADF: Contexts = Contexts::SVGAD.union(Contexts::DYNDIR);

pub static DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("DirFakeGroup", SVGADF, dir_fake_group),
    DirectiveEntry::new("DirFakeMode", SVGADF, dir_fake_mode),
    DirectiveEntry::new("DirFakeUser", SVGADF, dir_fake_user),
    DirectiveEntry::new("ListOptions", SVGADF, list_options),
    DirectiveEntry::new("ListStyle", Contexts::SVGA, list_style),
    DirectiveEntry::new("ShowSymlinks", Contexts::SVGA, show_symlinks),
    DirectiveEntry::new("TimesGMT", Contexts::SVGA, times_gmt),
    DirectiveEntry::new("UseGlobbing", Contexts::SVGA, use_globbing),
];

fn bool_param(ctx: &mut DirectiveCtx<'_>) -> Result<bool, ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    ctx.bool_arg(0)
        .map_err(|_| ctx.error("expected Boolean parameter"))
}

fn show_symlinks(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let on = bool_param(ctx)?;
    ctx.add(&SHOW_SYMLINKS, on, Merge::Down);
    Ok(())
}

fn times_gmt(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let on = bool_param(ctx)?;
    ctx.add(&TIMES_GMT, on, Merge::Down);
    Ok(())
}

fn use_globbing(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let on = bool_param(ctx)?;
    ctx.add(&USE_GLOBBING, on, Merge::Down);
    Ok(())
}

/// `DirFakeUser|DirFakeGroup on|off [name]`.
fn fake_id(ctx: &DirectiveCtx<'_>) -> Result<Option<String>, ConfigError> {
    if ctx.args.is_empty() || ctx.args.len() > 2 {
        return Err(ctx.error(format!("syntax: {} on|off [<id to display>]", ctx.name)));
    }
    let on = ctx
        .bool_arg(0)
        .map_err(|_| ctx.error("expected Boolean argument"))?;
    Ok(on.then(|| ctx.args.get(1).cloned().unwrap_or_else(|| "ftp".into())))
}

fn dir_fake_user(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let v = fake_id(ctx)?;
    ctx.add(&DIR_FAKE_USER, v, Merge::Down);
    Ok(())
}

fn dir_fake_group(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let v = fake_id(ctx)?;
    ctx.add(&DIR_FAKE_GROUP, v, Merge::Down);
    Ok(())
}

/// strtol(s, 8) accepting only a whole octal number (an empty string is
/// 0, as strtol leaves nothing behind).
pub fn parse_octal(s: &str) -> Option<u32> {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() {
        return s.is_empty().then_some(0);
    }
    let v = u32::from_str_radix(digits, 8).ok()?;
    Some(if neg { v.wrapping_neg() } else { v })
}

fn dir_fake_mode(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let mode =
        parse_octal(&ctx.args[0]).ok_or_else(|| ctx.error("parameter must be an octal number"))?;
    ctx.add(&DIR_FAKE_MODE, mode, Merge::Down);
    Ok(())
}

fn list_style(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let style = match ctx.args[0].to_ascii_lowercase().as_str() {
        "unix" => ListStyle::Unix,
        "windows" => ListStyle::Windows,
        _ => {
            return Err(ctx.error(format!(": unknown ListStyle: '{}'", ctx.args[0])));
        }
    };
    ctx.add(&LIST_STYLE, style, Merge::Down);
    Ok(())
}

/// C's atoi: leading blanks, a sign, digits; anything else ends it.
fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut v: i64 = 0;
    for b in rest.bytes().take_while(u8::is_ascii_digit) {
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg { -v } else { v }
}

fn list_options(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    if ctx.args.is_empty() {
        return Err(ctx.error("wrong number of parameters"));
    }
    let mut lo = ListOptions {
        opts: ctx.args[0].as_bytes().to_vec(),
        ..ListOptions::default()
    };
    let mut i = 1;
    while i < ctx.args.len() {
        let word = ctx.args[i].to_ascii_lowercase();
        match word.as_str() {
            "strict" => lo.strict = true,
            "maxdepth" | "maxfiles" | "maxdirs" => {
                i += 1;
                let raw = ctx.args.get(i).cloned().unwrap_or_default();
                let n = atoi(&raw);
                if n < 1 {
                    return Err(ctx.error(format!(": {word} must be greater than 0: '{raw}'")));
                }
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                match word.as_str() {
                    "maxdepth" => lo.maxdepth = n,
                    "maxfiles" => lo.maxfiles = n,
                    _ => lo.maxdirs = n,
                }
            }
            "listonly" => lo.list_only = true,
            "nlstonly" => lo.nlst_only = true,
            "noerrorifabsent" => lo.no_error_if_absent = true,
            "adjustedsymlinks" => lo.adjusted_symlinks = true,
            "noadjustedsymlinks" => {}
            "sortednlst" => lo.sorted_nlst = true,
            _ => {
                return Err(ctx.error(format!(": unknown keyword: '{}'", ctx.args[i])));
            }
        }
        i += 1;
    }
    ctx.add(&LIST_OPTIONS, lo, Merge::DownMulti);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::config::{ConfigTree, Origin};
    use proftpd_api::testing::run_directive;

    fn run(name: &str, args: &[&str]) -> (Result<(), ConfigError>, ConfigTree) {
        run_directive(DIRECTIVES, name, args, Origin::default())
    }

    fn err(name: &str, args: &[&str]) -> String {
        match run(name, args).0 {
            Err(ConfigError::Directive { message, .. }) => message,
            other => panic!("{name} {args:?}: {other:?}"),
        }
    }

    #[test]
    fn list_options_words() {
        let (r, t) = run(
            "ListOptions",
            &[
                "-la",
                "strict",
                "MaxDepth",
                "3",
                "maxfiles",
                "10",
                "maxdirs",
                "2",
                "NLSTOnly",
                "NoErrorIfAbsent",
                "SortedNLST",
            ],
        );
        assert!(r.is_ok());
        let lo = t
            .get(t.main_server(), &LIST_OPTIONS)
            .cloned()
            .unwrap_or_default();
        assert_eq!(lo.opts, b"-la");
        assert!(lo.strict && lo.nlst_only && lo.no_error_if_absent && lo.sorted_nlst);
        assert!(!lo.list_only);
        assert_eq!((lo.maxdepth, lo.maxfiles, lo.maxdirs), (3, 10, 2));
        assert_eq!(err("ListOptions", &[]), "wrong number of parameters");
        assert_eq!(
            err("ListOptions", &["-a", "bogus"]),
            ": unknown keyword: 'bogus'"
        );
        assert_eq!(
            err("ListOptions", &["-a", "maxfiles", "0"]),
            ": maxfiles must be greater than 0: '0'"
        );
        assert_eq!(
            err("ListOptions", &["-a", "maxdepth"]),
            ": maxdepth must be greater than 0: ''"
        );
    }

    #[test]
    fn fake_ids_modes_and_booleans() {
        let (_, t) = run("DirFakeUser", &["on"]);
        assert_eq!(
            t.get(t.main_server(), &DIR_FAKE_USER),
            Some(&Some("ftp".into()))
        );
        let (_, t) = run("DirFakeGroup", &["on", "~"]);
        assert_eq!(
            t.get(t.main_server(), &DIR_FAKE_GROUP),
            Some(&Some("~".into()))
        );
        let (_, t) = run("DirFakeUser", &["off"]);
        assert_eq!(t.get(t.main_server(), &DIR_FAKE_USER), Some(&None));
        assert_eq!(
            err("DirFakeUser", &["on", "a", "b"]),
            "syntax: DirFakeUser on|off [<id to display>]"
        );
        assert_eq!(err("DirFakeGroup", &["maybe"]), "expected Boolean argument");
        let (_, t) = run("DirFakeMode", &["0640"]);
        assert_eq!(t.get(t.main_server(), &DIR_FAKE_MODE), Some(&0o640));
        assert_eq!(
            err("DirFakeMode", &["9"]),
            "parameter must be an octal number"
        );
        assert_eq!(err("ShowSymlinks", &["x"]), "expected Boolean parameter");
        assert_eq!(err("TimesGMT", &[]), "missing parameters");
        let (_, t) = run("UseGlobbing", &["off"]);
        assert_eq!(t.get(t.main_server(), &USE_GLOBBING), Some(&false));
        assert_eq!(err("ListStyle", &["dos"]), ": unknown ListStyle: 'dos'");
    }
}
