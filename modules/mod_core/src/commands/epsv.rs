//! EPSV [1|2|ALL] (RFC 2428 §3, §4): passive mode for any address family;
//! the reply names only the port: `229 Entering Extended Passive Mode
//! (|||port|)`. `EPSV ALL` makes the session refuse PORT, PASV and EPRT
//! from then on. `MasqueradeAddress` does not apply (the client reuses the
//! control connection's address).
//!
//! The argument, as 1.3.8 reads it: exactly one word, `ALL` in any case,
//! else a number by `strtol` that must fill the word (`EPSV 1x` is `501`,
//! `EPSV 01` and `EPSV +1` are 1). With no word, or more than one, the
//! family is the control connection's. Family 2 needs `UseIPv6 on` but
//! not an IPv6 connection (measured: `EPSV 2` over IPv4 with UseIPv6 on
//! answers 229).

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use super::dataconn::{
    DataState, LISTEN_FAILED, listen_request, unsupported_protocol_text, use_ipv6,
};
use crate::cnum;

/// What the EPSV argument asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpsvArg {
    /// No single argument: the control connection's family.
    Default,
    /// `EPSV ALL`.
    All,
    /// `EPSV <n>`: C's `(int) strtol(n)`.
    Family(i32),
    /// Not a number: `501 EPSV: unknown network protocol`.
    Unknown,
}

/// Parses EPSV's words (as [`super::words`] splits them).
pub fn parse(args: &[&[u8]]) -> EpsvArg {
    let [word] = args else {
        return EpsvArg::Default;
    };
    if word.eq_ignore_ascii_case(b"ALL") {
        return EpsvArg::All;
    }
    match cnum::strtol(word) {
        (n, used) if used == word.len() => EpsvArg::Family(n as i32),
        _ => EpsvArg::Unknown,
    }
}

pub fn epsv(ctx: &mut CmdCtx<'_>) -> ModRet {
    let family = match parse(&super::words(ctx.cmd)) {
        EpsvArg::All => {
            ctx.session.state::<DataState>().epsv_all = true;
            ctx.reply(200, "EPSV ALL command successful");
            return ModRet::Handled;
        }
        EpsvArg::Unknown => {
            let verb = ctx.cmd.verb.clone();
            ctx.reply_err(501, format!("{verb}: unknown network protocol"));
            return ModRet::Error;
        }
        EpsvArg::Family(n) => n,
        EpsvArg::Default => {
            if ctx.session.local_addr.is_ipv4() {
                1
            } else if use_ipv6(ctx.session) {
                2
            } else {
                0
            }
        }
    };
    if !(family == 1 || (family == 2 && use_ipv6(ctx.session))) {
        let text = unsupported_protocol_text(ctx.session);
        ctx.reply_err(522, text);
        return ModRet::Error;
    }
    let req = listen_request(ctx.session);
    match ctx.host.data_listen(&req) {
        Ok(bound) => {
            let text = format!("Entering Extended Passive Mode (|||{}|)", bound.port());
            log::debug!("{text}");
            ctx.reply(229, text);
            ModRet::Handled
        }
        Err(e) => {
            log::warn!("EPSV: unable to listen on {}: {e}", req.addr);
            ctx.reply_err(425, LISTEN_FAILED);
            ModRet::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::dataconn::epsv_all;
    use crate::commands::testutil::{
        FakeHost, ListenFails, run_on, session, session_with, tree_with,
    };
    use crate::keys::{MASQUERADE_ADDRESS, Masquerade, USE_IPV6};

    fn args(line: &[u8]) -> EpsvArg {
        let cmd = proftpd_api::cmd::Cmd::parse(line);
        parse(&crate::commands::words(&cmd))
    }

    #[test]
    fn argument_table() {
        use EpsvArg::*;
        let table: &[(&[u8], EpsvArg)] = &[
            (b"EPSV", Default),
            (b"EPSV ", Default),
            (b"EPSV 1 2", Default),
            (b"EPSV ALL x", Default),
            (b"EPSV ALL", All),
            (b"EPSV aLl", All),
            (b"EPSV  all", All),
            (b"EPSV 1", Family(1)),
            (b"EPSV 01", Family(1)),
            (b"EPSV +1", Family(1)),
            (b"EPSV 2", Family(2)),
            (b"EPSV -1", Family(-1)),
            (b"EPSV 0", Family(0)),
            // (int) of a long: 2^32 + 1 is 1, LONG_MAX is -1.
            (b"EPSV 4294967297", Family(1)),
            (b"EPSV 99999999999999999999999", Family(-1)),
            (b"EPSV 1x", Unknown),
            (b"EPSV x", Unknown),
            (b"EPSV -", Unknown),
            (b"EPSV +", Unknown),
            (b"EPSV 1\t", Family(1)),
            (b"EPSV 1\t2", Default),
            (b"EPSV\t1x", Unknown),
            (b"EPSV \xff", Unknown),
            (b"EPSV 1\xc3\xa9", Unknown),
            (b"EPSV ALLx", Unknown),
        ];
        for (line, want) in table {
            assert_eq!(args(line), *want, "{:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn fuzzed_arguments_never_panic() {
        // Every short byte string over an alphabet of the interesting bytes.
        let alphabet: &[u8] = b"01 2+-aAlL\t\xff9|,";
        let mut word = Vec::new();
        for n in 0..alphabet.len().pow(4) {
            word.clear();
            let mut k = n;
            for _ in 0..4 {
                word.push(alphabet[k % alphabet.len()]);
                k /= alphabet.len();
            }
            let mut line = b"EPSV ".to_vec();
            line.extend_from_slice(&word);
            let _ = args(&line);
        }
    }

    #[test]
    fn replies() {
        let mut s = session();
        let mut host = FakeHost::default();
        for line in ["EPSV", "EPSV 1", "EPSV 1 2", "EPSV 2"] {
            assert_eq!(
                run_on(&mut s, &mut host, epsv, line),
                "229 Entering Extended Passive Mode (|||30000|)\r\n",
                "{line}"
            );
        }
        assert_eq!(host.data_setups.len(), 4);
        assert_eq!(
            run_on(&mut s, &mut host, epsv, "EPSV 3"),
            "522 Network protocol not supported, use (1,2)\r\n"
        );
        assert_eq!(
            run_on(&mut s, &mut host, epsv, "epsv x"),
            "501 EPSV: unknown network protocol\r\n"
        );
        assert_eq!(
            run_on(&mut s, &mut host, epsv, "EPSV ALL"),
            "200 EPSV ALL command successful\r\n"
        );
        assert!(epsv_all(&mut s));
        // EPSV itself stays allowed.
        assert_eq!(
            run_on(&mut s, &mut host, epsv, "EPSV"),
            "229 Entering Extended Passive Mode (|||30000|)\r\n"
        );
        assert_eq!(host.data_setups.len(), 5);
    }

    #[test]
    fn without_ipv6_only_family_1() {
        let mut s = session_with(tree_with(&USE_IPV6, false));
        let mut host = FakeHost::default();
        for line in ["EPSV 2", "EPSV 0", "EPSV -1", "EPSV 3"] {
            assert_eq!(
                run_on(&mut s, &mut host, epsv, line),
                "522 Network protocol not supported, use (1)\r\n",
                "{line}"
            );
        }
        assert!(host.data_setups.is_empty());
        assert_eq!(
            run_on(&mut s, &mut host, epsv, "EPSV 1"),
            "229 Entering Extended Passive Mode (|||30000|)\r\n"
        );
    }

    #[test]
    fn masquerade_is_not_used_and_failure_is_425() {
        let m = Masquerade {
            name: "1.2.3.4".into(),
            addr: Some("1.2.3.4".parse().expect("ip")),
        };
        let mut s = session_with(tree_with(&MASQUERADE_ADDRESS, m));
        let mut host = FakeHost::default();
        assert_eq!(
            run_on(&mut s, &mut host, epsv, "EPSV"),
            "229 Entering Extended Passive Mode (|||30000|)\r\n"
        );
        assert_eq!(host.data_setups, ["PASV 127.0.0.1:30000"]);
        let mut failing = ListenFails {
            inner: FakeHost::default(),
            errno: nix::libc::EADDRNOTAVAIL,
        };
        assert_eq!(
            run_on(&mut s, &mut failing, epsv, "EPSV"),
            "425 Unable to build data connection: Internal error\r\n"
        );
    }
}
