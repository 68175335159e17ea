//! mod_auth for proftpd-rs: USER/PASS and the login policy (ProFTPD's
//! `modules/mod_auth.c`), plus the auth dispatch every module uses to ask
//! "who is this user" of the auth modules (mod_auth_unix, mod_auth_file).
#![forbid(unsafe_code)]

pub mod commands;
pub mod directives;
pub mod dispatch;
pub mod keys;
pub mod login;

use proftpd_api::module::{InitError, ModuleDef};
use proftpd_api::session::{AuthModule, Session, SessionHost, Timer};

use keys::*;

/// The auth modules of a session in dispatch order: `AuthOrder` when set
/// (unknown names are logged and skipped), else every module with an auth
/// table, highest priority (latest loaded) first.
pub fn auth_modules(session: &Session) -> Vec<AuthModule> {
    let modules = &session.modules;
    match session.server_get(&AUTH_ORDER) {
        Some(order) => order
            .iter()
            .filter_map(|e| {
                let found = modules
                    .iter()
                    .find(|m| m.is_named(&e.module))
                    .and_then(|m| m.auth.map(|t| (m.name, t)));
                if found.is_none() {
                    log::warn!("AuthOrder: no auth module '{}.c' loaded, skipped", e.module);
                }
                found.map(|(name, table)| AuthModule {
                    name,
                    table,
                    required: e.required,
                })
            })
            .collect(),
        None => modules
            .iter()
            .rev()
            .filter_map(|m| {
                m.auth.map(|table| AuthModule {
                    name: m.name,
                    table,
                    required: false,
                })
            })
            .collect(),
    }
}

fn sess_init(session: &mut Session, host: &mut dyn SessionHost) -> Result<(), InitError> {
    session.auth_modules = auth_modules(session);
    let secs = session
        .server_get(&TIMEOUT_LOGIN)
        .copied()
        .unwrap_or(DEFAULT_TIMEOUT_LOGIN);
    host.set_timer(Timer::Login, Some(secs));
    Ok(())
}

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_auth",
    version: "",
    directives: directives::DIRECTIVES,
    commands: commands::COMMANDS,
    help: commands::HELP,
    sess_init: Some(sess_init),
    ..ModuleDef::EMPTY
};

#[cfg(test)]
mod tests;
