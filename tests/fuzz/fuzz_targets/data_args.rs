//! Fuzzes mod_core's data-connection argument parsers (PORT, EPRT, EPSV)
//! directly and through their command handlers on a logged-in fake
//! session: no input may panic, and every handler answers with a reply
//! that starts with a three-digit code and ends in CRLF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mod_core::commands::{eprt, epsv, port};
use proftpd_api::config::ConfigTree;
use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;
use proftpd_api::testing::{logged_in, run_bytes};

type Handler = fn(&mut CmdCtx<'_>) -> ModRet;

const COMMANDS: [(&[u8], Handler); 3] = [
    (b"PORT ", port::port),
    (b"EPRT ", eprt::eprt),
    (b"EPSV ", epsv::epsv),
];

fuzz_target!(|data: &[u8]| {
    // The pure parsers, on the whole input.
    let _ = port::parse(data);
    let _ = eprt::parse(data, false);
    let _ = eprt::parse(data, true);
    let words: Vec<&[u8]> = data
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .collect();
    let _ = epsv::parse(&words);

    // The handlers, with the input as the argument of each command. A
    // control line never holds CR or LF (the line reader splits there).
    if data.iter().any(|&b| b == b'\r' || b == b'\n') {
        return;
    }
    for (verb, handler) in COMMANDS {
        let mut line = verb.to_vec();
        line.extend_from_slice(data);
        let mut s = logged_in(&[&mod_core::MODULE], ConfigTree::new());
        let (_, out) = run_bytes(&mut s, handler, &line);
        assert!(
            out.len() >= 5 && out[..3].iter().all(u8::is_ascii_digit),
            "malformed reply {out:?} to {line:?}"
        );
        assert!(out.ends_with(b"\r\n"), "unterminated reply {out:?}");
    }
});
