//! Fuzzes mod_ls's ls-option parser and its glob matcher: no input may
//! panic, the parsers return an offset inside the argument, and the
//! matcher returns (within its step budget) for any pattern/name pair.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mod_ls::fnmatch::{fnmatch, has_meta, is_pattern};
use mod_ls::opts::{Flags, Verb, parse, skip_strict};

fuzz_target!(|data: &[u8]| {
    for verb in [Verb::List, Verb::Nlst, Verb::Stat] {
        for plus in [false, true] {
            let mut flags = Flags::default();
            let pos = parse(data, &mut flags, verb, plus);
            assert!(pos <= data.len(), "parse offset {pos} past {}", data.len());
            flags.clear_for_list();
            flags.clear_for_nlst();
        }
    }
    let pos = skip_strict(data);
    assert!(
        pos <= data.len(),
        "skip_strict offset {pos} past {}",
        data.len()
    );

    // Pattern and name: split at the first NUL (no NUL: the input is
    // matched against itself).
    let (pat, name) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    let _ = is_pattern(pat);
    let _ = has_meta(pat);
    let mut steps = 0u64;
    let _ = fnmatch(pat, name, &mut steps);
    let _ = fnmatch(name, pat, &mut steps);
});
