//! mod_core's directive table: the server-wide settings of ProFTPD's
//! `modules/mod_core.c` (and `SystemLog`, which 1.3.8 keeps in mod_log).
//!
//! Every handler checks its arguments the way 1.3.8 does and fails with
//! 1.3.8's wording; the texts below were measured with `proftpd -t` on
//! ProFTPD 1.3.8 (Debian bookworm). Two habits of 1.3.8 worth knowing:
//! - its argument check (`CHECK_ARGS`) only enforces a minimum, so
//!   `ServerName a b` is accepted and the extra words ignored; only
//!   directives with an exact count say `wrong number of parameters`;
//! - several numbers go through C's `atoi`, so `Port abc` means port 0.

use std::path::PathBuf;
use std::sync::OnceLock;

use proftpd_api::config::{ConfigError, ContextKind, Contexts, DirectiveCtx, Merge, parse_bool};
use proftpd_api::module::DirectiveEntry;

use crate::keys;

/// Largest `CommandBufferSize` 1.3.8 accepts (its `PR_TUNABLE_CMD_BUFFER_SIZE`
/// ceiling); a bigger line buffer would only invite memory abuse.
pub const MAX_COMMAND_BUFFER_SIZE: u64 = 524_288;

/// Highest `DebugLevel`/`-d` value.
pub const MAX_DEBUG_LEVEL: u8 = 10;

/// How `SetEnv`/`UnsetEnv` reach the process environment.
///
/// Changing the environment is `unsafe` in Rust 2024 (it races with other
/// threads reading it) and this crate forbids unsafe code, so the daemon,
/// which knows it is single-threaded while parsing, installs the function
/// that does it. `None` as the value means unset.
pub type EnvSetter = fn(name: &str, value: Option<&str>);

static ENV_SETTER: OnceLock<EnvSetter> = OnceLock::new();

/// Installs the daemon's environment setter (first call wins). Without one
/// (unit tests, tools that only parse) the directives just record values.
pub fn set_env_hook(f: EnvSetter) {
    let _ = ENV_SETTER.set(f);
}

/// `S`: server config only.
const S: Contexts = Contexts::SERVER;
/// `S G`: read once from the main server; `<Global>` allowed.
const SG: Contexts = Contexts::SG;
const SV: Contexts = Contexts::SV;
const SVG: Contexts = Contexts::SVG;
const SVGA: Contexts = Contexts::SVGA;
/// `Umask` is also allowed in `<Directory>` and `.ftpaccess`.
const SVGADF: Contexts = Contexts(Contexts::SVGAD.0 | Contexts::DYNDIR.0);

/// Every directive mod_core implements.
pub static DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("ServerName", SV, server_name),
    DirectiveEntry::new("ServerType", S, server_type),
    DirectiveEntry::new("ServerIdent", SVG, server_ident),
    DirectiveEntry::new("ServerAdmin", SV, server_admin),
    DirectiveEntry::new("ServerAlias", SVG, server_alias),
    DirectiveEntry::new("DeferWelcome", SVG, defer_welcome),
    DirectiveEntry::new("DefaultServer", SV, default_server),
    DirectiveEntry::new("Port", SVG, port),
    DirectiveEntry::new("DefaultAddress", S, default_address),
    DirectiveEntry::new("SocketBindTight", S, socket_bind_tight),
    DirectiveEntry::new("UseIPv6", S, use_ipv6),
    DirectiveEntry::new("UseReverseDNS", S, use_reverse_dns),
    DirectiveEntry::new("MaxInstances", S, max_instances),
    // 1.3.8 registers this spelling and names it so in its errors.
    DirectiveEntry::new("TCPBackLog", S, tcp_backlog),
    DirectiveEntry::new("PidFile", S, pid_file),
    DirectiveEntry::new("User", SVGA, user),
    DirectiveEntry::new("Group", SVGA, group),
    DirectiveEntry::new("Umask", SVGADF, umask),
    DirectiveEntry::new("CommandBufferSize", SVG, command_buffer_size),
    DirectiveEntry::new("TimeoutIdle", SVGA, timeout_idle),
    DirectiveEntry::new("SystemLog", SG, system_log),
    DirectiveEntry::new("SyslogFacility", S, syslog_facility),
    DirectiveEntry::new("SyslogLevel", SG, syslog_level),
    DirectiveEntry::new("DebugLevel", SVG, debug_level),
    DirectiveEntry::new("DisplayConnect", SVG, display_connect),
    DirectiveEntry::new("DisplayQuit", SVGA, display_quit),
    DirectiveEntry::new("SetEnv", SVG, set_env),
    DirectiveEntry::new("UnsetEnv", SVG, unset_env),
    DirectiveEntry::new("MultilineRFC2228", SVG, multiline_rfc2228),
    DirectiveEntry::new("PassivePorts", SVG, passive_ports),
    DirectiveEntry::new("MasqueradeAddress", SVG, masquerade_address),
    DirectiveEntry::new("AllowForeignAddress", SVGA, allow_foreign_address),
    DirectiveEntry::new("UseSendfile", SVGADF, use_sendfile),
];

/// ProFTPD's `CHECK_ARGS`: a minimum only.
fn min_args(ctx: &DirectiveCtx<'_>, n: usize) -> Result<(), ConfigError> {
    if ctx.args.len() < n {
        Err(ctx.error("missing parameters"))
    } else {
        Ok(())
    }
}

/// An exact argument count (1.3.8's `argc != n` checks).
fn exact_args(ctx: &DirectiveCtx<'_>, n: usize) -> Result<(), ConfigError> {
    if ctx.args.len() != n {
        Err(ctx.error("wrong number of parameters"))
    } else {
        Ok(())
    }
}

/// A boolean argument with mod_core's 1.3.8 wording (capital B; other
/// modules of 1.3.8 say `boolean`, which is what the API helper gives).
fn bool_arg(ctx: &DirectiveCtx<'_>, i: usize) -> Result<bool, ConfigError> {
    let raw = ctx.args.get(i).map(String::as_str).unwrap_or("");
    parse_bool(raw).ok_or_else(|| ctx.error("expected Boolean parameter"))
}

fn arg(ctx: &DirectiveCtx<'_>, i: usize) -> String {
    ctx.args.get(i).cloned().unwrap_or_default()
}

/// C's `atoi`: leading blanks, an optional sign, then digits; anything
/// else ends the number (`21abc` is 21, `abc` is 0). Saturates instead of
/// overflowing.
pub fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut n: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg { -n } else { n }
}

/// A strict unsigned decimal (no sign, no trailing junk).
fn strict_u64(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn bool_directive(
    ctx: &mut DirectiveCtx<'_>,
    key: &'static proftpd_api::config::ConfigKey<bool>,
) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let on = bool_arg(ctx, 0)?;
    ctx.add(key, on, Merge::Down);
    Ok(())
}

fn server_name(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let name = arg(ctx, 0);
    ctx.add(&keys::SERVER_NAME, name, Merge::Down);
    Ok(())
}

fn server_type(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let t = match arg(ctx, 0).to_ascii_lowercase().as_str() {
        "standalone" => keys::ServerType::Standalone,
        "inetd" => keys::ServerType::Inetd,
        _ => return Err(ctx.error("type must be either 'inetd' or 'standalone'")),
    };
    ctx.add(&keys::SERVER_TYPE, t, Merge::Down);
    Ok(())
}

fn server_ident(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    if ctx.args.is_empty() || ctx.args.len() > 2 {
        return Err(ctx.error("wrong number of parameters"));
    }
    let on = bool_arg(ctx, 0)?;
    // 1.3.8 keeps the text only with `on`; `off "x"` is accepted and the
    // text ignored.
    let text = if on { ctx.args.get(1).cloned() } else { None };
    ctx.add(
        &keys::SERVER_IDENT,
        keys::ServerIdent { on, text },
        Merge::Down,
    );
    Ok(())
}

fn server_admin(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let admin = arg(ctx, 0);
    ctx.add(&keys::SERVER_ADMIN, admin, Merge::Down);
    Ok(())
}

fn server_alias(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    if ctx.args.is_empty() {
        return Err(ctx.error("wrong number of parameters"));
    }
    let names = ctx.args.to_vec();
    ctx.add(&keys::SERVER_ALIAS, names, Merge::DownMulti);
    Ok(())
}

fn defer_welcome(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    bool_directive(ctx, &keys::DEFER_WELCOME)
}

fn default_server(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    bool_directive(ctx, &keys::DEFAULT_SERVER)
}

fn socket_bind_tight(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    bool_directive(ctx, &keys::SOCKET_BIND_TIGHT)
}

fn use_ipv6(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    bool_directive(ctx, &keys::USE_IPV6)
}

fn use_reverse_dns(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    bool_directive(ctx, &keys::USE_REVERSE_DNS)
}

fn port(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let n = atoi(&arg(ctx, 0));
    let p = u16::try_from(n).map_err(|_| ctx.error("value must be between 0 and 65535"))?;
    ctx.add(&keys::PORT, p, Merge::Down);
    Ok(())
}

/// Whether `name` resolves (an IP literal always does).
fn resolves(name: &str) -> bool {
    use std::net::ToSocketAddrs;
    if name.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    (name, 0u16)
        .to_socket_addrs()
        .map(|mut it| it.next().is_some())
        .unwrap_or(false)
}

fn default_address(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    if ctx.args.is_empty() {
        return Err(ctx.error("wrong number of parameters"));
    }
    for (i, name) in ctx.args.iter().enumerate() {
        if !resolves(name) {
            // 1.3.8 words the first address and the extra ones differently.
            let msg = if i == 0 {
                format!("unable to resolve '{name}'")
            } else {
                format!("error resolving '{name}': No such file or directory")
            };
            return Err(ctx.error(msg));
        }
    }
    let addrs = ctx.args.to_vec();
    ctx.add(&keys::DEFAULT_ADDRESS, addrs, Merge::Down);
    Ok(())
}

fn max_instances(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let raw = arg(ctx, 0);
    let n = if raw.eq_ignore_ascii_case("none") {
        0
    } else {
        match strict_u64(&raw).and_then(|n| u32::try_from(n).ok()) {
            Some(n) if n > 0 => n,
            _ => {
                return Err(ctx.error("argument must be 'none' or a number greater than 0"));
            }
        }
    };
    ctx.add(&keys::MAX_INSTANCES, n, Merge::Down);
    Ok(())
}

fn tcp_backlog(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let n = atoi(&arg(ctx, 0));
    if !(1..=255).contains(&n) {
        return Err(ctx.error("parameter must be a number between 1 and 255"));
    }
    ctx.add(&keys::TCP_BACKLOG, n as i32, Merge::Down);
    Ok(())
}

fn pid_file(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let raw = arg(ctx, 0);
    if !raw.starts_with('/') {
        return Err(ctx.error(format!("unable to set PidFile '{raw}': Invalid argument")));
    }
    ctx.add(&keys::PID_FILE, PathBuf::from(raw), Merge::Down);
    Ok(())
}

/// Whether the daemon's own `User`/`Group` is meant (server or vhost
/// level); inside `<Anonymous>` the name is only looked up at login.
fn is_daemon_identity(ctx: &DirectiveCtx<'_>) -> bool {
    matches!(
        ctx.context,
        ContextKind::Server | ContextKind::VirtualHost | ContextKind::Global
    )
}

fn user(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let name = arg(ctx, 0);
    if is_daemon_identity(ctx) && !matches!(nix::unistd::User::from_name(&name), Ok(Some(_))) {
        return Err(ctx.error(format!("Unknown user '{name}'")));
    }
    ctx.add(&keys::USER, name, Merge::Down);
    Ok(())
}

fn group(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let name = arg(ctx, 0);
    if is_daemon_identity(ctx) && !matches!(nix::unistd::Group::from_name(&name), Ok(Some(_))) {
        return Err(ctx.error(format!("Unknown group '{name}'")));
    }
    ctx.add(&keys::GROUP, name, Merge::Down);
    Ok(())
}

/// An octal umask as `strtol(s, &end, 8)` with nothing left over: an
/// optional sign, then octal digits. The mode bits are what survives.
pub fn parse_octal_umask(s: &str) -> Option<u32> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    let v = i64::from_str_radix(digits, 8).ok()?;
    let v = if neg { -v } else { v };
    Some((v as u32) & 0o7777)
}

fn umask(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    // 1.3.8 says "missing parameters" for too many arguments as well.
    if ctx.args.is_empty() || ctx.args.len() > 2 {
        return Err(ctx.error("missing parameters"));
    }
    let mut vals = [0u32; 2];
    for (i, raw) in ctx.args.iter().enumerate() {
        vals[i] = parse_octal_umask(raw)
            .ok_or_else(|| ctx.error(format!("'{raw}' is not a valid umask")))?;
    }
    let file = vals[0];
    let dir = if ctx.args.len() == 2 { vals[1] } else { file };
    ctx.add(&keys::UMASK, keys::Umask { file, dir }, Merge::Down);
    Ok(())
}

fn command_buffer_size(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    exact_args(ctx, 1)?;
    let raw = arg(ctx, 0);
    let n = strict_u64(&raw)
        .ok_or_else(|| ctx.error(format!("unable to parse: {raw} : Invalid argument")))?;
    if n > MAX_COMMAND_BUFFER_SIZE {
        // The missing space is 1.3.8's.
        return Err(ctx.error(format!(
            "size {raw}exceeds max size {MAX_COMMAND_BUFFER_SIZE}"
        )));
    }
    ctx.add(&keys::COMMAND_BUFFER_SIZE, n as usize, Merge::Down);
    Ok(())
}

fn timeout_idle(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let secs = ctx.duration_arg(0)?;
    ctx.add(&keys::TIMEOUT_IDLE, secs, Merge::Down);
    Ok(())
}

fn system_log(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let raw = arg(ctx, 0);
    let target = if raw.eq_ignore_ascii_case("none") {
        keys::LogTarget::None
    } else {
        keys::LogTarget::File(PathBuf::from(raw))
    };
    ctx.add(&keys::SYSTEM_LOG, target, Merge::Down);
    Ok(())
}

/// The facility names `SyslogFacility` accepts.
pub const FACILITIES: &[&str] = &[
    "auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr", "mail", "news", "user", "uucp",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
];

fn syslog_facility(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let name = arg(ctx, 0).to_ascii_lowercase();
    if !FACILITIES.contains(&name.as_str()) {
        return Err(ctx.error("argument must be a valid syslog facility"));
    }
    ctx.add(&keys::SYSLOG_FACILITY, name, Merge::Down);
    Ok(())
}

/// A `SyslogLevel` keyword.
pub fn parse_syslog_level(s: &str) -> Option<keys::SyslogLevel> {
    use keys::SyslogLevel as L;
    Some(match s.to_ascii_lowercase().as_str() {
        "emerg" => L::Emerg,
        "alert" => L::Alert,
        "crit" => L::Crit,
        "error" => L::Error,
        "warn" => L::Warn,
        "notice" => L::Notice,
        "info" => L::Info,
        "debug" => L::Debug,
        _ => return None,
    })
}

fn syslog_level(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let level = parse_syslog_level(&arg(ctx, 0)).ok_or_else(|| {
        ctx.error(
            "SyslogLevel requires level keyword: one of \
             emerg/alert/crit/error/warn/notice/info/debug",
        )
    })?;
    ctx.add(&keys::SYSLOG_LEVEL, level, Merge::Down);
    Ok(())
}

fn debug_level(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let raw = arg(ctx, 0);
    let t = raw.trim_start();
    let body = t.strip_prefix('-').unwrap_or(t);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ctx.error("not a valid number"));
    }
    let n = atoi(t);
    if !(0..=i64::from(MAX_DEBUG_LEVEL)).contains(&n) {
        return Err(ctx.error("invalid debug level configured"));
    }
    ctx.add(&keys::DEBUG_LEVEL, n as u8, Merge::Down);
    Ok(())
}

fn display_connect(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let path = PathBuf::from(arg(ctx, 0));
    ctx.add(&keys::DISPLAY_CONNECT, path, Merge::Down);
    Ok(())
}

fn display_quit(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let path = PathBuf::from(arg(ctx, 0));
    ctx.add(&keys::DISPLAY_QUIT, path, Merge::Down);
    Ok(())
}

fn set_env(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 2)?;
    let (name, value) = (arg(ctx, 0), arg(ctx, 1));
    if let Some(f) = ENV_SETTER.get() {
        f(&name, Some(&value));
    }
    ctx.add(&keys::SET_ENV, (name, value), Merge::DownMulti);
    Ok(())
}

fn unset_env(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let name = arg(ctx, 0);
    if let Some(f) = ENV_SETTER.get() {
        f(&name, None);
    }
    ctx.add(&keys::UNSET_ENV, name, Merge::DownMulti);
    Ok(())
}

/// Deprecated since 1.3.6 and a no-op; Debian's stock config still has it,
/// so it must parse. 1.3.8 warns whatever the arguments are.
fn multiline_rfc2228(_ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    log::warn!(
        "the MultilineRFC2228 directive has been deprecated, and will be removed in a \
         future release.  Please remove it from your config file."
    );
    Ok(())
}

/// `PassivePorts low high`: 1.3.8 reads both with `atoi` (so `5000x` is
/// 5000) and checks them in this order, with these words.
fn passive_ports(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 2)?;
    let low = crate::cnum::atoi(arg(ctx, 0).as_bytes());
    let high = crate::cnum::atoi(arg(ctx, 1).as_bytes());
    let allowable = |p: i32| (1..=65535).contains(&p);
    if !allowable(low) {
        return Err(ctx.error("min port must be allowable port number"));
    }
    if !allowable(high) {
        return Err(ctx.error("max port must be allowable port number"));
    }
    if low < 1024 || high < 1024 {
        return Err(ctx.error("port numbers must be above 1023"));
    }
    if high <= low {
        return Err(ctx.error("min port must be less than max port"));
    }
    // Both are in 1024..=65535 here.
    let range = (low as u16, high as u16);
    ctx.add(&keys::PASSIVE_PORTS, range, Merge::Down);
    Ok(())
}

/// `MasqueradeAddress name`: resolved now if possible; a name that does
/// not resolve is kept for a lookup at session start (1.3.8 accepts it:
/// the address may only exist once the network is up).
fn masquerade_address(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let name = arg(ctx, 0);
    let addr = crate::masquerade::resolve(&name);
    ctx.add(
        &keys::MASQUERADE_ADDRESS,
        keys::Masquerade { name, addr },
        Merge::Down,
    );
    Ok(())
}

/// `AllowForeignAddress on|off|class`. 1.3.8 takes any other word as a
/// `<Class>` name whose addresses may be named; without `<Class>` support
/// the class matches nobody, which is what 1.3.8 does for a class it
/// cannot find, so the value is `off` (and said so in the log).
fn allow_foreign_address(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    min_args(ctx, 1)?;
    let raw = arg(ctx, 0);
    let on = match parse_bool(&raw) {
        Some(b) => b,
        None => {
            log::warn!(
                "AllowForeignAddress: <Class> '{raw}' matching is not supported; \
                 treating it as off (only the client's own address is allowed)"
            );
            false
        }
    };
    ctx.add(&keys::ALLOW_FOREIGN_ADDRESS, on, Merge::Down);
    Ok(())
}

/// `UseSendfile on|off|len units|percentage%` with 1.3.8's checks and
/// words. The length and percentage forms limit sendfile(2) to the start of
/// each file; we do not split a transfer that way, so they mean `on` (a
/// zero limit means `off`): the client sees the same bytes either way.
fn use_sendfile(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    let on = match ctx.args.len() {
        1 => {
            let raw = arg(ctx, 0);
            match raw.strip_suffix('%') {
                Some(num) if !num.is_empty() => parse_c_double(num)
                    .map(|pct| pct != 0.0)
                    .ok_or_else(|| ctx.error(format!("bad percentage value '{raw}'")))?,
                _ => bool_arg(ctx, 0)?,
            }
        }
        2 => {
            let (num, units) = (arg(ctx, 0), arg(ctx, 1));
            let n = parse_nbytes(&num, &units)
                .map_err(|why| ctx.error(format!("unable to parse: {num} {units}: {why}")))?;
            n > 0
        }
        _ => return Err(ctx.error("wrong number of parameters")),
    };
    ctx.add(&proftpd_api::data::USE_SENDFILE, on, Merge::Down);
    Ok(())
}

/// A `strtod` number that must fill the whole text (leading blanks
/// allowed): `50`, `50.5`, `-5`, `1e2`, `inf`.
fn parse_c_double(s: &str) -> Option<f64> {
    s.trim_start_matches(|c: char| c.is_ascii() && crate::cnum::is_c_space(c as u8))
        .parse::<f64>()
        .ok()
}

/// 1.3.8's byte counts (`pr_str_get_nbytes`): a non-negative decimal
/// number and a unit of B, KB, MB, GB or TB (any case).
fn parse_nbytes(num: &str, units: &str) -> Result<u64, &'static str> {
    const EINVAL: &str = "Invalid argument";
    const ERANGE: &str = "Numerical result out of range";
    let t = num.trim_start_matches(|c: char| c.is_ascii() && crate::cnum::is_c_space(c as u8));
    if t.starts_with('-') {
        return Err(EINVAL);
    }
    let (v, used) = crate::cnum::strtoul(t.as_bytes());
    if used == 0 || used != t.len() {
        return Err(EINVAL);
    }
    if v == u64::MAX {
        return Err(ERANGE);
    }
    let mult: u64 = match units.to_ascii_uppercase().as_str() {
        "B" => 1,
        "KB" => 1 << 10,
        "MB" => 1 << 20,
        "GB" => 1 << 30,
        "TB" => 1 << 40,
        _ => return Err(EINVAL),
    };
    v.checked_mul(mult).ok_or(ERANGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::config::{ConfigKey, ConfigTree, CtxId, Origin};
    use proftpd_api::testing::run_directive_in;

    /// Runs directive `name` with `args` in a fresh tree, in a context of
    /// `kind`, placed at line 3 of `/t.conf`; returns the tree and the
    /// context used.
    fn run_in(
        kind: ContextKind,
        name: &str,
        args: &[&str],
    ) -> (Result<(), ConfigError>, ConfigTree, CtxId) {
        let at = Origin {
            file: "/t.conf".into(),
            line: 3,
        };
        run_directive_in(DIRECTIVES, kind, name, args, at)
    }

    fn run(name: &str, args: &[&str]) -> (Result<(), ConfigError>, ConfigTree) {
        let (r, t, _) = run_in(ContextKind::Server, name, args);
        (r, t)
    }

    fn err(name: &str, args: &[&str]) -> String {
        match run(name, args).0 {
            Err(e) => e.to_string(),
            Ok(()) => panic!("{name} {args:?} accepted"),
        }
    }

    fn get<T: std::any::Any + Send + Sync + Clone>(
        name: &str,
        args: &[&str],
        key: &ConfigKey<T>,
    ) -> T {
        let (r, t) = run(name, args);
        if let Err(e) = r {
            panic!("{name} {args:?}: {e}");
        }
        t.get(t.main_server(), key).cloned().expect("value stored")
    }

    #[test]
    fn errors_carry_1_3_8_wording_and_place() {
        let table: &[(&str, &[&str], &str)] = &[
            ("ServerName", &[], "missing parameters"),
            (
                "ServerType",
                &["foo"],
                "type must be either 'inetd' or 'standalone'",
            ),
            ("ServerIdent", &[], "wrong number of parameters"),
            (
                "ServerIdent",
                &["on", "a", "b"],
                "wrong number of parameters",
            ),
            ("ServerIdent", &["foo"], "expected Boolean parameter"),
            ("ServerAlias", &[], "wrong number of parameters"),
            ("DeferWelcome", &["x"], "expected Boolean parameter"),
            ("Port", &["70000"], "value must be between 0 and 65535"),
            ("Port", &["-1"], "value must be between 0 and 65535"),
            ("DefaultAddress", &[], "wrong number of parameters"),
            (
                "MaxInstances",
                &["0"],
                "argument must be 'none' or a number greater than 0",
            ),
            (
                "MaxInstances",
                &["5x"],
                "argument must be 'none' or a number greater than 0",
            ),
            (
                "TCPBacklog",
                &["256"],
                "parameter must be a number between 1 and 255",
            ),
            (
                "PidFile",
                &["rel"],
                "unable to set PidFile 'rel': Invalid argument",
            ),
            (
                "User",
                &["nosuch-user-xyz"],
                "Unknown user 'nosuch-user-xyz'",
            ),
            (
                "Group",
                &["nosuch-group-xyz"],
                "Unknown group 'nosuch-group-xyz'",
            ),
            ("Umask", &["999"], "'999' is not a valid umask"),
            ("Umask", &["022", "x"], "'x' is not a valid umask"),
            ("Umask", &["1", "2", "3"], "missing parameters"),
            ("CommandBufferSize", &[], "wrong number of parameters"),
            (
                "CommandBufferSize",
                &["-5"],
                "unable to parse: -5 : Invalid argument",
            ),
            (
                "CommandBufferSize",
                &["99999999999"],
                "size 99999999999exceeds max size 524288",
            ),
            (
                "TimeoutIdle",
                &["x"],
                "error parsing timeout value 'x': Invalid argument",
            ),
            (
                "TimeoutIdle",
                &["-1"],
                "error parsing timeout value '-1': Numerical result out of range",
            ),
            (
                "SyslogFacility",
                &["foo"],
                "argument must be a valid syslog facility",
            ),
            (
                "SyslogLevel",
                &["warning"],
                "SyslogLevel requires level keyword: one of \
                 emerg/alert/crit/error/warn/notice/info/debug",
            ),
            ("DebugLevel", &["11"], "invalid debug level configured"),
            ("DebugLevel", &["-1"], "invalid debug level configured"),
            ("DebugLevel", &["x"], "not a valid number"),
            ("SetEnv", &["A"], "missing parameters"),
            ("UnsetEnv", &[], "missing parameters"),
        ];
        for (name, args, want) in table {
            let got = err(name, args);
            let canonical = DIRECTIVES
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(name))
                .map(|d| d.name)
                .unwrap_or(name);
            assert_eq!(
                got,
                format!("{canonical}: {want} on line 3 of '/t.conf'"),
                "{name} {args:?}"
            );
        }
    }

    #[test]
    fn tcp_backlog_is_named_as_1_3_8_spells_it() {
        assert!(err("TCPBacklog", &["0"]).starts_with("TCPBackLog: "));
    }

    #[test]
    fn typed_values() {
        assert_eq!(get("ServerName", &["a", "b"], &keys::SERVER_NAME), "a");
        assert_eq!(
            get("ServerType", &["Inetd"], &keys::SERVER_TYPE),
            keys::ServerType::Inetd
        );
        assert_eq!(
            get("ServerIdent", &["on", "hi %L"], &keys::SERVER_IDENT),
            keys::ServerIdent {
                on: true,
                text: Some("hi %L".into())
            }
        );
        assert_eq!(
            get("ServerIdent", &["off", "x"], &keys::SERVER_IDENT),
            keys::ServerIdent {
                on: false,
                text: None
            }
        );
        assert_eq!(get("Port", &["abc"], &keys::PORT), 0);
        assert_eq!(get("Port", &["21abc"], &keys::PORT), 21);
        assert_eq!(get("Port", &["0"], &keys::PORT), 0);
        assert_eq!(get("MaxInstances", &["NONE"], &keys::MAX_INSTANCES), 0);
        assert_eq!(get("MaxInstances", &["30"], &keys::MAX_INSTANCES), 30);
        assert_eq!(get("TCPBacklog", &["255"], &keys::TCP_BACKLOG), 255);
        assert_eq!(
            get("Umask", &["022", "027"], &keys::UMASK),
            keys::Umask {
                file: 0o22,
                dir: 0o27
            }
        );
        assert_eq!(
            get("Umask", &["0077"], &keys::UMASK),
            keys::Umask {
                file: 0o77,
                dir: 0o77
            }
        );
        assert_eq!(
            get("CommandBufferSize", &["0"], &keys::COMMAND_BUFFER_SIZE),
            0
        );
        assert_eq!(get("TimeoutIdle", &["1h"], &keys::TIMEOUT_IDLE), 3600);
        assert_eq!(get("TimeoutIdle", &["5m"], &keys::TIMEOUT_IDLE), 300);
        assert_eq!(get("TimeoutIdle", &["0"], &keys::TIMEOUT_IDLE), 0);
        assert_eq!(
            get("SystemLog", &["NONE"], &keys::SYSTEM_LOG),
            keys::LogTarget::None
        );
        assert_eq!(
            get("SyslogFacility", &["Local3"], &keys::SYSLOG_FACILITY),
            "local3"
        );
        assert_eq!(
            get("SyslogLevel", &["WARN"], &keys::SYSLOG_LEVEL),
            keys::SyslogLevel::Warn
        );
        assert_eq!(get("DebugLevel", &["10"], &keys::DEBUG_LEVEL), 10);
        assert!(get("DeferWelcome", &["1"], &keys::DEFER_WELCOME));
        assert_eq!(
            get(
                "DefaultAddress",
                &["127.0.0.1", "::1"],
                &keys::DEFAULT_ADDRESS
            ),
            vec!["127.0.0.1".to_string(), "::1".to_string()]
        );
        assert_eq!(get("User", &["root"], &keys::USER), "root");
        assert_eq!(
            get("PidFile", &["/run/x.pid"], &keys::PID_FILE),
            PathBuf::from("/run/x.pid")
        );
    }

    #[test]
    fn anonymous_user_is_not_looked_up_at_parse_time() {
        let (r, t, ctx) = run_in(ContextKind::Anonymous, "User", &["nosuch-user-xyz"]);
        assert!(r.is_ok());
        assert_eq!(
            t.get(ctx, &keys::USER).map(String::as_str),
            Some("nosuch-user-xyz")
        );
    }

    #[test]
    fn multiline_rfc2228_is_a_no_op() {
        let (r, t) = run("MultilineRFC2228", &["on"]);
        assert!(r.is_ok());
        assert!(t.ctx(t.main_server()).records.is_empty());
    }

    #[test]
    fn set_env_records_its_pair() {
        let (r, t) = run("SetEnv", &["A", "b", "c"]);
        assert!(r.is_ok());
        assert_eq!(
            t.get_all(t.main_server(), &keys::SET_ENV),
            vec![&("A".to_string(), "b".to_string())]
        );
    }

    #[test]
    fn contexts_follow_the_spec_table() {
        let find = |n: &str| {
            DIRECTIVES
                .iter()
                .find(|d| d.name == n)
                .map(|d| d.contexts)
                .expect("registered")
        };
        assert!(!find("ServerType").allows(ContextKind::VirtualHost));
        assert!(!find("ServerName").allows(ContextKind::Global));
        assert!(!find("MaxInstances").allows(ContextKind::Global));
        assert!(find("Umask").allows(ContextKind::Directory));
        assert!(find("TimeoutIdle").allows(ContextKind::Anonymous));
        assert!(!find("DebugLevel").allows(ContextKind::Anonymous));
    }

    #[test]
    fn data_connection_directives_follow_1_3_8() {
        // Errors measured with `proftpd -t` on 1.3.8.
        let table: &[(&str, &[&str], &str)] = &[
            ("PassivePorts", &["5000"], "missing parameters"),
            (
                "PassivePorts",
                &["1000", "2000"],
                "port numbers must be above 1023",
            ),
            (
                "PassivePorts",
                &["2000", "1000"],
                "port numbers must be above 1023",
            ),
            (
                "PassivePorts",
                &["1024", "65536"],
                "max port must be allowable port number",
            ),
            (
                "PassivePorts",
                &["a", "b"],
                "min port must be allowable port number",
            ),
            (
                "PassivePorts",
                &["-5", "6000"],
                "min port must be allowable port number",
            ),
            (
                "PassivePorts",
                &["2000", "0"],
                "max port must be allowable port number",
            ),
            (
                "PassivePorts",
                &["5000", "5000"],
                "min port must be less than max port",
            ),
            (
                "PassivePorts",
                &["3000", "1025"],
                "min port must be less than max port",
            ),
            ("MasqueradeAddress", &[], "missing parameters"),
            ("AllowForeignAddress", &[], "missing parameters"),
            ("UseSendfile", &[], "wrong number of parameters"),
            (
                "UseSendfile",
                &["a", "b", "c"],
                "wrong number of parameters",
            ),
            ("UseSendfile", &["x"], "expected Boolean parameter"),
            ("UseSendfile", &["10"], "expected Boolean parameter"),
            ("UseSendfile", &["%"], "expected Boolean parameter"),
            ("UseSendfile", &["x%"], "bad percentage value 'x%'"),
            ("UseSendfile", &["5x%"], "bad percentage value '5x%'"),
            (
                "UseSendfile",
                &["on", "off"],
                "unable to parse: on off: Invalid argument",
            ),
            (
                "UseSendfile",
                &["10", "XB"],
                "unable to parse: 10 XB: Invalid argument",
            ),
            (
                "UseSendfile",
                &["-10", "MB"],
                "unable to parse: -10 MB: Invalid argument",
            ),
            (
                "UseSendfile",
                &["1.5", "MB"],
                "unable to parse: 1.5 MB: Invalid argument",
            ),
            (
                "UseSendfile",
                &["0x10", "B"],
                "unable to parse: 0x10 B: Invalid argument",
            ),
            (
                "UseSendfile",
                &["99999999999999999999", "B"],
                "unable to parse: 99999999999999999999 B: Numerical result out of range",
            ),
        ];
        for (name, args, want) in table {
            assert_eq!(
                err(name, args),
                format!("{name}: {want} on line 3 of '/t.conf'"),
                "{name} {args:?}"
            );
        }
        assert_eq!(
            get("PassivePorts", &["1024", "65535"], &keys::PASSIVE_PORTS),
            (1024, 65535)
        );
        // atoi: trailing junk ignored, 32-bit wrap (4294968320 is 1024).
        assert_eq!(
            get(
                "PassivePorts",
                &["5000x", "6000", "7000"],
                &keys::PASSIVE_PORTS
            ),
            (5000, 6000)
        );
        assert_eq!(
            get(
                "PassivePorts",
                &["4294968320", "5000"],
                &keys::PASSIVE_PORTS
            ),
            (1024, 5000)
        );
        assert_eq!(
            get(
                "MasqueradeAddress",
                &["1.2.3.4", "5.6.7.8"],
                &keys::MASQUERADE_ADDRESS
            ),
            keys::Masquerade {
                name: "1.2.3.4".into(),
                addr: Some("1.2.3.4".parse().expect("ip")),
            }
        );
        assert_eq!(
            get(
                "MasqueradeAddress",
                &["nonexistent.invalid"],
                &keys::MASQUERADE_ADDRESS
            ),
            keys::Masquerade {
                name: "nonexistent.invalid".into(),
                addr: None,
            }
        );
        assert!(get(
            "AllowForeignAddress",
            &["on"],
            &keys::ALLOW_FOREIGN_ADDRESS
        ));
        assert!(get(
            "AllowForeignAddress",
            &["yes", "x"],
            &keys::ALLOW_FOREIGN_ADDRESS
        ));
        assert!(!get(
            "AllowForeignAddress",
            &["off"],
            &keys::ALLOW_FOREIGN_ADDRESS
        ));
        assert!(!get(
            "AllowForeignAddress",
            &["someclass"],
            &keys::ALLOW_FOREIGN_ADDRESS
        ));
        let sendfile = |args: &[&str]| get("UseSendfile", args, &proftpd_api::data::USE_SENDFILE);
        assert!(sendfile(&["on"]));
        assert!(!sendfile(&["off"]));
        assert!(sendfile(&["1"]));
        assert!(sendfile(&["50%"]));
        assert!(sendfile(&["50.5%"]));
        assert!(sendfile(&["101%"]));
        assert!(!sendfile(&["0%"]));
        assert!(sendfile(&["10", "mB"]));
        assert!(sendfile(&["+10", "TB"]));
        assert!(!sendfile(&["0", "MB"]));
    }

    #[test]
    fn data_connection_directive_contexts() {
        let find = |n: &str| {
            DIRECTIVES
                .iter()
                .find(|d| d.name == n)
                .map(|d| d.contexts)
                .expect("registered")
        };
        // spec/config.md, confirmed with `proftpd -t` on 1.3.8.
        for n in ["PassivePorts", "MasqueradeAddress"] {
            assert!(find(n).allows(ContextKind::Global), "{n}");
            assert!(find(n).allows(ContextKind::VirtualHost), "{n}");
            assert!(!find(n).allows(ContextKind::Anonymous), "{n}");
        }
        assert!(find("AllowForeignAddress").allows(ContextKind::Anonymous));
        assert!(!find("AllowForeignAddress").allows(ContextKind::Directory));
        assert!(find("UseSendfile").allows(ContextKind::Directory));
        assert_ne!(find("UseSendfile").0 & Contexts::DYNDIR.0, 0);
    }

    #[test]
    fn helpers() {
        assert_eq!(atoi("  +42x"), 42);
        assert_eq!(atoi("x"), 0);
        assert_eq!(parse_octal_umask("07777"), Some(0o7777));
        assert_eq!(parse_octal_umask("8"), None);
    }
}
