//! mod_auth's directive handlers.

use proftpd_api::config::{ConfigError, Contexts, DirectiveCtx, Merge};
use proftpd_api::module::DirectiveEntry;

use crate::keys::*;

fn auth_order(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let mut order = Vec::with_capacity(ctx.args.len());
    for word in ctx.args {
        let (name, required) = match word.strip_suffix('*') {
            Some(n) => (n, true),
            None => (word.as_str(), false),
        };
        let module = name.strip_suffix(".c").unwrap_or(name);
        if !module.starts_with("mod_") || module.len() <= 4 {
            return Err(ctx.error(format!("'{word}' is not a module name")));
        }
        order.push(AuthOrderEntry {
            module: module.to_string(),
            required,
        });
    }
    ctx.add(&AUTH_ORDER, order, Merge::Down);
    Ok(())
}

/// `relative_ok`: DefaultChdir may name a directory relative to the home.
fn path_rule(ctx: &DirectiveCtx<'_>, relative_ok: bool) -> Result<PathRule, ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let path = ctx.args[0].clone();
    if path.is_empty() || !(relative_ok || path.starts_with('/') || path.starts_with('~')) {
        return Err(ctx.error(format!("'{path}' is not an absolute path")));
    }
    let groups = GroupExpr::parse(&ctx.args[1..]).map_err(|m| ctx.error(m))?;
    Ok(PathRule { path, groups })
}

fn default_root(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let rule = path_rule(ctx, false)?;
    ctx.add(&DEFAULT_ROOT, rule, Merge::DownMulti);
    Ok(())
}

fn default_chdir(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let rule = path_rule(ctx, true)?;
    ctx.add(&DEFAULT_CHDIR, rule, Merge::DownMulti);
    Ok(())
}

/// A handler for an on/off directive storing under `key`.
macro_rules! bool_directive {
    ($fn:ident, $key:expr) => {
        fn $fn(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
            ctx.check_args(1, 1)?;
            let on = ctx.bool_arg(0)?;
            ctx.add(&$key, on, Merge::Down);
            Ok(())
        }
    };
}

bool_directive!(require_valid_shell, REQUIRE_VALID_SHELL);
bool_directive!(root_login, ROOT_LOGIN);
bool_directive!(use_ftp_users, USE_FTP_USERS);
bool_directive!(anon_require_password, ANON_REQUIRE_PASSWORD);
bool_directive!(allow_empty_passwords, ALLOW_EMPTY_PASSWORDS);
bool_directive!(auth_alias_only, AUTH_ALIAS_ONLY);

fn anon_reject_passwords(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 2)?;
    let nocase = match ctx.args.get(1).map(String::as_str) {
        None => false,
        Some(f) if f.eq_ignore_ascii_case("[NC]") || f.eq_ignore_ascii_case("[nocase]") => true,
        Some(f) => return Err(ctx.error(format!("unknown flags '{f}'"))),
    };
    let raw = &ctx.args[0];
    let (negate, pat) = match raw.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, raw.as_str()),
    };
    let re = regex::RegexBuilder::new(pat)
        .case_insensitive(nocase)
        .build()
        .map_err(|e| ctx.error(format!("'{pat}' failed regex compilation: {e}")))?;
    ctx.add(
        &ANON_REJECT_PASSWORDS,
        RejectPasswords { re, negate },
        Merge::Down,
    );
    Ok(())
}

fn max_login_attempts(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let n: u32 = ctx.number_arg(0)?;
    if n == 0 {
        return Err(ctx.error("parameter must be greater than zero"));
    }
    ctx.add(&MAX_LOGIN_ATTEMPTS, n, Merge::Down);
    Ok(())
}

fn max_password_size(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let n: usize = ctx.number_arg(0)?;
    ctx.add(&MAX_PASSWORD_SIZE, n, Merge::Down);
    Ok(())
}

fn timeout(
    ctx: &mut DirectiveCtx<'_>,
    key: &'static proftpd_api::config::ConfigKey<u32>,
) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let n: u32 = ctx.number_arg(0)?;
    ctx.add(key, n, Merge::Down);
    Ok(())
}

fn timeout_login(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    timeout(ctx, &TIMEOUT_LOGIN)
}

fn timeout_session(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    timeout(ctx, &TIMEOUT_SESSION)
}

fn access_grant_msg(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let msg = ctx.args[0].clone();
    ctx.add(&ACCESS_GRANT_MSG, msg, Merge::Down);
    Ok(())
}

fn access_deny_msg(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let msg = ctx.args[0].clone();
    ctx.add(&ACCESS_DENY_MSG, msg, Merge::Down);
    Ok(())
}

fn display_login(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let path = ctx.args[0].clone();
    ctx.add(&DISPLAY_LOGIN, path, Merge::Down);
    Ok(())
}

fn user_alias(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(2, 2)?;
    let alias = UserAlias {
        alias: ctx.args[0].clone(),
        user: ctx.args[1].clone(),
    };
    ctx.add(&USER_ALIAS, alias, Merge::DownMulti);
    Ok(())
}

fn user_password(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(2, 2)?;
    let v = UserPassword {
        user: ctx.args[0].clone(),
        hash: ctx.args[1].clone(),
    };
    ctx.add(&USER_PASSWORD, v, Merge::DownMulti);
    Ok(())
}

fn root_revoke(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, 1)?;
    let v = if ctx.args[0].eq_ignore_ascii_case("UseNonCompliantActiveTransfers")
        || ctx.args[0].eq_ignore_ascii_case("UseNonCompliantActiveTransfer")
    {
        RootRevoke::NonCompliantActive
    } else if ctx.bool_arg(0)? {
        RootRevoke::On
    } else {
        RootRevoke::Off
    };
    ctx.add(&ROOT_REVOKE, v, Merge::Down);
    Ok(())
}

/// Every directive mod_auth implements.
pub static DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("AccessDenyMsg", Contexts::SVGA, access_deny_msg),
    DirectiveEntry::new("AccessGrantMsg", Contexts::SVGA, access_grant_msg),
    DirectiveEntry::new("AllowEmptyPasswords", Contexts::SVGA, allow_empty_passwords),
    DirectiveEntry::new("AnonRequirePassword", Contexts::ANON, anon_require_password),
    DirectiveEntry::new("AnonRejectPasswords", Contexts::ANON, anon_reject_passwords),
    DirectiveEntry::new("AuthAliasOnly", Contexts::SVG, auth_alias_only),
    DirectiveEntry::new("AuthOrder", Contexts::SVG, auth_order),
    DirectiveEntry::new("DefaultChdir", Contexts::SVG, default_chdir),
    DirectiveEntry::new("DefaultRoot", Contexts::SVG, default_root),
    DirectiveEntry::new("DisplayLogin", Contexts::SVGA, display_login),
    DirectiveEntry::new("MaxLoginAttempts", Contexts::SVG, max_login_attempts),
    DirectiveEntry::new("MaxPasswordSize", Contexts::SVG, max_password_size),
    DirectiveEntry::new("RequireValidShell", Contexts::SVGA, require_valid_shell),
    DirectiveEntry::new("RootLogin", Contexts::SVGA, root_login),
    DirectiveEntry::new("RootRevoke", Contexts::SVGA, root_revoke),
    DirectiveEntry::new("TimeoutLogin", Contexts::SVG, timeout_login),
    DirectiveEntry::new("TimeoutSession", Contexts::SVGA, timeout_session),
    DirectiveEntry::new("UseFtpUsers", Contexts::SVGA, use_ftp_users),
    DirectiveEntry::new("UserAlias", Contexts::SVGA, user_alias),
    DirectiveEntry::new("UserPassword", Contexts::SVGA, user_password),
];
