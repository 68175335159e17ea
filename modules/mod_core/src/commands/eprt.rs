//! EPRT <d>proto<d>addr<d>port<d> (RFC 2428 §2): PORT for any address
//! family; `<d>` is whatever byte the argument starts with.
//!
//! The same anti-bounce rules as PORT (client's own address unless
//! `AllowForeignAddress on`, port at least 1024 and not 0: `500 Illegal
//! EPRT command`). Read as 1.3.8 reads it (each row of the tests was sent
//! to 1.3.8): the protocol by `atoi` (1, or 2 with `UseIPv6 on`, else
//! `522`, so `EPRT garbage` is 522), then only digits may stand before the
//! next delimiter (`|+1|` is 501); the address by `inet_pton`; the port by
//! `atoi` kept in 16 bits (`66561` is 1025) and followed by the delimiter;
//! anything after that is ignored.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::dataconn::{
    LOWEST_ACTIVE_PORT, active_arg, active_target_v4, allow_foreign, same_host,
    unsupported_protocol_text, use_ipv6,
};
use crate::cnum;

/// What an EPRT argument says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EprtArg {
    /// A well-formed address and port (not yet checked against the client).
    Target(IpAddr, u16),
    /// `522 Network protocol not supported`.
    Unsupported,
    /// `501 Illegal EPRT command`.
    Illegal,
}

/// The number of ASCII digits `s` starts with.
fn digits(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Parses one EPRT word; `ipv6` is `UseIPv6` (family 2 allowed).
pub fn parse(word: &[u8], ipv6: bool) -> EprtArg {
    let Some((&delim, rest)) = word.split_first() else {
        return EprtArg::Illegal;
    };
    let family = cnum::atoi(rest);
    if !(family == 1 || (family == 2 && ipv6)) {
        return EprtArg::Unsupported;
    }
    let rest = &rest[digits(rest)..];
    let Some(rest) = rest.strip_prefix(&[delim]) else {
        return EprtArg::Illegal;
    };
    let Some(end) = rest.iter().position(|&b| b == delim) else {
        return EprtArg::Illegal;
    };
    let Ok(text) = std::str::from_utf8(&rest[..end]) else {
        return EprtArg::Illegal;
    };
    let addr = if family == 1 {
        text.parse::<Ipv4Addr>().map(IpAddr::V4)
    } else {
        text.parse::<Ipv6Addr>().map(IpAddr::V6)
    };
    let Ok(addr) = addr else {
        return EprtArg::Illegal;
    };
    let rest = &rest[end + 1..];
    // C stores the int in an unsigned short.
    let port = cnum::atoi(rest) as u16;
    if rest.get(digits(rest)) != Some(&delim) {
        return EprtArg::Illegal;
    }
    EprtArg::Target(addr, port)
}

pub fn eprt(ctx: &mut CmdCtx<'_>) -> ModRet {
    let Some(word) = active_arg(ctx, "EPRT") else {
        return ModRet::Error;
    };
    let arg = String::from_utf8_lossy(word).into_owned();
    let (addr, port) = match parse(word, use_ipv6(ctx.session)) {
        EprtArg::Target(a, p) => (a, p),
        EprtArg::Unsupported => {
            let text = unsupported_protocol_text(ctx.session);
            ctx.reply_err(522, text);
            return ModRet::Error;
        }
        EprtArg::Illegal => {
            log::debug!("badly formatted EPRT argument: '{arg}'");
            ctx.reply_err(501, "Illegal EPRT command");
            return ModRet::Error;
        }
    };
    if !allow_foreign(ctx.session) && (!same_host(addr, ctx.session.peer_addr.ip()) || port == 0) {
        log::warn!("Refused EPRT {arg} (address mismatch)");
        ctx.reply_err(500, "Illegal EPRT command");
        return ModRet::Error;
    }
    if port < LOWEST_ACTIVE_PORT {
        log::warn!("Refused EPRT {arg} (bounce attack)");
        ctx.reply_err(500, "Illegal EPRT command");
        return ModRet::Error;
    }
    let target = match addr.to_canonical() {
        IpAddr::V4(v4) => active_target_v4(ctx.session, v4, port),
        v6 => SocketAddr::new(v6, port),
    };
    ctx.host.data_set_active(target);
    ctx.reply(200, "EPRT command successful");
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::dataconn::DataState;
    use crate::commands::testutil::{FakeHost, run_on, session, session_with, tree_with};
    use crate::keys::{ALLOW_FOREIGN_ADDRESS, USE_IPV6};
    use EprtArg::*;

    fn t(ip: &str, port: u16) -> EprtArg {
        Target(ip.parse().expect("ip literal"), port)
    }

    #[test]
    fn parse_table_ipv4_only() {
        let table: &[(&[u8], EprtArg)] = &[
            (b"|1|127.0.0.1|1025|", t("127.0.0.1", 1025)),
            (b"!1!127.0.0.1!1025!", t("127.0.0.1", 1025)),
            (b"|1|127.0.0.1|1025|x", t("127.0.0.1", 1025)),
            (b"|1|127.0.0.1|1025|extra", t("127.0.0.1", 1025)),
            (b"|01|127.0.0.1|1025|", t("127.0.0.1", 1025)),
            (b"|1|127.0.0.1|01025|", t("127.0.0.1", 1025)),
            (b"|1|127.0.0.1|0|", t("127.0.0.1", 0)),
            (b"|1|127.0.0.1||", t("127.0.0.1", 0)),
            (b"|1|127.0.0.1|1023|", t("127.0.0.1", 1023)),
            (b"|1|127.0.0.1|65536|", t("127.0.0.1", 0)),
            (b"|1|127.0.0.1|66561|", t("127.0.0.1", 1025)),
            (b"|1|127.0.0.1|4294968321|", t("127.0.0.1", 1025)),
            (b"|1|127.0.0.2|1025|", t("127.0.0.2", 1025)),
            (b"|2|::1|1025|", Unsupported),
            (b"|3|127.0.0.1|1025|", Unsupported),
            (b"garbage", Unsupported),
            (b"|", Unsupported),
            (b"1", Unsupported),
            (b"11127.0.0.111025", Unsupported),
            (b"|-1|127.0.0.1|1025|", Unsupported),
            (b"|4294967297|127.0.0.1|1025|", t("127.0.0.1", 1025)),
            (b"++1+127.0.0.1+1025+", Illegal),
            (b"a", Unsupported),
            (b"|1|127.0.0.1|1025", Illegal),
            (b"|1|127.0.0.1|x|", Illegal),
            (b"|1|127.0.0.1|-1|", Illegal),
            (b"|1|127.0.0.1|+1025|", Illegal),
            (b"|+1|127.0.0.1|1025|", Illegal),
            (b"|1x|127.0.0.1|1025|", Illegal),
            (b"|1|127.0.0.01|1025|", Illegal),
            (b"|1|127.1|1025|", Illegal),
            (b"|1||1025|", Illegal),
            (b"|1|127.0.0.1", Illegal),
            (b"|1|", Illegal),
            (b"|1|::ffff:127.0.0.1|1025|", Illegal),
            (b"|1|12\xff.0.0.1|1025|", Illegal),
            (b"", Illegal),
        ];
        for (arg, want) in table {
            assert_eq!(
                parse(arg, false),
                *want,
                "{:?}",
                String::from_utf8_lossy(arg)
            );
        }
    }

    #[test]
    fn parse_table_ipv6() {
        let table: &[(&[u8], EprtArg)] = &[
            (b"|2|::1|1025|", t("::1", 1025)),
            (b"|2|::ffff:127.0.0.1|1025|", t("::ffff:127.0.0.1", 1025)),
            (b"|1|127.0.0.1|1025|", t("127.0.0.1", 1025)),
            (b"|2|[::1]|1025|", Illegal),
            (b"|2|::1%lo|1025|", Illegal),
            (b"|2|127.0.0.1|1025|", Illegal),
            (b"|3|::1|1025|", Unsupported),
        ];
        for (arg, want) in table {
            assert_eq!(
                parse(arg, true),
                *want,
                "{:?}",
                String::from_utf8_lossy(arg)
            );
        }
    }

    #[test]
    fn fuzzed_arguments_never_panic() {
        let alphabet: &[u8] = b"|12:.0-+x\xff9";
        let mut word = Vec::new();
        for n in 0..alphabet.len().pow(6) {
            word.clear();
            let mut k = n;
            for _ in 0..6 {
                word.push(alphabet[k % alphabet.len()]);
                k /= alphabet.len();
            }
            let _ = parse(&word, true);
            let mut framed = b"|1|127.0.0.1|".to_vec();
            framed.extend_from_slice(&word);
            let _ = parse(&framed, false);
            let mut framed6 = b"|2|".to_vec();
            framed6.extend_from_slice(&word);
            let _ = parse(&framed6, true);
        }
    }

    #[test]
    fn replies_without_ipv6() {
        let mut s = session_with(tree_with(&USE_IPV6, false));
        let mut host = FakeHost::default();
        let cases = [
            ("EPRT |1|127.0.0.1|1025|", "200 EPRT command successful"),
            ("EPRT |1|127.0.0.2|1025|", "500 Illegal EPRT command"),
            ("EPRT |1|127.0.0.1|1023|", "500 Illegal EPRT command"),
            ("EPRT |1|127.0.0.1|0|", "500 Illegal EPRT command"),
            (
                "EPRT |2|::1|1025|",
                "522 Network protocol not supported, use (1)",
            ),
            (
                "EPRT garbage",
                "522 Network protocol not supported, use (1)",
            ),
            ("EPRT |1|127.0.0.1|x|", "501 Illegal EPRT command"),
            ("EPRT", "501 Invalid number of parameters"),
            (
                "EPRT | 1|127.0.0.1|1025|",
                "501 Invalid number of parameters",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(
                run_on(&mut s, &mut host, eprt, line),
                format!("{want}\r\n"),
                "{line}"
            );
        }
        assert_eq!(host.data_setups, ["PORT 127.0.0.1:1025"]);
    }

    #[test]
    fn replies_with_ipv6() {
        let mut s = session();
        let mut host = FakeHost::default();
        assert_eq!(
            run_on(&mut s, &mut host, eprt, "EPRT |3|::1|1025|"),
            "522 Network protocol not supported, use (1,2)\r\n"
        );
        // A mapped address is the IPv4 client (observed on 1.3.8).
        assert_eq!(
            run_on(&mut s, &mut host, eprt, "EPRT |2|::ffff:127.0.0.1|1025|"),
            "200 EPRT command successful\r\n"
        );
        assert_eq!(
            run_on(&mut s, &mut host, eprt, "EPRT |2|::1|1025|"),
            "500 Illegal EPRT command\r\n"
        );
        assert_eq!(host.data_setups, ["PORT 127.0.0.1:1025"]);
        s.peer_addr = "[::1]:40000".parse().expect("addr");
        assert_eq!(
            run_on(&mut s, &mut host, eprt, "EPRT |2|::1|1025|"),
            "200 EPRT command successful\r\n"
        );
        assert_eq!(
            run_on(&mut s, &mut host, eprt, "EPRT |1|127.0.0.1|1025|"),
            "500 Illegal EPRT command\r\n"
        );
        assert_eq!(host.data_setups[1], "PORT [::1]:1025");
    }

    #[test]
    fn foreign_and_epsv_all() {
        let mut s = session_with(tree_with(&ALLOW_FOREIGN_ADDRESS, true));
        let mut host = FakeHost::default();
        assert_eq!(
            run_on(&mut s, &mut host, eprt, "EPRT |1|10.0.0.1|2000|"),
            "200 EPRT command successful\r\n"
        );
        assert_eq!(
            run_on(&mut s, &mut host, eprt, "EPRT |1|10.0.0.1|0|"),
            "500 Illegal EPRT command\r\n"
        );
        s.state::<DataState>().epsv_all = true;
        assert_eq!(
            run_on(&mut s, &mut host, eprt, "EPRT"),
            "500 Illegal EPRT command, EPSV ALL in effect\r\n"
        );
        assert_eq!(host.data_setups, ["PORT 10.0.0.1:2000"]);
    }
}
