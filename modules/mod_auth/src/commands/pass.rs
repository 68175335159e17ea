//! PASS (RFC 959 §4.1.1): the login itself, and what a session becomes.

use std::io::Read;
use std::path::Path;

use proftpd_api::log_target;
use proftpd_api::module::ModRet;
use proftpd_api::session::{CmdCtx, Disconnect, Timer};

use super::{LOGIN_INCORRECT, LoginState};
use crate::dispatch;
use crate::keys::*;
use crate::login::{self, Denial};

/// PASS password: the login itself.
pub fn pass(ctx: &mut CmdCtx<'_>) -> ModRet {
    if ctx.session.authenticated {
        ctx.reply_err(503, "You are already logged in");
        return ModRet::Error;
    }
    let Some(name) = ctx.session.state::<LoginState>().pending.clone() else {
        ctx.reply_err(503, "Login with USER first");
        return ModRet::Error;
    };
    let max = ctx
        .session
        .get(&MAX_PASSWORD_SIZE)
        .copied()
        .unwrap_or(DEFAULT_MAX_PASSWORD_SIZE);
    if ctx.cmd.arg.len() > max {
        log::info!(
            target: log_target::AUTH,
            "USER {name} (Login failed): Password length ({}) exceeds MaxPasswordSize ({max})",
            ctx.cmd.arg.len()
        );
        ctx.reply_err(501, LOGIN_INCORRECT);
        return ModRet::Error;
    }
    // Borrowed, not copied: no second copy of the cleartext to wipe.
    let decided = login::decide(ctx.session, ctx.host, &name, &ctx.cmd.arg);
    let granted = decided.and_then(|(pw, identity)| {
        // Named before the switch, while every group source is in reach.
        let groups: Vec<_> = identity
            .groups
            .iter()
            .filter_map(|gid| dispatch::getgrgid(ctx.session, ctx.host, *gid))
            .collect();
        let cwd = login::switch(ctx.host, &identity)?;
        Ok((pw, groups, identity, cwd))
    });
    match granted {
        Ok((pw, groups, identity, cwd)) => {
            *ctx.session.state::<dispatch::Account>() = dispatch::Account {
                pw: Some(pw.clone()),
                groups,
            };
            if ctx.session.anon.is_some() {
                // The e-mail address an anonymous user gave, for logs (%a).
                let given = String::from_utf8_lossy(&ctx.cmd.arg).into_owned();
                ctx.session
                    .notes
                    .insert("mod_auth.anon-passwd".to_string(), given);
            }
            succeed(ctx, &name, &pw.name, identity, cwd);
            ModRet::Handled
        }
        Err(denial) => {
            fail(ctx, &name, denial);
            ModRet::Error
        }
    }
}

fn succeed(
    ctx: &mut CmdCtx<'_>,
    name: &str,
    real: &str,
    identity: proftpd_api::session::Identity,
    cwd: String,
) {
    let s = &mut *ctx.session;
    s.state::<LoginState>().pending = None;
    s.authenticated = true;
    s.user = Some(name.to_string());
    s.chroot = identity.chroot.clone();
    s.identity = Some(identity);
    s.cwd = cwd.into_bytes();
    let anon = s.anon.is_some();
    let idle = s
        .get(&mod_core::keys::TIMEOUT_IDLE)
        .copied()
        .unwrap_or(DEFAULT_TIMEOUT_IDLE);
    let session_limit = s.get(&TIMEOUT_SESSION).copied().unwrap_or(0);
    let grant = s.get(&ACCESS_GRANT_MSG).cloned();
    let display = s.get(&DISPLAY_LOGIN).cloned();
    let cwd_shown = String::from_utf8_lossy(&s.cwd).into_owned();
    let peer = s.peer_name.clone();
    let local = s.local_ip();
    ctx.host.set_timer(Timer::Login, None);
    ctx.host.set_timer(Timer::Idle, Some(idle));
    if session_limit > 0 {
        ctx.host.set_timer(Timer::Session, Some(session_limit));
    }
    if anon {
        log::info!(target: log_target::AUTH_INFO, "ANON {real}: Login successful.");
    } else {
        log::info!(target: log_target::AUTH_INFO, "USER {name}: Login successful.");
    }
    if let Some(path) = display {
        for line in display_lines(Path::new(&path), name, &cwd_shown, &peer, &local) {
            ctx.reply(230, line);
        }
    }
    let text = match grant {
        Some(msg) => msg.replace("%u", name),
        None if anon => "Anonymous access granted, restrictions apply".to_string(),
        None => format!("User {name} logged in"),
    };
    ctx.reply(230, text);
}

/// The lines of the DisplayLogin file, read after the switch (so a path
/// is seen inside the chroot, a relative one from the start directory),
/// with the simple magic cookies expanded. A missing file shows nothing.
fn display_lines(path: &Path, user: &str, cwd: &str, peer: &str, local: &str) -> Vec<String> {
    // A welcome file is small; a huge one must not become a huge reply.
    const MAX_DISPLAY_BYTES: u64 = 64 * 1024;
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let mut data = Vec::new();
    if file.take(MAX_DISPLAY_BYTES).read_to_end(&mut data).is_err() {
        return Vec::new();
    }
    String::from_utf8_lossy(&data)
        .lines()
        .map(|l| expand_cookies(l.trim_end_matches('\r'), user, cwd, peer, local))
        .collect()
}

/// `%U` user, `%C` directory, `%R` client, `%L` local address, `%%`;
/// other cookies are left as written.
fn expand_cookies(line: &str, user: &str, cwd: &str, peer: &str, local: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('U') => out.push_str(user),
            Some('C') => out.push_str(cwd),
            Some('R') => out.push_str(peer),
            Some('L') => out.push_str(local),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

fn fail(ctx: &mut CmdCtx<'_>, name: &str, denial: Denial) {
    // Read while the <Anonymous> context (if any) is still selected.
    let deny = ctx.session.get(&ACCESS_DENY_MSG).cloned();
    let max = ctx
        .session
        .get(&MAX_LOGIN_ATTEMPTS)
        .copied()
        .unwrap_or(DEFAULT_MAX_LOGIN_ATTEMPTS);
    let fatal = match denial {
        Denial::Reason(r) => {
            log::info!(target: log_target::AUTH, "USER {name} (Login failed): {r}");
            None
        }
        Denial::Line(l) => {
            log::info!(target: log_target::AUTH, "{l}");
            None
        }
        Denial::Fatal(f) => {
            log::error!("{f}");
            Some(f)
        }
    };
    let s = &mut *ctx.session;
    s.anon = None;
    s.user = None;
    let st = s.state::<LoginState>();
    st.pending = None;
    st.failures = st.failures.saturating_add(1);
    let failures = st.failures;
    let text = deny.map_or_else(|| LOGIN_INCORRECT.to_string(), |m| m.replace("%u", name));
    ctx.reply_err(530, text);
    if let Some(f) = fatal {
        ctx.session.disconnect = Some(Disconnect::Fatal(f));
    } else if failures >= max {
        log::info!(
            target: log_target::AUTH,
            "Maximum login attempts ({max}) exceeded, connection refused"
        );
        ctx.session.disconnect = Some(Disconnect::MaxLoginAttempts);
    }
}
