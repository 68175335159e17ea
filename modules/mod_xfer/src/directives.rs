//! mod_xfer's directive table (ProFTPD's `modules/mod_xfer.c` config
//! handlers). Error texts were measured with `proftpd -t` on 1.3.8; like
//! 1.3.8, most handlers only enforce a minimum argument count.

use std::path::PathBuf;

use proftpd_api::config::{ConfigError, Contexts, DirectiveCtx, Merge, parse_bool};
use proftpd_api::data::{TIMEOUT_NO_TRANSFER, TIMEOUT_STALLED};
use proftpd_api::module::DirectiveEntry;
use proftpd_api::session::TransferType;

use crate::keys::{self, Classifier, HiddenStores, SizeLimit, TransferLogTarget, TransferRate};

const SVG: Contexts = Contexts::SVG;
const SVGA: Contexts = Contexts::SVGA;
const SVGAD: Contexts = Contexts::SVGAD;
/// S V G A D plus `.ftpaccess`.
const SVGADF: Contexts = Contexts(Contexts::SVGAD.0 | Contexts::DYNDIR.0);

/// Every directive mod_xfer implements.
pub static DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("AllowOverwrite", SVGADF, allow_overwrite),
    DirectiveEntry::new("AllowRetrieveRestart", SVGADF, allow_retrieve_restart),
    DirectiveEntry::new("AllowStoreRestart", SVGADF, allow_store_restart),
    DirectiveEntry::new("DefaultTransferMode", SVG, default_transfer_mode),
    DirectiveEntry::new("DeleteAbortedStores", SVGADF, delete_aborted_stores),
    DirectiveEntry::new("HiddenStores", SVGAD, hidden_stores),
    DirectiveEntry::new("MaxRetrieveFileSize", SVGADF, max_retrieve_file_size),
    DirectiveEntry::new("MaxStoreFileSize", SVGADF, max_store_file_size),
    DirectiveEntry::new("StoreUniquePrefix", SVGADF, store_unique_prefix),
    DirectiveEntry::new("TimeoutNoTransfer", SVG, timeout_no_transfer),
    DirectiveEntry::new("TimeoutStalled", SVG, timeout_stalled),
    DirectiveEntry::new("TransferLog", SVGA, transfer_log),
    DirectiveEntry::new("TransferRate", SVGADF, transfer_rate),
];

/// The transfer commands `TransferRate` may name.
const RATE_COMMANDS: &[&str] = &["APPE", "RETR", "STOR", "STOU"];

fn arg(ctx: &DirectiveCtx<'_>, i: usize) -> String {
    ctx.args.get(i).cloned().unwrap_or_default()
}

fn flag(
    ctx: &mut DirectiveCtx<'_>,
    key: &'static proftpd_api::config::ConfigKey<bool>,
) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let v = ctx.bool_arg(0)?;
    ctx.add(key, v, Merge::Down);
    Ok(())
}

fn allow_overwrite(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    flag(ctx, &keys::ALLOW_OVERWRITE)
}

fn allow_retrieve_restart(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    flag(ctx, &keys::ALLOW_RETRIEVE_RESTART)
}

fn allow_store_restart(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    flag(ctx, &keys::ALLOW_STORE_RESTART)
}

/// 1.3.8 words this one's boolean error with a capital B.
fn delete_aborted_stores(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let v = parse_bool(&arg(ctx, 0)).ok_or_else(|| ctx.error("expected Boolean parameter"))?;
    ctx.add(&keys::DELETE_ABORTED_STORES, v, Merge::Down);
    Ok(())
}

fn default_transfer_mode(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let mode = match arg(ctx, 0).to_ascii_lowercase().as_str() {
        "ascii" => TransferType::Ascii,
        "binary" => TransferType::Binary,
        _ => return Err(ctx.error("parameter must be 'ascii' or 'binary'")),
    };
    ctx.add(&keys::DEFAULT_TRANSFER_MODE, mode, Merge::Down);
    Ok(())
}

/// `HiddenStores on|off|prefix [suffix]`, as 1.3.8 reads it (measured):
/// a boolean picks `.in.<name>.` (a second word is then ignored); one
/// other word `w` gives the prefix `.w.` unless it already starts and ends
/// with a dot; two words are the literal prefix and suffix.
fn hidden_stores(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let first = arg(ctx, 0);
    let value = match parse_bool(&first) {
        Some(true) => Some(HiddenStores::default_names()),
        Some(false) => None,
        None => Some(hidden_names(&first, ctx.args.get(1).map(String::as_str))),
    };
    ctx.add(&keys::HIDDEN_STORES, value, Merge::Down);
    Ok(())
}

/// The temporary-name parts for a non-boolean `HiddenStores` argument.
pub fn hidden_names(prefix: &str, suffix: Option<&str>) -> HiddenStores {
    match suffix {
        Some(s) => HiddenStores {
            prefix: prefix.to_string(),
            suffix: s.to_string(),
        },
        None => {
            let dotted = prefix.len() >= 2 && prefix.starts_with('.') && prefix.ends_with('.');
            HiddenStores {
                prefix: if dotted {
                    prefix.to_string()
                } else {
                    format!(".{prefix}.")
                },
                suffix: ".".into(),
            }
        }
    }
}

fn max_retrieve_file_size(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let v = size_limit(ctx)?;
    ctx.add(&keys::MAX_RETRIEVE_FILE_SIZE, v, Merge::DownMulti);
    Ok(())
}

fn max_store_file_size(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let v = size_limit(ctx)?;
    ctx.add(&keys::MAX_STORE_FILE_SIZE, v, Merge::DownMulti);
    Ok(())
}

/// `Max*FileSize number units [classifier expr]` or `* [classifier expr]`.
fn size_limit(ctx: &DirectiveCtx<'_>) -> Result<SizeLimit, ConfigError> {
    let n = ctx.args.len();
    let star = ctx.args.first().is_some_and(|a| a == "*");
    let (max, rest) = match (star, n) {
        (true, 1 | 3) => (None, 1),
        (false, 2 | 4) => {
            let (num, unit) = (arg(ctx, 0), arg(ctx, 1));
            let bytes = parse_nbytes(&num, &unit).ok_or_else(|| {
                ctx.error(format!("unable to parse: {num} {unit}: Invalid argument"))
            })?;
            (Some(bytes), 2)
        }
        _ => return Err(ctx.error("incorrect number of parameters")),
    };
    let who = if n > rest {
        classifier(ctx, &arg(ctx, rest), &arg(ctx, rest + 1))?
    } else {
        Classifier::All
    };
    Ok(SizeLimit { max, who })
}

/// A byte count with its unit (`B`, `KB`, `MB`, `GB`, `TB`, any case;
/// powers of 1024), as 1.3.8's size directives take it.
pub fn parse_nbytes(num: &str, unit: &str) -> Option<u64> {
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = num.parse().ok()?;
    let shift = match unit.to_ascii_lowercase().as_str() {
        "b" => 0,
        "kb" => 10,
        "mb" => 20,
        "gb" => 30,
        "tb" => 40,
        _ => return None,
    };
    n.checked_mul(1u64 << shift)
}

fn classifier(ctx: &DirectiveCtx<'_>, kind: &str, expr: &str) -> Result<Classifier, ConfigError> {
    let list: Vec<String> = expr
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    match kind.to_ascii_lowercase().as_str() {
        "user" => Ok(Classifier::User(list)),
        "group" => Ok(Classifier::Group(list)),
        "class" => Ok(Classifier::Class(list)),
        _ => Err(ctx.error(format!("unknown classifier requested: '{kind}'"))),
    }
}

fn store_unique_prefix(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let p = arg(ctx, 0);
    if p.contains('/') {
        return Err(ctx.error(format!("no slashes allowed in prefix: '{p}'")));
    }
    ctx.add(&keys::STORE_UNIQUE_PREFIX, p, Merge::Down);
    Ok(())
}

fn timeout_no_transfer(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    timeout(ctx, &TIMEOUT_NO_TRANSFER)
}

fn timeout_stalled(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    timeout(ctx, &TIMEOUT_STALLED)
}

fn timeout(
    ctx: &mut DirectiveCtx<'_>,
    key: &'static proftpd_api::config::ConfigKey<u32>,
) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let secs = ctx.duration_arg(0)?;
    ctx.add(key, secs, Merge::Down);
    Ok(())
}

fn transfer_log(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let raw = arg(ctx, 0);
    let target = if raw.eq_ignore_ascii_case("none") {
        TransferLogTarget::None
    } else {
        TransferLogTarget::File(PathBuf::from(raw))
    };
    ctx.add(&keys::TRANSFER_LOG, target, Merge::Down);
    Ok(())
}

/// `TransferRate cmd-list kbps[:free-bytes] [user|group|class expr]`.
fn transfer_rate(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    if !matches!(ctx.args.len(), 2 | 4) {
        return Err(ctx.error("wrong number of parameters"));
    }
    let mut commands = Vec::new();
    for c in arg(ctx, 0).split(',').filter(|c| !c.is_empty()) {
        let up = c.to_ascii_uppercase();
        if !RATE_COMMANDS.contains(&up.as_str()) {
            log::error!("invalid TransferRate command: {c}");
            return Err(ctx.error("error with command list"));
        }
        commands.push(up);
    }
    let spec = arg(ctx, 1);
    let (rate, free) = match spec.split_once(':') {
        Some((r, f)) => (r, Some(f)),
        None => (spec.as_str(), None),
    };
    let kbps: f64 = rate
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| ctx.error(format!("invalid number: '{rate}'")))?;
    if kbps < 0.0 {
        return Err(ctx.error("rate must be greater than zero"));
    }
    let free_bytes = match free {
        None => 0,
        // strtoul-like: a negative count is taken as none.
        Some(f) if f.starts_with('-') && f[1..].bytes().all(|b| b.is_ascii_digit()) => 0,
        Some(f) => f
            .parse::<u64>()
            .map_err(|_| ctx.error(format!("invalid number: '{f}'")))?,
    };
    let who = if ctx.args.len() == 4 {
        classifier(ctx, &arg(ctx, 2), &arg(ctx, 3))?
    } else {
        Classifier::All
    };
    ctx.add(
        &keys::TRANSFER_RATE,
        TransferRate {
            commands,
            kbps,
            free_bytes,
            who,
        },
        Merge::DownMulti,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::config::{ConfigTree, Origin};
    use proftpd_api::testing::run_directive;

    fn run(name: &str, args: &[&str]) -> Result<ConfigTree, String> {
        match run_directive(DIRECTIVES, name, args, Origin::default()) {
            (Ok(()), tree) => Ok(tree),
            (Err(ConfigError::Directive { message, .. }), _) => Err(message),
            (Err(e), _) => Err(e.to_string()),
        }
    }

    #[test]
    fn errors_are_worded_as_1_3_8() {
        let table: &[(&str, &[&str], &str)] = &[
            ("AllowOverwrite", &[], "missing parameters"),
            ("AllowOverwrite", &["maybe"], "expected boolean parameter"),
            ("AllowRetrieveRestart", &["x"], "expected boolean parameter"),
            ("DeleteAbortedStores", &["x"], "expected Boolean parameter"),
            ("HiddenStores", &[], "missing parameters"),
            (
                "MaxStoreFileSize",
                &["1000"],
                "incorrect number of parameters",
            ),
            (
                "MaxStoreFileSize",
                &["5", "B", "4"],
                "incorrect number of parameters",
            ),
            (
                "MaxStoreFileSize",
                &["1000", "x"],
                "unable to parse: 1000 x: Invalid argument",
            ),
            (
                "MaxStoreFileSize",
                &["-5", "B"],
                "unable to parse: -5 B: Invalid argument",
            ),
            (
                "MaxStoreFileSize",
                &["5.5", "Kb"],
                "unable to parse: 5.5 Kb: Invalid argument",
            ),
            (
                "MaxRetrieveFileSize",
                &["5", "Kb", "bob"],
                "incorrect number of parameters",
            ),
            ("TransferRate", &["RETR"], "wrong number of parameters"),
            (
                "TransferRate",
                &["RETR", "5", "bob"],
                "wrong number of parameters",
            ),
            ("TransferRate", &["RETR", "x"], "invalid number: 'x'"),
            ("TransferRate", &["RETR", "5:x"], "invalid number: 'x'"),
            (
                "TransferRate",
                &["RETR", "-5"],
                "rate must be greater than zero",
            ),
            ("TransferRate", &["FOO", "5"], "error with command list"),
            (
                "TransferRate",
                &["RETR", "5", "foo", "bob"],
                "unknown classifier requested: 'foo'",
            ),
            ("TimeoutStalled", &[], "missing parameters"),
            (
                "TimeoutStalled",
                &["x"],
                "error parsing timeout value 'x': Invalid argument",
            ),
            (
                "TimeoutStalled",
                &["-1"],
                "error parsing timeout value '-1': Numerical result out of range",
            ),
            ("TransferLog", &[], "missing parameters"),
            ("DefaultTransferMode", &[], "missing parameters"),
            (
                "DefaultTransferMode",
                &["foo"],
                "parameter must be 'ascii' or 'binary'",
            ),
            ("StoreUniquePrefix", &[], "missing parameters"),
            (
                "StoreUniquePrefix",
                &["a/b"],
                "no slashes allowed in prefix: 'a/b'",
            ),
        ];
        for (name, args, want) in table {
            assert_eq!(
                run(name, args).err().as_deref(),
                Some(*want),
                "{name} {args:?}"
            );
        }
    }

    fn get<T: std::any::Any + Send + Sync + Clone>(
        name: &str,
        args: &[&str],
        key: &proftpd_api::config::ConfigKey<T>,
    ) -> T {
        let tree = run(name, args).unwrap_or_else(|e| panic!("{name} {args:?}: {e}"));
        tree.get(tree.main_server(), key)
            .cloned()
            .unwrap_or_else(|| panic!("{name} stored nothing"))
    }

    #[test]
    fn values_are_stored() {
        assert!(get(
            "AllowOverwrite",
            &["on", "off"],
            &keys::ALLOW_OVERWRITE
        ));
        assert_eq!(
            get(
                "DefaultTransferMode",
                &["BINARY"],
                &keys::DEFAULT_TRANSFER_MODE
            ),
            TransferType::Binary
        );
        assert_eq!(get("TimeoutStalled", &["5m"], &TIMEOUT_STALLED), 300);
        assert_eq!(get("TimeoutNoTransfer", &["7"], &TIMEOUT_NO_TRANSFER), 7);
        assert_eq!(
            get("TransferLog", &["NONE"], &keys::TRANSFER_LOG),
            TransferLogTarget::None
        );
        assert_eq!(
            get("MaxStoreFileSize", &["1", "Kb"], &keys::MAX_STORE_FILE_SIZE),
            SizeLimit {
                max: Some(1024),
                who: Classifier::All
            }
        );
        assert_eq!(
            get("MaxRetrieveFileSize", &["*"], &keys::MAX_RETRIEVE_FILE_SIZE).max,
            None
        );
        assert_eq!(
            get(
                "MaxRetrieveFileSize",
                &["5", "B", "user", "bob"],
                &keys::MAX_RETRIEVE_FILE_SIZE
            )
            .who,
            Classifier::User(vec!["bob".into()])
        );
        let rate = get(
            "TransferRate",
            &["retr,STOR", "5.5:100"],
            &keys::TRANSFER_RATE,
        );
        assert_eq!(rate.commands, ["RETR", "STOR"]);
        assert_eq!(rate.kbps, 5.5);
        assert_eq!(rate.free_bytes, 100);
    }

    #[test]
    fn hidden_stores_names_follow_1_3_8() {
        let hs = |args: &[&str]| get("HiddenStores", args, &keys::HIDDEN_STORES);
        let names = |p: &str, s: &str| {
            Some(HiddenStores {
                prefix: p.into(),
                suffix: s.into(),
            })
        };
        assert_eq!(hs(&["on"]), names(".in.", "."));
        assert_eq!(hs(&["on", ".tmp"]), names(".in.", "."));
        assert_eq!(hs(&["off"]), None);
        assert_eq!(hs(&[".up."]), names(".up.", "."));
        assert_eq!(hs(&["up"]), names(".up.", "."));
        assert_eq!(hs(&[".x"]), names("..x.", "."));
        assert_eq!(hs(&["x."]), names(".x..", "."));
        assert_eq!(hs(&["ab", "suf"]), names("ab", "suf"));
    }
}
