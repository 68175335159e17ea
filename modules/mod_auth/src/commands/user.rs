//! USER (RFC 959 §4.1.1): names the account; the password follows.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::{LOGIN_INCORRECT, LoginState};
use crate::keys::*;
use crate::login;

/// USER name: remembers the name and asks for a password.
pub fn user(ctx: &mut CmdCtx<'_>) -> ModRet {
    let name = ctx.cmd.arg_str().trim_end().to_string();
    if name.is_empty() {
        ctx.reply_err(500, "USER: command requires a parameter");
        return ModRet::Error;
    }
    if ctx.session.authenticated {
        if ctx.session.user.as_deref() == Some(name.as_str()) {
            ctx.reply(230, format!("User {name} logged in"));
            return ModRet::Handled;
        }
        ctx.reply_err(501, "Reauthentication not supported");
        return ModRet::Error;
    }
    if name.len() > LOGIN_MAX {
        ctx.reply_err(501, LOGIN_INCORRECT);
        return ModRet::Error;
    }
    let anon = login::find_anon(ctx.session, &name).map(|(c, _)| c);
    let anon_free = anon.is_some_and(|a| {
        !ctx.session
            .config
            .get(a, &ANON_REQUIRE_PASSWORD)
            .copied()
            .unwrap_or(false)
    });
    ctx.session.state::<LoginState>().pending = Some(name.clone());
    ctx.session.user = Some(name.clone());
    if anon_free {
        ctx.reply(
            331,
            "Anonymous login ok, send your complete email address as your password",
        );
    } else {
        ctx.reply(331, format!("Password required for {name}"));
    }
    ModRet::Handled
}
