//! Which server (main or `<VirtualHost>`) takes a connection, by the local
//! address and port it arrived on (ProFTPD's `pr_ipbind_get_server`).
//!
//! 1. A `<VirtualHost>` whose address list names the local IP and whose
//!    `Port` is the local port.
//! 2. The main server when its `Port` matches and it answers on that
//!    address (no `DefaultAddress`, or one naming the IP, or a wildcard
//!    listener without `SocketBindTight`).
//! 3. A server marked `DefaultServer on` (any port).
//! 4. None: the session answers `500 Sorry, no server available ...`.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

use proftpd_api::config::{ConfigTree, ContextKind, CtxId};

use mod_core::keys::{
    DEFAULT_ADDRESS, DEFAULT_SERVER, PORT, SERVER_TYPE, SOCKET_BIND_TIGHT, ServerType,
};

/// ProFTPD's default `Port`.
const DEFAULT_PORT: u16 = 21;

/// Picks the server for a connection to `local`.
pub fn select(tree: &ConfigTree, local: SocketAddr) -> Option<CtxId> {
    let ip = unmap(local.ip());
    let port = local.port();
    let main = tree.main_server();
    let port_of = |id: CtxId| tree.get_here(id, &PORT).copied().unwrap_or(DEFAULT_PORT);
    // `Port 0` has a listener only under the test flag `--port-file`, where
    // it stands for an ephemeral port: any local port matches it.
    let port_matches = |id: CtxId| matches!(port_of(id), 0) || port_of(id) == port;

    for &id in &tree.servers {
        let ctx = tree.ctx(id);
        if ctx.kind == ContextKind::VirtualHost
            && port_matches(id)
            && ctx.args.iter().any(|a| names_ip(a, ip))
        {
            return Some(id);
        }
    }

    let inetd = tree.get_here(main, &SERVER_TYPE) == Some(&ServerType::Inetd);
    // Under inetd the port is whatever inetd listens on.
    if inetd || port_matches(main) {
        let tight = tree
            .get_here(main, &SOCKET_BIND_TIGHT)
            .copied()
            .unwrap_or(false);
        let answers = match tree.get_here(main, &DEFAULT_ADDRESS) {
            Some(addrs) if !addrs.is_empty() => !tight || addrs.iter().any(|a| names_ip(a, ip)),
            _ => true,
        };
        if answers {
            return Some(main);
        }
    }

    tree.servers
        .iter()
        .copied()
        .find(|&id| tree.get_here(id, &DEFAULT_SERVER).copied().unwrap_or(false))
}

/// IPv4-mapped IPv6 addresses compare as IPv4.
fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Whether a configured address (literal or host name) names `ip`.
fn names_ip(name: &str, ip: IpAddr) -> bool {
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    if let Ok(lit) = bare.parse::<IpAddr>() {
        return unmap(lit) == ip;
    }
    match (bare, 0u16).to_socket_addrs() {
        Ok(addrs) => addrs.into_iter().any(|a| unmap(a.ip()) == ip),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::config::{Merge, Origin};

    fn tree() -> (ConfigTree, CtxId, CtxId) {
        let mut t = ConfigTree::new();
        let main = t.main_server();
        t.add(main, &PORT, 2121, vec![], Merge::Down, Origin::default());
        let v = t.push(
            ContextKind::VirtualHost,
            vec!["127.0.0.2".into()],
            None,
            Origin::default(),
        );
        t.servers.push(v);
        t.add(v, &PORT, 2121, vec![], Merge::Down, Origin::default());
        (t, main, v)
    }

    #[test]
    fn vhost_by_address_else_main() {
        let (t, main, v) = tree();
        assert_eq!(select(&t, "127.0.0.2:2121".parse().expect("addr")), Some(v));
        assert_eq!(
            select(&t, "127.0.0.1:2121".parse().expect("addr")),
            Some(main)
        );
        assert_eq!(
            select(&t, "[::ffff:127.0.0.2]:2121".parse().expect("addr")),
            Some(v)
        );
    }

    #[test]
    fn unknown_port_needs_default_server() {
        let (mut t, _, v) = tree();
        assert_eq!(select(&t, "127.0.0.1:9999".parse().expect("addr")), None);
        t.add(
            v,
            &DEFAULT_SERVER,
            true,
            vec![],
            Merge::Down,
            Origin::default(),
        );
        assert_eq!(select(&t, "127.0.0.1:9999".parse().expect("addr")), Some(v));
    }

    #[test]
    fn port_zero_is_the_ephemeral_test_port() {
        let mut t = ConfigTree::new();
        let main = t.main_server();
        t.add(main, &PORT, 0, vec![], Merge::Down, Origin::default());
        assert_eq!(
            select(&t, "127.0.0.1:43210".parse().expect("addr")),
            Some(main)
        );
    }

    #[test]
    fn tight_binding_limits_the_main_server() {
        let (mut t, main, _) = tree();
        t.add(
            main,
            &DEFAULT_ADDRESS,
            vec!["10.0.0.1".to_string()],
            vec![],
            Merge::Down,
            Origin::default(),
        );
        assert_eq!(
            select(&t, "127.0.0.1:2121".parse().expect("addr")),
            Some(main)
        );
        t.add(
            main,
            &SOCKET_BIND_TIGHT,
            true,
            vec![],
            Merge::Down,
            Origin::default(),
        );
        assert_eq!(select(&t, "127.0.0.1:2121".parse().expect("addr")), None);
        assert_eq!(
            select(&t, "10.0.0.1:2121".parse().expect("addr")),
            Some(main)
        );
    }
}
