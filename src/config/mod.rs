//! The proftpd.conf engine (owner: config helper). See docs/INTERFACES.md.

use std::path::Path;

use proftpd_api::config::{ConfigError, ConfigTree};
use proftpd_api::module::ModuleDef;

/// What the parser needs besides the text.
pub struct ParseOptions<'a> {
    /// Labels from `-D`, visible to `<IfDefine>`.
    pub defines: Vec<String>,
    /// The modules whose directives are known (and whose names
    /// `<IfModule>` sees).
    pub modules: &'a [&'static ModuleDef],
}

/// Reads and parses the config file at `path` (absolute), following
/// `Include`s, and runs the post-parse fix-ups (Global copy).
pub fn load(path: &Path, opts: &ParseOptions<'_>) -> Result<ConfigTree, ConfigError> {
    let _ = (path, opts);
    unimplemented!("config engine")
}

/// The lines ProFTPD prints for a fatal config error, each without its
/// trailing newline (`fatal: unknown configuration directive ...`, then the
/// `Did you mean:` block).
pub fn error_lines(err: &ConfigError) -> Vec<String> {
    let _ = err;
    unimplemented!("config engine")
}
