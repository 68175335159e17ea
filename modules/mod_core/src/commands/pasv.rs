//! PASV (RFC 959 §4.1.2): listen for the next data connection and tell the
//! client where, as `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2).`.
//!
//! The address is `MasqueradeAddress` when it is set and resolves to IPv4,
//! else the control connection's local address (an IPv4-mapped address
//! shown as IPv4). The port comes from `PassivePorts` if set (the runtime
//! falls back to an ephemeral port when the range is full, and logs it, as
//! 1.3.8 does). Only the control peer may connect, unless
//! `AllowForeignAddress on` (no PASV port theft).

use std::net::{IpAddr, SocketAddr};

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::BAD_PARAM_COUNT;
use super::dataconn::{LISTEN_FAILED, epsv_all, listen_request};

pub fn pasv(ctx: &mut CmdCtx<'_>) -> ModRet {
    if epsv_all(ctx.session) {
        ctx.reply_err(500, "Illegal PASV command, EPSV ALL in effect");
        return ModRet::Error;
    }
    if !super::words(ctx.cmd).is_empty() {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let req = listen_request(ctx.session);
    let bound = match ctx.host.data_listen(&req) {
        Ok(a) => a,
        Err(e) => {
            log::warn!("PASV: unable to listen on {}: {e}", req.addr);
            ctx.reply_err(425, LISTEN_FAILED);
            return ModRet::Error;
        }
    };
    let shown = crate::masquerade::address(ctx.session)
        .filter(|ip| ip.to_canonical().is_ipv4())
        .unwrap_or(bound.ip());
    let text = format!("Entering Passive Mode ({}).", h_p_text(shown, bound));
    log::debug!("{text}");
    ctx.reply(227, text);
    ModRet::Handled
}

/// `h1,h2,h3,h4,p1,p2` for `ip` and the port of `bound`.
///
/// For an IPv6 address 1.3.8 prints what follows the last `:` (`::1`
/// gives `1,p1,p2`, observed on a `[::1]` control connection): a reply no
/// client can use, but clients on IPv6 use EPSV, and this is the byte-exact
/// answer.
fn h_p_text(ip: IpAddr, bound: SocketAddr) -> String {
    let host = match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let t = v6.to_string();
            t.rsplit(':').next().unwrap_or_default().to_string()
        }
    };
    let port = bound.port();
    format!("{},{},{}", host.replace('.', ","), port >> 8, port & 0xff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::dataconn::DataState;
    use crate::commands::testutil::{
        FakeHost, ListenFails, run_on, session, session_with, tree_with,
    };
    use crate::keys::{ALLOW_FOREIGN_ADDRESS, MASQUERADE_ADDRESS, Masquerade, PASSIVE_PORTS};
    use proftpd_api::data::ListenRequest;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip literal")
    }

    #[test]
    fn listens_and_reports_address_and_port() {
        let mut s = session();
        let mut host = FakeHost {
            listen_addr: Some("127.0.0.1:50001".parse().expect("addr")),
            ..FakeHost::default()
        };
        assert_eq!(
            run_on(&mut s, &mut host, pasv, "PASV"),
            "227 Entering Passive Mode (127,0,0,1,195,81).\r\n"
        );
        assert_eq!(host.data_setups, ["PASV 127.0.0.1:50001"]);
        assert!(host.data_setup_pending);
    }

    #[test]
    fn request_carries_range_and_peer() {
        let mut s = session_with(tree_with(&PASSIVE_PORTS, (50000, 50010)));
        let mut host = FakeHost::default();
        assert_eq!(
            run_on(&mut s, &mut host, pasv, "PASV"),
            "227 Entering Passive Mode (127,0,0,1,195,80).\r\n"
        );
        assert_eq!(
            super::listen_request(&s),
            ListenRequest {
                addr: ip("127.0.0.1"),
                ports: Some((50000, 50010)),
                peer: Some(ip("127.0.0.1")),
            }
        );
        let s = session_with(tree_with(&ALLOW_FOREIGN_ADDRESS, true));
        assert_eq!(super::listen_request(&s).peer, None);
    }

    #[test]
    fn masquerade_address_replaces_the_local_one() {
        let m = Masquerade {
            name: "1.2.3.4".into(),
            addr: Some(ip("1.2.3.4")),
        };
        let mut s = session_with(tree_with(&MASQUERADE_ADDRESS, m));
        let mut host = FakeHost::default();
        assert_eq!(
            run_on(&mut s, &mut host, pasv, "PASV"),
            "227 Entering Passive Mode (1,2,3,4,117,48).\r\n"
        );
        // It only changes what is shown: the listener is local.
        assert_eq!(host.data_setups, ["PASV 127.0.0.1:30000"]);
        // IPv6 and unresolvable masquerades fall back to the local address
        // (observed on 1.3.8).
        for (name, addr) in [("::1", Some(ip("::1"))), ("nonexistent.invalid", None)] {
            let m = Masquerade {
                name: name.into(),
                addr,
            };
            let mut s = session_with(tree_with(&MASQUERADE_ADDRESS, m));
            assert_eq!(
                run_on(&mut s, &mut FakeHost::default(), pasv, "PASV"),
                "227 Entering Passive Mode (127,0,0,1,117,48).\r\n",
                "{name}"
            );
        }
    }

    #[test]
    fn mapped_and_ipv6_local_addresses() {
        let bound = |t: &str| t.parse::<SocketAddr>().expect("addr");
        assert_eq!(
            h_p_text(ip("::ffff:10.1.2.3"), bound("[::ffff:10.1.2.3]:1027")),
            "10,1,2,3,4,3"
        );
        assert_eq!(h_p_text(ip("::1"), bound("[::1]:42607")), "1,166,111");
        assert_eq!(
            h_p_text(ip("2001:db8::a:5"), bound("[2001:db8::a:5]:65535")),
            "5,255,255"
        );
    }

    #[test]
    fn refusals() {
        let mut s = session();
        let mut host = FakeHost::default();
        assert_eq!(
            run_on(&mut s, &mut host, pasv, "PASV x"),
            "501 Invalid number of parameters\r\n"
        );
        assert_eq!(
            run_on(&mut s, &mut host, pasv, "PASV  "),
            "227 Entering Passive Mode (127,0,0,1,117,48).\r\n"
        );
        let mut failing = ListenFails {
            inner: FakeHost::default(),
            errno: nix::libc::EADDRINUSE,
        };
        assert_eq!(
            run_on(&mut s, &mut failing, pasv, "PASV"),
            "425 Unable to build data connection: Internal error\r\n"
        );
        s.state::<DataState>().epsv_all = true;
        assert_eq!(
            run_on(&mut s, &mut host, pasv, "PASV x"),
            "500 Illegal PASV command, EPSV ALL in effect\r\n"
        );
    }
}
