//! The proftpd.conf engine (owner: config helper). See docs/INTERFACES.md.
//!
//! Design, in the order the bytes flow:
//! - `lexer`: pure byte functions. Logical lines (continuations joined, CR
//!   dropped), words (quotes, inline `#` comments), `%{env:}` expansion per
//!   word, and the `<Section args>` bracket rule. Never panics; invalid
//!   UTF-8 is converted lossily (handlers take `String` arguments).
//! - `parser`: one pass over the lines, each line's words cut and
//!   `%{env:}`-expanded only when the parser reaches it, so `SetEnv` (which
//!   sets the process environment at parse time) applies to the lines after
//!   it, as on 1.3.8. It handles what ProFTPD's core
//!   handles before any module sees a line: the sections (`<Global>`,
//!   `<VirtualHost>`, `<Anonymous>`, `<Directory>`, `<Limit>`, `<Class>`)
//!   with their nesting rules, the conditionals (`<IfModule>`,
//!   `<IfDefine>`: a false body is skipped without being parsed), `Include`,
//!   `IncludeOptions` (only the parser acts on it) and `Define`. Every other word is looked up case-insensitively in the
//!   modules' directive tables, its context mask is checked, and its
//!   handler runs against the tree being built.
//! - `include`: `Include` path rules over the [`IncludeLoader`] trait, so
//!   the parser is pure and the tests need no files ([`FsLoader`] is the
//!   real one).
//! - `suggest`: the "Did you mean" ranking of ProFTPD 1.3.8.
//! - After the pass, `<Global>` is folded into every server and the tree is
//!   renumbered without it (see `parser::fixup`): a directive handler may
//!   look at the tree while parsing, but must not keep a `CtxId` in a
//!   record's value. Empty `<Directory>` and `<Limit>` sections are dropped
//!   when they close, as ProFTPD does.
//!
//! Error texts and exit behaviour were measured on ProFTPD 1.3.8 with
//! `proftpd -t`. One deliberate difference: 1.3.8 treats an error inside an
//! *included* file as a warning (`warning: unable to include '<file>':
//! Operation not permitted`), silently stops reading the rest of the whole
//! configuration, and starts anyway (exit 0) with that truncated config,
//! which can drop access rules. We fail closed: the error is fatal, with
//! the same `fatal:` lines. Missing include files stay warnings, as in 1.3.8.

mod include;
mod lexer;
mod parser;
mod suggest;

#[cfg(test)]
mod tests;

use std::path::Path;

use proftpd_api::config::{ConfigError, ConfigTree, Origin};
use proftpd_api::module::ModuleDef;

pub use include::{FsLoader, IncludeLoader, NoFiles};
pub use parser::MAX_INCLUDE_DEPTH;

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
///
/// Non-fatal problems (a missing Include file, an empty `<Class>`) are
/// logged with `log::warn!` under the target `config`, with ProFTPD's text
/// (`warning: unable to include ...`).
pub fn load(path: &Path, opts: &ParseOptions<'_>) -> Result<ConfigTree, ConfigError> {
    let file = path.to_string_lossy();
    let text = std::fs::read(path).map_err(|e| ConfigError::Syntax {
        message: format!(
            "unable to read configuration file '{file}': {}",
            include::strerror(&e)
        ),
        origin: Origin {
            file: file.as_ref().into(),
            line: 0,
        },
    })?;
    parse_bytes(&text, &file, opts, &mut FsLoader)
}

/// Parses `text` as the file named `file` (the name used in messages),
/// resolving `Include`s through `loader`; `%{env:}` reads the process
/// environment. Warnings are logged as in [`load`].
pub fn parse_bytes(
    text: &[u8],
    file: &str,
    opts: &ParseOptions<'_>,
    loader: &mut dyn IncludeLoader,
) -> Result<ConfigTree, ConfigError> {
    let mut warn = |w: String| log::warn!(target: "config", "{w}");
    parser::parse_with(text, file, opts, loader, &lexer::process_env, &mut warn)
}

/// The directive names the parser implements itself (sections with their
/// closing tags, conditionals, `Include`, `IncludeOptions`, `Define`);
/// modules must not register these (the parser would never call them).
pub fn builtin_directive_names() -> &'static [&'static str] {
    parser::BUILTIN_DIRECTIVES
}

/// The messages ProFTPD logs for a fatal config error, in order, each
/// without a trailing newline: one element per log message, so a logger
/// adds its prefix (timestamp, host, `proftpd[pid]: `) once per element.
///
/// The `Did you mean:` block is a single message as in 1.3.8: with one
/// candidate it is `fatal: Did you mean: ServerName`; with two to four the
/// candidates follow on their own lines, joined with `\n` and indented two
/// spaces (`"fatal: Did you mean:\n  ServerIdent\n  ServerName"`), so only
/// its first line carries the log prefix, exactly as ProFTPD prints it. A
/// directive name with non-ASCII bytes gets `fatal: malformed directive
/// name '...' (contains non-ASCII characters)` instead.
pub fn error_lines(err: &ConfigError) -> Vec<String> {
    let mut out = vec![format!("fatal: {err}")];
    if let ConfigError::Unknown {
        name, suggestions, ..
    } = err
    {
        if !name.is_ascii() {
            out.push(format!(
                "fatal: malformed directive name '{name}' (contains non-ASCII characters)"
            ));
        } else {
            match suggestions.as_slice() {
                [] => {}
                [one] => out.push(format!("fatal: Did you mean: {one}")),
                many => {
                    let mut msg = String::from("fatal: Did you mean:");
                    for s in many.iter().take(suggest::MAX_SUGGESTIONS) {
                        msg.push_str("\n  ");
                        msg.push_str(s);
                    }
                    out.push(msg);
                }
            }
        }
    }
    out
}
