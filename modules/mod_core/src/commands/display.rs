//! Display files (`DisplayConnect`, `DisplayQuit`, ...): their lines and
//! the `%` variables ProFTPD substitutes in them.
//!
//! Measured on 1.3.8 (before login / after): `%C` current directory or
//! `(none)`, `%E` ServerAdmin (default `root@<server>`), `%L` local IP (never IPv4-mapped), `%R`
//! client name, `%U` user or empty, `%V` ServerName, `%x` class
//! (`(unknown)` without classes), `%y` and `%z` `0`, `%M` MaxClients (`0`
//! when unlimited), `%{env:NAME}`. Unknown `%` sequences stay as written.
//! Not yet substituted (they need the scoreboard or the local time zone):
//! `%N` (connected clients), `%T` (current time), `%{time:fmt}`.

use std::path::Path;

use proftpd_api::session::Session;

use crate::keys::{SERVER_ADMIN, SERVER_NAME};

/// The lines of a display file, variables expanded; `None` if unreadable.
pub fn lines(session: &Session, path: &Path) -> Option<Vec<String>> {
    let data = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&data);
    Some(
        text.lines()
            .map(|l| expand(session, l.trim_end_matches('\r')))
            .collect(),
    )
}

/// Substitutes the display variables in one line.
pub fn expand(session: &Session, line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(body) = after.strip_prefix("{env:") {
            if let Some(end) = body.find('}') {
                out.push_str(&std::env::var(&body[..end]).unwrap_or_default());
                rest = &body[end + 1..];
                continue;
            }
        }
        let mut chars = after.chars();
        let value = chars.next().and_then(|c| variable(session, c));
        match value {
            Some(v) => {
                out.push_str(&v);
                rest = &after[1..];
            }
            None => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn variable(session: &Session, c: char) -> Option<String> {
    Some(match c {
        'C' if session.authenticated => String::from_utf8_lossy(&session.cwd).into_owned(),
        'C' => "(none)".to_string(),
        'E' => session
            .get(&SERVER_ADMIN)
            .cloned()
            .unwrap_or_else(|| format!("root@{}", crate::server_fqdn(session))),
        'L' => session.local_ip(),
        'R' => session.peer_name.clone(),
        'U' => session.user.clone().unwrap_or_default(),
        'V' => session
            .server_get(&SERVER_NAME)
            .cloned()
            .unwrap_or_else(|| crate::DEFAULT_SERVER_NAME.to_string()),
        'x' => "(unknown)".to_string(),
        'y' | 'z' | 'M' => "0".to_string(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testutil::{session, session_with, tree_with};

    #[test]
    fn variables_as_1_3_8_fills_them() {
        let mut s = session_with(tree_with(&SERVER_NAME, "Srv".to_string()));
        s.authenticated = false;
        s.user = None;
        assert_eq!(
            expand(&s, "C=%C L=%L R=%R U=%U V=%V x=%x y=%y M=%M a=%a 100%"),
            "C=(none) L=127.0.0.1 R=127.0.0.1 U= V=Srv x=(unknown) y=0 M=0 a=%a 100%"
        );
        let mut s = session();
        s.cwd = "/home/t".into();
        assert_eq!(expand(&s, "%C %U %V"), "/home/t tester ProFTPD");
    }

    #[test]
    fn environment() {
        let s = session();
        let path = std::env::var("PATH").unwrap_or_default();
        assert_eq!(expand(&s, "[%{env:PATH}]"), format!("[{path}]"));
        assert_eq!(expand(&s, "%{env:PROFTPD_SURELY_UNSET_VAR}x"), "x");
        assert_eq!(expand(&s, "%{env:open"), "%{env:open");
    }
}
