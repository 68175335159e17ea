//! Fuzzes `proftpd_api::cmd::Cmd::parse`, the verb/argument split of one
//! control line, and the accessors handlers use on its result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proftpd_api::cmd::Cmd;

fuzz_target!(|data: &[u8]| {
    let cmd = Cmd::parse(data);
    assert_eq!(cmd.line, data);
    // The argument is a suffix of the line.
    assert!(data.ends_with(&cmd.arg));
    let _ = cmd.arg_str();
    let _ = cmd.args();
    let _ = cmd.display_verb();
    // Parsing is deterministic.
    assert_eq!(Cmd::parse(data), cmd);
});
