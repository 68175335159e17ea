//! Fuzzes the pure proftpd.conf parser (`proftpd::config::parse_bytes`)
//! with every compiled-in module's directive table, as `proftpd -t` sees
//! it. Includes resolve to nothing (`NoFiles`), so no input can make the
//! target touch the file system or the resolver. Any result is fine; a
//! panic, an abort or a hang is a bug.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use proftpd::config::{NoFiles, ParseOptions, parse_bytes};
use proftpd_api::module::ModuleDef;

fn modules() -> &'static [&'static ModuleDef] {
    static MODULES: OnceLock<Vec<&'static ModuleDef>> = OnceLock::new();
    MODULES.get_or_init(proftpd::static_modules::static_modules)
}

fuzz_target!(|data: &[u8]| {
    // A couple of -D labels, so <IfDefine> takes both branches.
    let opts = ParseOptions {
        defines: vec!["FUZZ".to_string(), "ROOT".to_string()],
        modules: modules(),
    };
    if let Err(e) = parse_bytes(data, "/fuzz/proftpd.conf", &opts, &mut NoFiles) {
        // The error texts are part of the contract too: render them.
        let _ = proftpd::config::error_lines(&e);
    }
});
