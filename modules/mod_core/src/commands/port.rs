//! PORT h1,h2,h3,h4,p1,p2 (RFC 959 §4.1.2): the next data connection is
//! made by the server, to this address and port.
//!
//! No FTP bounce: the address must be the client's own (unless
//! `AllowForeignAddress on`) and the port at least 1024 (observed on 1.3.8:
//! `PORT 127,0,0,2,4,1` from 127.0.0.1 and `PORT 127,0,0,1,3,255` are both
//! `500 Illegal PORT command`). The numbers are read as 1.3.8 reads them,
//! with `sscanf("%u,%u,%u,%u,%u,%u")`: blanks and a sign before a number
//! are taken, anything after the sixth is ignored (`4,1x` and `4,1,5` are
//! fine), a value is stored in 32 bits (`4294967297` is 1); each must be at
//! most 255, and neither the address nor the port may be all zeroes (501).

use std::net::Ipv4Addr;

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::dataconn::{LOWEST_ACTIVE_PORT, active_arg, active_target_v4, allow_foreign, same_host};
use crate::cnum;

/// The address and port of a PORT argument, or `None` for 1.3.8's
/// `501 Illegal PORT command`.
pub fn parse(word: &[u8]) -> Option<(Ipv4Addr, u16)> {
    let [h1, h2, h3, h4, p1, p2] = cnum::scan_u32_list::<6>(word)?;
    let bytes = [h1, h2, h3, h4, p1, p2].map(u8::try_from);
    let [Ok(h1), Ok(h2), Ok(h3), Ok(h4), Ok(p1), Ok(p2)] = bytes else {
        return None;
    };
    if (h1 | h2 | h3 | h4) == 0 || (p1 | p2) == 0 {
        return None;
    }
    Some((Ipv4Addr::new(h1, h2, h3, h4), u16::from_be_bytes([p1, p2])))
}

pub fn port(ctx: &mut CmdCtx<'_>) -> ModRet {
    let Some(word) = active_arg(ctx, "PORT") else {
        return ModRet::Error;
    };
    let Some((ip, port)) = parse(word) else {
        log::debug!(
            "PORT '{}' is not syntactically valid",
            String::from_utf8_lossy(word)
        );
        ctx.reply_err(501, "Illegal PORT command");
        return ModRet::Error;
    };
    let arg = String::from_utf8_lossy(word).into_owned();
    if !allow_foreign(ctx.session) && !same_host(ip.into(), ctx.session.peer_addr.ip()) {
        log::warn!("Refused PORT {arg} (address mismatch)");
        ctx.reply_err(500, "Illegal PORT command");
        return ModRet::Error;
    }
    if port < LOWEST_ACTIVE_PORT {
        log::warn!("Refused PORT {arg} (bounce attack)");
        ctx.reply_err(500, "Illegal PORT command");
        return ModRet::Error;
    }
    let target = active_target_v4(ctx.session, ip, port);
    ctx.host.data_set_active(target);
    ctx.reply(200, "PORT command successful");
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::dataconn::DataState;
    use crate::commands::testutil::{FakeHost, run_on, session, session_with, tree_with};
    use crate::keys::ALLOW_FOREIGN_ADDRESS;

    type Parsed = Option<(Ipv4Addr, u16)>;

    #[test]
    fn parse_table() {
        let ok = |a: [u8; 4], p: u16| Some((Ipv4Addr::from(a), p));
        // Each row was sent to 1.3.8; None is its 501.
        let table: &[(&[u8], Parsed)] = &[
            (b"127,0,0,1,4,1", ok([127, 0, 0, 1], 1025)),
            (b"127,0,0,1,255,255", ok([127, 0, 0, 1], 65535)),
            (b"127,0,0,1,3,255", ok([127, 0, 0, 1], 1023)),
            (b"127,0,0,1,4,1,5", ok([127, 0, 0, 1], 1025)),
            (b"127,0,0,1,4,1,", ok([127, 0, 0, 1], 1025)),
            (b"127,0,0,1,4,1x", ok([127, 0, 0, 1], 1025)),
            (b"127,0,0,1,4,1.5", ok([127, 0, 0, 1], 1025)),
            (b"127,0,0,01,4,1", ok([127, 0, 0, 1], 1025)),
            (b"0127,0,0,1,04,01", ok([127, 0, 0, 1], 1025)),
            (b"127,0,0,1,4,+1", ok([127, 0, 0, 1], 1025)),
            (b"127,0,0,1,4,4294967297", ok([127, 0, 0, 1], 1025)),
            (b"127,0,0,1,-4294967295,1", ok([127, 0, 0, 1], 257)),
            (b"127,0,0,1,\t4,1", ok([127, 0, 0, 1], 1025)),
            (b"127,0,0,1,0,0", None),
            (b"0,0,0,0,4,1", None),
            (b"127,0,0,1,256,0", None),
            (b"127,0,0,256,4,1", None),
            (b"127,0,0,1,-1,1", None),
            (b"127,0,0,1,4,-1", None),
            (b"127,0,0,1,4,999999999999", None),
            (b"127,0,0,1,4,99999999999999999999999", None),
            (b"127,0,0,1,4", None),
            (b"127,0,0,1,,4", None),
            (b"127.0.0.1,4,1", None),
            (b"x", None),
            (b"", None),
            (b",,,,,", None),
            (b"127 ,0,0,1,4,1", None),
            (b"\xff\xfe", None),
            (b"1\xc3\xa9,0,0,1,4,1", None),
        ];
        for (arg, want) in table {
            assert_eq!(parse(arg), *want, "{:?}", String::from_utf8_lossy(arg));
        }
    }

    #[test]
    fn fuzzed_arguments_never_panic() {
        let alphabet: &[u8] = b"0129,-+ x\xff\t5";
        let mut word = Vec::new();
        for n in 0..alphabet.len().pow(5) {
            word.clear();
            let mut k = n;
            for _ in 0..5 {
                word.push(alphabet[k % alphabet.len()]);
                k /= alphabet.len();
            }
            let _ = parse(&word);
            let mut long = b"1,2,3,4,".to_vec();
            long.extend_from_slice(&word);
            let _ = parse(&long);
        }
        let huge = vec![b'9'; 100_000];
        assert_eq!(parse(&huge), None);
    }

    #[test]
    fn replies() {
        let mut s = session();
        let mut host = FakeHost::default();
        let cases = [
            ("PORT 127,0,0,1,4,1", "200 PORT command successful"),
            ("PORT  127,0,0,1,4,2 ", "200 PORT command successful"),
            ("PORT 127,0,0,2,4,1", "500 Illegal PORT command"),
            ("PORT 127,0,0,1,3,255", "500 Illegal PORT command"),
            ("PORT 127,0,0,1,0,0", "501 Illegal PORT command"),
            ("PORT x", "501 Illegal PORT command"),
            ("PORT", "501 Invalid number of parameters"),
            ("PORT 127, 0,0,1,4,1", "501 Invalid number of parameters"),
            ("PORT 127,0,0,1,4,1\tx", "501 Invalid number of parameters"),
        ];
        for (line, want) in cases {
            assert_eq!(
                run_on(&mut s, &mut host, port, line),
                format!("{want}\r\n"),
                "{line}"
            );
        }
        assert_eq!(
            host.data_setups,
            ["PORT 127.0.0.1:1025", "PORT 127.0.0.1:1026"]
        );
    }

    #[test]
    fn foreign_addresses_need_allow_foreign_address() {
        let mut s = session_with(tree_with(&ALLOW_FOREIGN_ADDRESS, true));
        let mut host = FakeHost::default();
        assert_eq!(
            run_on(&mut s, &mut host, port, "PORT 10,1,2,3,4,1"),
            "200 PORT command successful\r\n"
        );
        // Even then, no privileged port.
        assert_eq!(
            run_on(&mut s, &mut host, port, "PORT 10,1,2,3,0,21"),
            "500 Illegal PORT command\r\n"
        );
        assert_eq!(host.data_setups, ["PORT 10.1.2.3:1025"]);
    }

    #[test]
    fn ipv6_control_connections() {
        // A mapped peer matches its IPv4 address; the target keeps the
        // control connection's family.
        let mut s = session();
        s.peer_addr = "[::ffff:127.0.0.1]:40000".parse().expect("addr");
        let mut host = FakeHost::default();
        assert_eq!(
            run_on(&mut s, &mut host, port, "PORT 127,0,0,1,4,1"),
            "200 PORT command successful\r\n"
        );
        assert_eq!(host.data_setups, ["PORT [::ffff:127.0.0.1]:1025"]);
        // A real IPv6 peer never matches (observed on 1.3.8).
        s.peer_addr = "[::1]:40000".parse().expect("addr");
        assert_eq!(
            run_on(&mut s, &mut host, port, "PORT 127,0,0,1,4,1"),
            "500 Illegal PORT command\r\n"
        );
    }

    #[test]
    fn epsv_all_comes_first() {
        let mut s = session();
        s.state::<DataState>().epsv_all = true;
        let mut host = FakeHost::default();
        for line in ["PORT 127,0,0,1,4,1", "PORT", "PORT x y"] {
            assert_eq!(
                run_on(&mut s, &mut host, port, line),
                "500 Illegal PORT command, EPSV ALL in effect\r\n"
            );
        }
        assert!(host.data_setups.is_empty());
    }

    #[test]
    fn root_revoke_on_a_low_control_port() {
        use proftpd_api::config::{ConfigTree, Merge, Origin};
        static RR: proftpd_api::config::ConfigKey<u8> =
            proftpd_api::config::ConfigKey::new("RootRevoke");
        let mut t = ConfigTree::new();
        let main = t.main_server();
        t.add(
            main,
            &RR,
            1,
            vec!["on".into()],
            Merge::Down,
            Origin::default(),
        );
        let mut s = session_with(t);
        let mut host = FakeHost::default();
        // The test session's control port is 21.
        assert_eq!(
            run_on(&mut s, &mut host, port, "PORT 127,0,0,1,4,1"),
            "500 Unable to service PORT commands\r\n"
        );
        s.local_addr = "127.0.0.1:2121".parse().expect("addr");
        assert_eq!(
            run_on(&mut s, &mut host, port, "PORT 127,0,0,1,4,1"),
            "200 PORT command successful\r\n"
        );
    }
}
