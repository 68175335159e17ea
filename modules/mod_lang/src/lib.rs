//! mod_lang for proftpd-rs: LANG, OPTS UTF8 and path encoding (RFC 2640),
//! as ProFTPD 1.3.8's `modules/mod_lang.c` (mod_lang/1.1).
//!
//! No message catalogs are used: replies stay English whatever LANG
//! selects, which is what 1.3.8 shows on a system without the locales its
//! catalogs need (the usual case: Debian installs only C.UTF-8).
#![forbid(unsafe_code)]

pub mod commands;
pub mod directives;
pub mod encoding;
pub mod keys;
pub mod langs;
pub mod locale;
pub mod state;

use std::path::Path;

use proftpd_api::module::{InitError, MasterRegistrar, ModuleDef};
use proftpd_api::session::{Session, SessionHost};

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_lang",
    version: "1.1",
    directives: directives::DIRECTIVES,
    commands: commands::COMMANDS,
    init: Some(init),
    sess_init: Some(sess_init),
    ..ModuleDef::EMPTY
};

/// In the master, after the config is read (and again on restart): reads
/// the daemon's locale and scans LangPath once, for every session to
/// inherit.
fn init(reg: &mut MasterRegistrar<'_>) -> Result<(), InitError> {
    state::forget();
    let main = reg.config.main_server();
    if reg.config.get(main, &keys::LANG_ENGINE).copied() == Some(false) {
        return Ok(());
    }
    let _ = state::daemon_locale();
    let path = reg
        .config
        .get(main, &keys::LANG_PATH)
        .cloned()
        .unwrap_or_else(|| langs::DEFAULT_LANG_PATH.to_string());
    if langs::table_for(Path::new(&path)).is_none() {
        log::info!("mod_lang/1.1: unable to scan the localised files in '{path}'");
    }
    Ok(())
}

/// Offers `UTF8` (unless `LangOptions PreferServerEncoding` with a client
/// character set other than UTF-8) and the `LANG` line in FEAT.
fn sess_init(session: &mut Session, _host: &mut dyn SessionHost) -> Result<(), InitError> {
    let utf8_client = matches!(
        session.server_get(&keys::USE_ENCODING),
        Some(encoding::UseEncoding::Charsets { client, .. })
            if client.eq_ignore_ascii_case("UTF8") || client.eq_ignore_ascii_case("UTF-8")
    );
    let st = state::get(session).clone();
    if !st.engine {
        return Ok(());
    }
    let prefer_server = st
        .encoding
        .as_ref()
        .is_some_and(|e| e.opts.prefer_server_encoding);
    if !prefer_server || utf8_client {
        session.features.insert("UTF8".to_string());
    }
    session.features.insert(st.table.feat_line(&st.current));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::config::ConfigTree;
    use proftpd_api::testing::{sess_features, tree_with};

    #[test]
    fn feat_lines() {
        let f = sess_features(&MODULE, ConfigTree::new());
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].starts_with("LANG ") && f[0].ends_with('*'), "{f:?}");
        assert_eq!(f[1], "UTF8");
        assert!(sess_features(&MODULE, tree_with(&keys::LANG_ENGINE, false)).is_empty());
        let prefer = encoding::LangOpts {
            prefer_server_encoding: true,
            require_valid_encoding: false,
        };
        let f = sess_features(&MODULE, tree_with(&keys::LANG_OPTIONS, prefer));
        assert_eq!(f.len(), 1, "{f:?}");
    }
}
