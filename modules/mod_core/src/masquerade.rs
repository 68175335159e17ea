//! `MasqueradeAddress`: turning the configured name into the address PASV
//! and the banner advertise.
//!
//! 1.3.8 takes an IP literal, a network device name (`eth0`: its first
//! IPv4 address) or a DNS name. It resolves at parse time; a name that does
//! not resolve then is kept and looked up again when a session starts
//! ("delayed resolution"); if that fails too, the session advertises its
//! own local address (observed: `MasqueradeAddress nonexistent.invalid`
//! starts and PASV shows 127.0.0.1).

use std::net::{IpAddr, ToSocketAddrs};

use proftpd_api::session::Session;

use crate::keys::{MASQUERADE_ADDRESS, Masquerade};

/// The address `name` stands for: an IP literal, else a local network
/// device's address, else a DNS lookup; IPv4 preferred, since PASV can
/// only show IPv4.
pub fn resolve(name: &str) -> Option<IpAddr> {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Some(ip);
    }
    device_addr(name).or_else(|| dns_addr(name))
}

/// The first address of network device `name` (IPv4 first).
fn device_addr(name: &str) -> Option<IpAddr> {
    let addrs: Vec<IpAddr> = nix::ifaddrs::getifaddrs()
        .ok()?
        .filter(|a| a.interface_name == name)
        .filter_map(|a| {
            let sa = a.address?;
            if let Some(v4) = sa.as_sockaddr_in() {
                Some(IpAddr::V4(v4.ip()))
            } else {
                sa.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
            }
        })
        .collect();
    prefer_v4(addrs)
}

fn dns_addr(name: &str) -> Option<IpAddr> {
    let addrs = (name, 0u16).to_socket_addrs().ok()?;
    prefer_v4(addrs.map(|a| a.ip()).collect())
}

fn prefer_v4(addrs: Vec<IpAddr>) -> Option<IpAddr> {
    addrs
        .iter()
        .copied()
        .find(IpAddr::is_ipv4)
        .or_else(|| addrs.first().copied())
}

/// Per-session memory of the delayed lookup, so that it runs once.
#[derive(Default)]
struct Delayed {
    /// `Some(result)` once looked up.
    result: Option<Option<IpAddr>>,
}

/// The session's masquerade address, if `MasqueradeAddress` is set and
/// resolves; a name unresolved at parse time is looked up once per session
/// (mod_core's `sess_init` does it first, as 1.3.8 does at session start).
pub fn address(session: &mut Session) -> Option<IpAddr> {
    let conf: Masquerade = session.server_get(&MASQUERADE_ADDRESS)?.clone();
    if conf.addr.is_some() {
        return conf.addr;
    }
    let state = session.state::<Delayed>();
    if let Some(done) = state.result {
        return done;
    }
    log::debug!(
        "performing delayed resolution of MasqueradeAddress '{}'",
        conf.name
    );
    let found = resolve(&conf.name);
    if found.is_none() {
        log::debug!("unable to resolve '{}'", conf.name);
    }
    session.state::<Delayed>().result = Some(found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testutil::{session, session_with, tree_with};

    #[test]
    fn literals_devices_and_names() {
        assert_eq!(resolve("1.2.3.4"), Some("1.2.3.4".parse().expect("ip")));
        assert_eq!(resolve("::1"), Some("::1".parse().expect("ip")));
        assert_eq!(resolve("lo"), Some("127.0.0.1".parse().expect("ip")));
        assert_eq!(resolve("nonexistent.invalid"), None);
        assert_eq!(resolve(""), None);
    }

    #[test]
    fn delayed_lookup_runs_once_and_may_fail() {
        let mut s = session();
        assert_eq!(address(&mut s), None);
        let unresolved = Masquerade {
            name: "nonexistent.invalid".into(),
            addr: None,
        };
        let mut s = session_with(tree_with(&MASQUERADE_ADDRESS, unresolved));
        assert_eq!(address(&mut s), None);
        assert_eq!(s.state::<Delayed>().result, Some(None));
        let later = Masquerade {
            name: "127.0.0.2".into(),
            addr: None,
        };
        let mut s = session_with(tree_with(&MASQUERADE_ADDRESS, later));
        assert_eq!(address(&mut s), Some("127.0.0.2".parse().expect("ip")));
    }
}
