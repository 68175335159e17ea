//! mod_cap for proftpd-rs: which Linux capabilities a session keeps after
//! login (ProFTPD's `contrib/mod_cap`). The capability calls themselves
//! live in the daemon's `privs`; this module only turns the directives
//! into a [`CapsPolicy`] that mod_auth puts in the session's `Identity`.
#![forbid(unsafe_code)]

use proftpd_api::config::{
    ConfigError, ConfigKey, ConfigTree, Contexts, CtxId, DirectiveCtx, Merge,
};
use proftpd_api::module::{DirectiveEntry, ModuleDef};
use proftpd_api::session::CapsPolicy;

/// `CapabilitiesEngine on|off` (default on).
pub static CAPABILITIES_ENGINE: ConfigKey<bool> = ConfigKey::new("CapabilitiesEngine");
/// `CapabilitiesRootRevoke on|off` (default on): give up the saved root
/// uid at login and rely on the kept capabilities alone.
pub static CAPABILITIES_ROOT_REVOKE: ConfigKey<bool> = ConfigKey::new("CapabilitiesRootRevoke");
/// `CapabilitiesSet +CAP_X -CAP_Y ...`, in file order.
pub static CAPABILITIES_SET: ConfigKey<Vec<CapChange>> = ConfigKey::new("CapabilitiesSet");

/// One `+CAP_X` / `-CAP_X` word of `CapabilitiesSet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapChange {
    pub add: bool,
    /// Canonical spelling, `CAP_CHOWN`.
    pub name: &'static str,
}

/// The capabilities `CapabilitiesSet` may name: those an FTP session can
/// have a use for (file ownership and permission overrides, ids, audit).
const SETTABLE: &[&str] = &[
    "CAP_AUDIT_WRITE",
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_NET_BIND_SERVICE",
    "CAP_SETGID",
    "CAP_SETUID",
];

/// The capability kept by default: binding the active-mode source port
/// (L-1, usually 20) below 1024.
pub const DEFAULT_KEEP: &str = "CAP_NET_BIND_SERVICE";

/// Parses one `CapabilitiesSet` word.
pub fn parse_change(word: &str) -> Option<CapChange> {
    let (add, rest) = match word.as_bytes().first() {
        Some(b'+') => (true, &word[1..]),
        Some(b'-') => (false, &word[1..]),
        _ => return None,
    };
    let upper = rest.to_ascii_uppercase();
    let canon = if upper.starts_with("CAP_") {
        upper
    } else {
        format!("CAP_{upper}")
    };
    SETTABLE
        .iter()
        .find(|n| **n == canon)
        .map(|name| CapChange { add, name })
}

fn set_engine(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let on = ctx.bool_arg(0)?;
    ctx.add(&CAPABILITIES_ENGINE, on, Merge::Down);
    Ok(())
}

fn set_root_revoke(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let on = ctx.bool_arg(0)?;
    ctx.add(&CAPABILITIES_ROOT_REVOKE, on, Merge::Down);
    Ok(())
}

fn set_caps(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let mut changes = Vec::with_capacity(ctx.args.len());
    for word in ctx.args {
        match parse_change(word) {
            Some(c) => changes.push(c),
            None => return Err(ctx.error(format!("unknown capability: '{word}'"))),
        }
    }
    ctx.add(&CAPABILITIES_SET, changes, Merge::Down);
    Ok(())
}

/// The capability policy of a session in `ctx` and whether mod_cap wants
/// the saved root uid revoked. Without any mod_cap directive: engine on,
/// root revoked, CAP_NET_BIND_SERVICE kept.
pub fn policy(config: &ConfigTree, ctx: CtxId) -> (CapsPolicy, bool) {
    let engine = config
        .get(ctx, &CAPABILITIES_ENGINE)
        .copied()
        .unwrap_or(true);
    if !engine {
        return (
            CapsPolicy {
                disabled: true,
                keep: Vec::new(),
            },
            false,
        );
    }
    let mut keep: Vec<String> = vec![DEFAULT_KEEP.to_string()];
    if let Some(changes) = config.get(ctx, &CAPABILITIES_SET) {
        for c in changes {
            keep.retain(|k| k != c.name);
            if c.add {
                keep.push(c.name.to_string());
            }
        }
    }
    let revoke = config
        .get(ctx, &CAPABILITIES_ROOT_REVOKE)
        .copied()
        .unwrap_or(true);
    (
        CapsPolicy {
            disabled: false,
            keep,
        },
        revoke,
    )
}

static DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("CapabilitiesEngine", Contexts::SVG, set_engine),
    DirectiveEntry::new("CapabilitiesRootRevoke", Contexts::SVG, set_root_revoke),
    DirectiveEntry::new("CapabilitiesSet", Contexts::SVG, set_caps),
];

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_cap",
    version: "1.1",
    directives: DIRECTIVES,
    ..ModuleDef::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::config::{ContextKind, Origin};

    fn run(tree: &mut ConfigTree, name: &'static str, args: &[&str]) -> Result<(), ConfigError> {
        let entry =
            DIRECTIVES
                .iter()
                .find(|d| d.name == name)
                .ok_or_else(|| ConfigError::Syntax {
                    message: "no such directive".into(),
                    origin: Origin::default(),
                })?;
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let ctx = tree.main_server();
        let mut d = DirectiveCtx {
            name: entry.name,
            args: &args,
            context: ContextKind::Server,
            origin: Origin::default(),
            tree,
            ctx,
        };
        (entry.handler)(&mut d)
    }

    #[test]
    fn parses_changes() {
        let table = [
            ("+CAP_CHOWN", Some((true, "CAP_CHOWN"))),
            (
                "-cap_net_bind_service",
                Some((false, "CAP_NET_BIND_SERVICE")),
            ),
            ("+fowner", Some((true, "CAP_FOWNER"))),
            ("CAP_CHOWN", None),
            ("+CAP_SYS_ADMIN", None),
            ("+", None),
            ("", None),
        ];
        for (word, want) in table {
            let got = parse_change(word).map(|c| (c.add, c.name));
            assert_eq!(got, want, "{word}");
        }
    }

    #[test]
    fn default_policy_keeps_bind_and_revokes_root() {
        let t = ConfigTree::new();
        let (p, revoke) = policy(&t, t.main_server());
        assert!(!p.disabled);
        assert_eq!(p.keep, ["CAP_NET_BIND_SERVICE"]);
        assert!(revoke);
    }

    #[test]
    fn set_adds_and_removes() -> Result<(), ConfigError> {
        let mut t = ConfigTree::new();
        run(
            &mut t,
            "CapabilitiesSet",
            &["+CAP_CHOWN", "-CAP_NET_BIND_SERVICE"],
        )?;
        run(&mut t, "CapabilitiesRootRevoke", &["off"])?;
        let (p, revoke) = policy(&t, t.main_server());
        assert_eq!(p.keep, ["CAP_CHOWN"]);
        assert!(!revoke);
        Ok(())
    }

    #[test]
    fn engine_off_disables() -> Result<(), ConfigError> {
        let mut t = ConfigTree::new();
        run(&mut t, "CapabilitiesEngine", &["off"])?;
        let (p, revoke) = policy(&t, t.main_server());
        assert!(p.disabled);
        assert!(!revoke);
        Ok(())
    }

    #[test]
    fn bad_arguments_are_config_errors() {
        let mut t = ConfigTree::new();
        assert!(run(&mut t, "CapabilitiesSet", &["+CAP_BOGUS"]).is_err());
        assert!(run(&mut t, "CapabilitiesSet", &[]).is_err());
        assert!(run(&mut t, "CapabilitiesEngine", &["maybe"]).is_err());
        assert!(run(&mut t, "CapabilitiesRootRevoke", &["on", "off"]).is_err());
    }
}
