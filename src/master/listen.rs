//! Which sockets the master listens on, and binding them (ARCHITECTURE
//! §4.1 step 5).
//!
//! One socket per distinct (address, port) over the main server and every
//! `<VirtualHost>`: the wildcard address per port unless `SocketBindTight
//! on`, then each server's own addresses. `Port 0` disables a server, as in
//! ProFTPD, except under the test flag `--port-file`, where it asks the
//! kernel for an ephemeral port; the port it got is then written back into
//! the server's config so that the session's server selection (which
//! compares `Port` with the local port) finds the server.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, ToSocketAddrs};

use proftpd_api::config::{ConfigTree, CtxId, Merge, Origin};
use socket2::{Domain, Protocol, Socket, Type};

use mod_core::keys;

/// ProFTPD's default `listen()` backlog when `TCPBacklog` is not set.
pub const DEFAULT_BACKLOG: i32 = 128;
/// `Port` when unset.
pub const DEFAULT_PORT: u16 = 21;

/// One socket the config asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Want {
    /// The address to bind; port 0 means ephemeral (`--port-file`).
    pub addr: SocketAddr,
    /// For ephemeral sockets, the server that asked (each gets its own
    /// port); `None` for sockets shared by every server on the pair.
    pub owner: Option<CtxId>,
    /// Whether an IPv6 wildcard also takes IPv4 (dual stack).
    pub dual_stack: bool,
}

/// Bind settings from the main server and the command line.
#[derive(Debug, Clone, Copy)]
pub struct BindPolicy {
    pub tight: bool,
    pub ipv6: bool,
    pub backlog: i32,
    /// `--port-file`: Port 0 means ephemeral instead of disabled.
    pub ephemeral: bool,
}

/// Reads the bind policy (`SocketBindTight`, `UseIPv6`, `TCPBacklog`, and
/// `-4`/`-6`, the command line winning).
pub fn policy(tree: &ConfigTree, ipv4_only: bool, ipv6: bool, ephemeral: bool) -> BindPolicy {
    let main = tree.main_server();
    let use_v6 = tree.get(main, &keys::USE_IPV6).copied().unwrap_or(true);
    BindPolicy {
        tight: tree
            .get(main, &keys::SOCKET_BIND_TIGHT)
            .copied()
            .unwrap_or(false),
        ipv6: !ipv4_only && (use_v6 || ipv6),
        backlog: tree
            .get(main, &keys::TCP_BACKLOG)
            .copied()
            .unwrap_or(DEFAULT_BACKLOG),
        ephemeral,
    }
}

/// The names a server is reached by: `-S`, else `DefaultAddress`, else the
/// host name for the main server; a vhost's section arguments.
pub fn server_names(
    tree: &ConfigTree,
    server: CtxId,
    serveraddr: Option<&str>,
    hostname: &str,
) -> Vec<String> {
    if server == tree.main_server() {
        if let Some(s) = serveraddr {
            return vec![s.to_string()];
        }
        match tree.get(server, &keys::DEFAULT_ADDRESS) {
            Some(list) if !list.is_empty() => list.clone(),
            _ => vec![hostname.to_string()],
        }
    } else {
        tree.ctx(server).args.clone()
    }
}

/// A server's `Port` (`DEFAULT_PORT` when unset; 0 disables it).
pub fn port(tree: &ConfigTree, server: CtxId) -> u16 {
    tree.get(server, &keys::PORT)
        .copied()
        .unwrap_or(DEFAULT_PORT)
}

/// Resolves a name to its addresses (IPv4 ones only without IPv6).
pub fn resolve(name: &str, ipv6: bool) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = match name.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => (name, 0u16)
            .to_socket_addrs()
            .map(|it| it.map(|a| a.ip()).collect())
            .unwrap_or_default(),
    };
    if !ipv6 {
        out.retain(IpAddr::is_ipv4);
    }
    out.dedup();
    out
}

/// The sockets the config asks for, in server order, deduplicated.
pub fn wants(
    tree: &ConfigTree,
    pol: &BindPolicy,
    serveraddr: Option<&str>,
    hostname: &str,
) -> Vec<Want> {
    let mut out: Vec<Want> = Vec::new();
    for &server in &tree.servers {
        let port = port(tree, server);
        if port == 0 && !pol.ephemeral {
            continue;
        }
        let owner = (port == 0).then_some(server);
        let mut push = |w: Want| {
            if !out.contains(&w) {
                out.push(w);
            }
        };
        if pol.tight {
            for name in server_names(tree, server, serveraddr, hostname) {
                for ip in resolve(&name, pol.ipv6) {
                    push(Want {
                        addr: SocketAddr::new(ip, port),
                        owner,
                        dual_stack: false,
                    });
                }
            }
        } else if pol.ipv6 {
            push(Want {
                addr: SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port),
                owner,
                dual_stack: true,
            });
        } else {
            push(Want {
                addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port),
                owner,
                dual_stack: false,
            });
        }
    }
    out
}

/// Binds one socket: SO_REUSEADDR (restarts must not wait out TIME_WAIT),
/// IPV6_V6ONLY per dual stack, the backlog, non-blocking for the poll.
/// `port` overrides the wanted port (a server's later addresses reuse its
/// first ephemeral port).
pub fn bind(want: &Want, port: Option<u16>, backlog: i32) -> std::io::Result<TcpListener> {
    let mut addr = want.addr;
    if let Some(p) = port {
        addr.set_port(p);
    }
    match bind_addr(want, addr, backlog) {
        // A kernel without IPv6 (some containers): the IPv4 wildcard
        // still serves, as ProFTPD falls back to AF_INET.
        Err(e)
            if want.dual_stack
                && matches!(
                    e.raw_os_error(),
                    Some(libc::EAFNOSUPPORT) | Some(libc::EADDRNOTAVAIL)
                ) =>
        {
            let v4 = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), addr.port());
            bind_addr(want, v4, backlog)
        }
        r => r,
    }
}

fn bind_addr(want: &Want, addr: SocketAddr, backlog: i32) -> std::io::Result<TcpListener> {
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    sock.set_reuse_address(true)?;
    if addr.is_ipv6() {
        sock.set_only_v6(!want.dual_stack)?;
    }
    sock.bind(&addr.into())?;
    sock.listen(backlog)?;
    sock.set_nonblocking(true)?;
    Ok(sock.into())
}

/// Records the port an ephemeral socket got as its server's `Port`.
pub fn record_port(tree: &mut ConfigTree, server: CtxId, port: u16) {
    tree.add(
        server,
        &keys::PORT,
        port,
        vec![port.to_string()],
        Merge::Down,
        Origin::default(),
    );
}

/// The first host name `/etc/hosts` gives `ip`, as the resolver's reverse
/// lookup would on a host without DNS for itself (how 1.3.8 arrives at
/// `localhost` for 127.0.0.1 in its log prefix).
pub fn hosts_name(ip: IpAddr) -> Option<String> {
    let text = std::fs::read_to_string("/etc/hosts").ok()?;
    text.lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .find_map(|l| {
            let mut words = l.split_whitespace();
            let addr = words.next()?.parse::<IpAddr>().ok()?;
            if addr == ip {
                words.next().map(str::to_string)
            } else {
                None
            }
        })
}

/// A server's FQDN for log lines (`proftpd[pid] localhost: ...`): the
/// name its first address resolves back to, else the name or address as
/// configured.
pub fn fqdn(tree: &ConfigTree, server: CtxId, serveraddr: Option<&str>, hostname: &str) -> String {
    let names = server_names(tree, server, serveraddr, hostname);
    let Some(first) = names.first() else {
        return hostname.to_string();
    };
    match resolve(first, true).first() {
        Some(ip) => hosts_name(*ip).unwrap_or_else(|| {
            if first.parse::<IpAddr>().is_ok() {
                ip.to_string()
            } else {
                first.clone()
            }
        }),
        None => first.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::config::ContextKind;

    fn tree() -> ConfigTree {
        let mut t = ConfigTree::new();
        let main = t.main_server();
        t.add(
            main,
            &keys::PORT,
            2121,
            vec![],
            Merge::Down,
            Origin::default(),
        );
        let v = t.push(
            ContextKind::VirtualHost,
            vec!["127.0.0.2".into()],
            None,
            Origin::default(),
        );
        t.servers.push(v);
        t.add(v, &keys::PORT, 2121, vec![], Merge::Down, Origin::default());
        let w = t.push(
            ContextKind::VirtualHost,
            vec!["127.0.0.3".into()],
            None,
            Origin::default(),
        );
        t.servers.push(w);
        t.add(w, &keys::PORT, 0, vec![], Merge::Down, Origin::default());
        t
    }

    fn pol(tight: bool, ipv6: bool, ephemeral: bool) -> BindPolicy {
        BindPolicy {
            tight,
            ipv6,
            backlog: 5,
            ephemeral,
        }
    }

    #[test]
    fn wildcard_is_one_socket_per_port() {
        let t = tree();
        let w = wants(&t, &pol(false, true, false), Some("127.0.0.1"), "h");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].addr, "[::]:2121".parse().expect("addr"));
        assert!(w[0].dual_stack);
        let w = wants(&t, &pol(false, false, true), Some("127.0.0.1"), "h");
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(w[1].addr, "0.0.0.0:0".parse().expect("addr"));
        assert_eq!(w[1].owner, Some(t.servers[2]));
    }

    #[test]
    fn tight_binds_each_address() {
        let t = tree();
        let w = wants(&t, &pol(true, false, false), Some("127.0.0.1"), "h");
        let addrs: Vec<String> = w.iter().map(|w| w.addr.to_string()).collect();
        assert_eq!(addrs, ["127.0.0.1:2121", "127.0.0.2:2121"]);
    }

    #[test]
    fn ephemeral_bind_and_record() {
        let mut t = tree();
        let want = Want {
            addr: "127.0.0.1:0".parse().expect("addr"),
            owner: Some(t.servers[2]),
            dual_stack: false,
        };
        let l = bind(&want, None, 5).expect("bind");
        let port = l.local_addr().expect("addr").port();
        assert_ne!(port, 0);
        let s = t.servers[2];
        record_port(&mut t, s, port);
        assert_eq!(t.get(s, &keys::PORT), Some(&port));
    }
}
