//! What PASV, EPSV, PORT and EPRT share: the session's `EPSV ALL` flag,
//! the address checks that stop FTP bounce and PASV port theft, and the
//! listen request built from `PassivePorts` and `AllowForeignAddress`.
//!
//! The commands only say where the next data connection comes from; the
//! runtime owns the sockets (`SessionHost::data_listen`/`data_set_active`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use proftpd_api::data::ListenRequest;
use proftpd_api::session::{CmdCtx, Session};

use super::BAD_PARAM_COUNT;
use crate::keys::{ALLOW_FOREIGN_ADDRESS, PASSIVE_PORTS, USE_IPV6};

/// PASV/EPSV when the listener cannot be set up (1.3.8's wording whatever
/// the cause).
pub const LISTEN_FAILED: &str = "Unable to build data connection: Internal error";

/// The lowest port PORT/EPRT may name: below it, a client could make the
/// server connect to a privileged service (FTP bounce).
pub const LOWEST_ACTIVE_PORT: u16 = 1024;

/// mod_core's data-connection state for one session.
#[derive(Debug, Default)]
pub struct DataState {
    /// `EPSV ALL` was sent (RFC 2428 §4): the client promised to use EPSV
    /// only, so PORT, PASV and EPRT are refused for the rest of the
    /// session (NATs may rely on it).
    pub epsv_all: bool,
}

/// The checks PORT and EPRT (`name`) make before reading their argument,
/// in 1.3.8's order: `EPSV ALL` refuses them (500), there must be exactly
/// one argument (501), and `RootRevoke` may forbid active mode (500).
/// Returns the argument, or `None` once the error reply is queued.
pub fn active_arg<'c>(ctx: &mut CmdCtx<'c>, name: &str) -> Option<&'c [u8]> {
    if epsv_all(ctx.session) {
        ctx.reply_err(500, format!("Illegal {name} command, EPSV ALL in effect"));
        return None;
    }
    let cmd = ctx.cmd;
    let words = super::words(cmd);
    let [word] = words.as_slice() else {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return None;
    };
    if active_mode_revoked(ctx.session) {
        log::debug!(
            "RootRevoke in effect, unable to bind to local port {} for active transfer",
            ctx.session.local_addr.port()
        );
        ctx.reply_err(500, format!("Unable to service {name} commands"));
        return None;
    }
    Some(word)
}

/// `RootRevoke on` with a control port below 1025: the session can no
/// longer bind port L-1, and 1.3.8 refuses active mode outright
/// (`UseNonCompliantActiveTransfers` allows it from another port). Read as
/// the raw argument: the typed key belongs to mod_auth.
fn active_mode_revoked(session: &Session) -> bool {
    let on = session
        .config
        .get_argv(session.top_ctx(), "RootRevoke")
        .and_then(|a| a.first())
        .and_then(|v| proftpd_api::config::parse_bool(v))
        .unwrap_or(false);
    on && session.local_addr.port() < 1025
}

/// Whether `EPSV ALL` is in effect.
pub fn epsv_all(session: &mut Session) -> bool {
    session.state::<DataState>().epsv_all
}

/// `UseIPv6` (main server, default on): whether EPSV 2/EPRT |2| are
/// understood and the 522 texts offer `(1,2)`.
pub fn use_ipv6(session: &Session) -> bool {
    session.main_get(&USE_IPV6).copied().unwrap_or(true)
}

/// The 522 reply for a network protocol we do not speak (EPSV, EPRT).
pub fn unsupported_protocol_text(session: &Session) -> &'static str {
    if use_ipv6(session) {
        "Network protocol not supported, use (1,2)"
    } else {
        "Network protocol not supported, use (1)"
    }
}

/// `AllowForeignAddress` (default off), seen from the top-level context
/// (`<Anonymous>` included), as 1.3.8 reads it.
pub fn allow_foreign(session: &Session) -> bool {
    session
        .get(&ALLOW_FOREIGN_ADDRESS)
        .copied()
        .unwrap_or(false)
}

/// Whether `a` and `b` are the same host, an IPv4-mapped IPv6 address
/// being its IPv4 address.
pub fn same_host(a: IpAddr, b: IpAddr) -> bool {
    a.to_canonical() == b.to_canonical()
}

/// The listener PASV and EPSV ask for: on the control connection's local
/// address, in `PassivePorts` (of the serving server), accepting only the
/// control peer unless `AllowForeignAddress on`.
pub fn listen_request(session: &Session) -> ListenRequest {
    ListenRequest {
        addr: session.local_addr.ip().to_canonical(),
        ports: session.server_get(&PASSIVE_PORTS).copied(),
        peer: (!allow_foreign(session)).then(|| session.peer_addr.ip().to_canonical()),
    }
}

/// The PORT/EPRT target for an IPv4 address: on an IPv6 control connection
/// (dual-stack listener) as an IPv4-mapped address, as 1.3.8 builds it, so
/// that the runtime connects from a socket of the control connection's
/// family.
pub fn active_target_v4(session: &Session, ip: Ipv4Addr, port: u16) -> SocketAddr {
    let ip = match session.peer_addr.ip() {
        IpAddr::V6(_) => IpAddr::V6(ip.to_ipv6_mapped()),
        IpAddr::V4(_) => IpAddr::V4(ip),
    };
    SocketAddr::new(ip, port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_addresses_are_their_ipv4() {
        let v4: IpAddr = "127.0.0.1".parse().expect("ip");
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().expect("ip");
        let other: IpAddr = "127.0.0.2".parse().expect("ip");
        let v6: IpAddr = "::1".parse().expect("ip");
        assert!(same_host(v4, mapped));
        assert!(same_host(mapped, v4));
        assert!(!same_host(v4, other));
        assert!(!same_host(v4, v6));
        assert!(same_host(v6, v6));
    }
}
