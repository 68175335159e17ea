//! mod_core for proftpd-rs: the core directives and the control-channel
//! commands that need no other module (ProFTPD's `modules/mod_core.c`).
#![forbid(unsafe_code)]

pub mod cnum;
pub mod commands;
pub mod directives;
pub mod keys;
pub mod masquerade;

use proftpd_api::module::{InitError, ModuleDef};
use proftpd_api::session::{Session, SessionHost};

use keys::{DEFER_WELCOME, DISPLAY_CONNECT, SERVER_IDENT, SERVER_NAME};

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_core",
    version: "",
    directives: directives::DIRECTIVES,
    commands: commands::COMMANDS,
    help: commands::HELP,
    sess_init: Some(sess_init),
    ..ModuleDef::EMPTY
};

/// ProFTPD's `ServerName` when none is configured.
pub const DEFAULT_SERVER_NAME: &str = "ProFTPD";

/// Queues the greeting and offers mod_core's FEAT lines.
fn sess_init(session: &mut Session, _host: &mut dyn SessionHost) -> Result<(), InitError> {
    // Only what this module implements: HOST joins when it exists.
    for f in ["CLNT", "CSID", "EPRT", "EPSV", "MDTM", "SIZE"] {
        session.features.insert(f.to_string());
    }

    if let Some(lines) = session
        .server_get(&DISPLAY_CONNECT)
        .cloned()
        .and_then(|p| commands::display::lines(session, &p))
    {
        for l in lines {
            session.replies.add(220, l);
        }
    }
    let text = banner(session);
    session.replies.add(220, text);
    Ok(())
}

/// The server's name for itself (ProFTPD's `ServerFQDN`): the DNS name the
/// session found (`Session::server_fqdn`, UseReverseDNS on); else, as 1.3.8
/// shows it without reverse DNS: a virtual host's first address, the main
/// server's first `DefaultAddress`, else the address the client reached.
pub fn server_fqdn(session: &Session) -> String {
    if let Some(name) = &session.server_fqdn {
        return name.clone();
    }
    let ctx = session.config.ctx(session.server);
    if ctx.kind == proftpd_api::config::ContextKind::VirtualHost {
        if let Some(a) = ctx.args.first() {
            return a.clone();
        }
    }
    session
        .server_get(&keys::DEFAULT_ADDRESS)
        .and_then(|a| a.first().cloned())
        .unwrap_or_else(|| session.local_ip())
}

/// The 220 text (spec §1.1).
pub fn banner(session: &mut Session) -> String {
    // The address as the socket reports it: a dual-stack listener shows
    // `::ffff:a.b.c.d`, as ProFTPD 1.3.8 does (observed). A resolved
    // MasqueradeAddress replaces it (observed: `[1.2.3.4]`, and `%L`).
    let local_ip = masquerade::address(session)
        .map_or_else(|| session.local_addr.ip().to_string(), |ip| ip.to_string());
    let server_name = session
        .server_get(&SERVER_NAME)
        .cloned()
        .unwrap_or_else(|| DEFAULT_SERVER_NAME.to_string());
    match session.server_get(&SERVER_IDENT) {
        Some(ident) if !ident.on => format!("{local_ip} FTP server ready"),
        Some(keys::ServerIdent {
            text: Some(text), ..
        }) => text
            .replace("%L", &local_ip)
            .replace("%V", &server_fqdn(session))
            .replace("%v", &server_name)
            .replace("%{version}", proftpd_api::PROFTPD_VERSION),
        _ if session.server_get(&DEFER_WELCOME).copied().unwrap_or(false) => {
            "ProFTPD Server ready.".to_string()
        }
        _ => format!("ProFTPD Server ({server_name}) [{local_ip}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testutil::{FakeHost, session, session_with, tree_with};
    use keys::ServerIdent;
    use proftpd_api::reply::format_reply;

    fn greeting(mut s: Session) -> String {
        let mut host = FakeHost::default();
        sess_init(&mut s, &mut host).expect("sess_init");
        let lines = s.replies.take(false);
        String::from_utf8_lossy(&format_reply(&lines, s.multiline)).into_owned()
    }

    #[test]
    fn default_banner() {
        assert_eq!(
            greeting(session()),
            "220 ProFTPD Server (ProFTPD) [127.0.0.1]\r\n"
        );
        let s = session_with(tree_with(&SERVER_NAME, "Debian".to_string()));
        assert_eq!(greeting(s), "220 ProFTPD Server (Debian) [127.0.0.1]\r\n");
    }

    #[test]
    fn ident_variants() {
        let off = ServerIdent {
            on: false,
            text: None,
        };
        assert_eq!(
            greeting(session_with(tree_with(&SERVER_IDENT, off))),
            "220 127.0.0.1 FTP server ready\r\n"
        );
        let custom = ServerIdent {
            on: true,
            text: Some("Hi %L %v %{version}".into()),
        };
        assert_eq!(
            greeting(session_with(tree_with(&SERVER_IDENT, custom))),
            "220 Hi 127.0.0.1 ProFTPD 1.3.8\r\n"
        );
        assert_eq!(
            greeting(session_with(tree_with(&DEFER_WELCOME, true))),
            "220 ProFTPD Server ready.\r\n"
        );
    }

    #[test]
    fn masquerade_address_is_the_banner_address() {
        let m = keys::Masquerade {
            name: "1.2.3.4".into(),
            addr: Some("1.2.3.4".parse().expect("ip")),
        };
        let s = session_with(tree_with(&keys::MASQUERADE_ADDRESS, m));
        assert_eq!(greeting(s), "220 ProFTPD Server (ProFTPD) [1.2.3.4]\r\n");
        // Unresolved at parse time: looked up at session start.
        let m = keys::Masquerade {
            name: "127.0.0.9".into(),
            addr: None,
        };
        let s = session_with(tree_with(&keys::MASQUERADE_ADDRESS, m));
        assert_eq!(greeting(s), "220 ProFTPD Server (ProFTPD) [127.0.0.9]\r\n");
        let m = keys::Masquerade {
            name: "nonexistent.invalid".into(),
            addr: None,
        };
        let s = session_with(tree_with(&keys::MASQUERADE_ADDRESS, m));
        assert_eq!(greeting(s), "220 ProFTPD Server (ProFTPD) [127.0.0.1]\r\n");
    }

    #[test]
    fn display_connect_comes_first() {
        let f = std::env::temp_dir().join(format!("mod_core_conn_{}", std::process::id()));
        std::fs::write(&f, b"one\ntwo\n").expect("write display file");
        let s = session_with(tree_with(&DISPLAY_CONNECT, f.clone()));
        assert_eq!(
            greeting(s),
            "220-one\r\n two\r\n220 ProFTPD Server (ProFTPD) [127.0.0.1]\r\n"
        );
        std::fs::remove_file(&f).expect("clean up");
    }

    #[test]
    fn features() {
        let mut s = session();
        let mut host = FakeHost::default();
        sess_init(&mut s, &mut host).expect("sess_init");
        let f: Vec<&str> = s.features.iter().map(String::as_str).collect();
        assert_eq!(f, ["CLNT", "CSID", "EPRT", "EPSV", "MDTM", "SIZE"]);
    }
}
