//! The parser: logical lines → sections, conditionals, includes and module
//! directive handlers → a [`ConfigTree`], then the `<Global>` fix-up.

use std::collections::HashMap;
use std::sync::Arc;

use proftpd_api::config::{ConfigError, ConfigTree, ContextKind, CtxId, DirectiveCtx, Origin};
use proftpd_api::module::DirectiveEntry;

use super::include::{self, IncludeLoader, Item};
use super::lexer::{self, EnvFn};
use super::{ParseOptions, suggest};

/// How deep `Include`s may nest. ProFTPD 1.3.8 has no limit and crashes
/// (SIGSEGV) on a file that includes itself; we stop with an error.
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// Directives and sections the parser itself implements.
pub const BUILTIN_DIRECTIVES: &[&str] = &[
    "<Global>",
    "</Global>",
    "<VirtualHost>",
    "</VirtualHost>",
    "<Anonymous>",
    "</Anonymous>",
    "<Directory>",
    "</Directory>",
    "<Limit>",
    "</Limit>",
    "<Class>",
    "</Class>",
    "<IfModule>",
    "</IfModule>",
    "<IfDefine>",
    "</IfDefine>",
    "Include",
    "IncludeOptions",
    "Define",
];

/// The sections, with their spellings.
const SECTIONS: &[(ContextKind, &str, &str)] = &[
    (ContextKind::Global, "<Global>", "</Global>"),
    (ContextKind::VirtualHost, "<VirtualHost>", "</VirtualHost>"),
    (ContextKind::Anonymous, "<Anonymous>", "</Anonymous>"),
    (ContextKind::Directory, "<Directory>", "</Directory>"),
    (ContextKind::Limit, "<Limit>", "</Limit>"),
    (ContextKind::Class, "<Class>", "</Class>"),
];

/// The kinds a section may be opened in (spec §3, and 1.3.8's answers:
/// `<Global>` inside `<VirtualHost>` is accepted).
fn section_parents(kind: ContextKind) -> &'static [ContextKind] {
    use ContextKind::*;
    match kind {
        Global => &[Server, VirtualHost],
        VirtualHost => &[Server],
        Anonymous => &[Server, VirtualHost, Global],
        Directory => &[Server, VirtualHost, Global, Anonymous],
        Limit => &[Server, VirtualHost, Global, Anonymous, Directory],
        Class => &[Server, Global],
        Server => &[],
    }
}

/// Which conditional a line opens or closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    Module,
    Define,
}

impl Cond {
    fn name(self) -> &'static str {
        match self {
            Cond::Module => "<IfModule>",
            Cond::Define => "<IfDefine>",
        }
    }
    fn open_prefix(self) -> &'static str {
        match self {
            Cond::Module => "<ifmodule",
            Cond::Define => "<ifdefine",
        }
    }
    fn close(self) -> &'static str {
        match self {
            Cond::Module => "</ifmodule>",
            Cond::Define => "</ifdefine>",
        }
    }
}

/// An open section.
struct Frame {
    kind: ContextKind,
    ctx: CtxId,
}

/// Parse state; lives for one `parse_bytes`.
pub(crate) struct Parser<'a> {
    opts: &'a ParseOptions<'a>,
    loader: &'a mut dyn IncludeLoader,
    env: EnvFn<'a>,
    /// Receives `warning:`/`error:` lines that do not stop the parse.
    warn: &'a mut dyn FnMut(String),
    tree: ConfigTree,
    /// Open sections, innermost last.
    stack: Vec<Frame>,
    /// The one context collecting every `<Global>` block (they concatenate).
    global: Option<CtxId>,
    /// Lower-cased name → entry, first module wins.
    directives: HashMap<String, &'static DirectiveEntry>,
    /// How many `Include`s deep the file being read is.
    depth: usize,
    /// The last `IncludeOptions`, applied to the `Include`s after it.
    include_opts: include::Options,
}

/// Parses `text` (the file `file`) into a fixed-up tree; non-fatal
/// problems go to `warn`, in order.
pub(crate) fn parse_with(
    text: &[u8],
    file: &str,
    opts: &ParseOptions<'_>,
    loader: &mut dyn IncludeLoader,
    env: EnvFn<'_>,
    warn: &mut dyn FnMut(String),
) -> Result<ConfigTree, ConfigError> {
    let mut directives = HashMap::new();
    for m in opts.modules {
        for d in m.directives {
            directives.entry(d.name.to_ascii_lowercase()).or_insert(d);
        }
    }
    let mut tree = ConfigTree::new();
    tree.defines = opts.defines.clone();
    let file: Arc<str> = Arc::from(file);
    let main = tree.main_server();
    tree.ctx_mut(main).origin = Origin {
        file: file.clone(),
        line: 0,
    };
    let mut p = Parser {
        opts,
        loader,
        env,
        warn,
        tree,
        stack: Vec::new(),
        global: None,
        directives,
        depth: 0,
        include_opts: include::Options::default(),
    };
    p.parse_file(text, &file)?;
    if !p.stack.is_empty() {
        return Err(ConfigError::Syntax {
            message: format!(
                "error processing configuration file '{file}': unclosed configuration section"
            ),
            origin: Origin { file, line: 0 },
        });
    }
    Ok(fixup(&p.tree, p.global))
}

/// The number ProFTPD gives the end of a file: the newlines it read.
fn last_line_number(text: &[u8]) -> u32 {
    let newlines = text.iter().filter(|&&b| b == b'\n').count();
    u32::try_from(newlines).unwrap_or(u32::MAX)
}

fn directive_error(name: &str, message: impl Into<String>, origin: &Origin) -> ConfigError {
    ConfigError::Directive {
        directive: name.to_string(),
        message: message.into(),
        origin: origin.clone(),
    }
}

impl Parser<'_> {
    fn current(&self) -> (ContextKind, CtxId) {
        match self.stack.last() {
            Some(f) => (f.kind, f.ctx),
            None => (ContextKind::Server, self.tree.main_server()),
        }
    }

    /// The server the current section belongs to (for the `<Directory>`
    /// duplicate check, which 1.3.8 runs against the server's own
    /// sections; `<Global>` counts as the server around it).
    fn current_server(&self) -> CtxId {
        self.stack
            .iter()
            .rev()
            .find(|f| f.kind == ContextKind::VirtualHost)
            .map(|f| f.ctx)
            .unwrap_or_else(|| self.tree.main_server())
    }

    fn parse_file(&mut self, text: &[u8], file: &Arc<str>) -> Result<(), ConfigError> {
        // Words are cut and `%{env:}` expanded line by line, as each
        // directive is reached (as 1.3.8 does): a `SetEnv` takes effect for
        // the lines after it (`SetEnv PFX x` then `PidFile /tmp/%{env:PFX}`).
        let lines = lexer::logical_lines(text);
        let eof_line = last_line_number(text);
        let mut i = 0;
        while let Some((number, bytes)) = lines.get(i) {
            i += 1;
            let line = lexer::Line {
                line: *number,
                words: lexer::line_words(bytes, self.env),
            };
            let origin = Origin {
                file: file.clone(),
                line: line.line,
            };
            let Some((name, args)) = line.words.split_first() else {
                continue;
            };
            let lc = name.to_ascii_lowercase();
            let cond = match lc.as_str() {
                "<ifmodule>" => Some(Cond::Module),
                "<ifdefine>" => Some(Cond::Define),
                _ => None,
            };
            if let Some(cond) = cond {
                // A true condition's tags are no-ops (1.3.8 does not even
                // check that it is closed); a false one's body is skipped.
                if !self.condition(cond, args, &origin)? {
                    // Skip the body unparsed, counting nested blocks of the
                    // same kind.
                    let mut depth = 1usize;
                    while depth > 0 {
                        let Some((_, skipped)) = lines.get(i) else {
                            return Err(unclosed_cond(cond, file, eof_line));
                        };
                        i += 1;
                        let words = lexer::line_words(skipped, self.env);
                        let first = words.first().map(|w| w.to_ascii_lowercase());
                        let first = first.as_deref().unwrap_or("");
                        if first.starts_with(cond.open_prefix()) {
                            depth += 1;
                        } else if first == cond.close() {
                            depth -= 1;
                        }
                    }
                }
                continue;
            }
            if lc == Cond::Module.close() || lc == Cond::Define.close() {
                // Closes a true conditional, or is stray: accepted silently
                // either way, as in 1.3.8.
                continue;
            }
            self.directive(name, &lc, args, origin)?;
        }
        Ok(())
    }

    fn condition(&self, cond: Cond, args: &[String], origin: &Origin) -> Result<bool, ConfigError> {
        let Some(arg) = args.first() else {
            return Err(directive_error(cond.name(), "missing parameters", origin));
        };
        let (negate, label) = match arg.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, arg.as_str()),
        };
        let present = match cond {
            // 1.3.8 wants the exact file name: `mod_core.c` is present,
            // `mod_core` and `MOD_CORE.C` are not (measured).
            Cond::Module => self.opts.modules.iter().any(|m| m.file_name() == label),
            Cond::Define => self.tree.defines.iter().any(|d| d == label),
        };
        Ok(present != negate)
    }

    fn directive(
        &mut self,
        name: &str,
        lc: &str,
        args: &[String],
        origin: Origin,
    ) -> Result<(), ConfigError> {
        if let Some(&(kind, open, _)) = SECTIONS.iter().find(|s| s.1.eq_ignore_ascii_case(lc)) {
            return self.open_section(kind, open, args, origin);
        }
        if let Some(&(kind, _, close)) = SECTIONS.iter().find(|s| s.2.eq_ignore_ascii_case(lc)) {
            return self.close_section(kind, close, args, &origin);
        }
        match lc {
            "include" => return self.include(args, &origin),
            "includeoptions" => return self.include_options(args, &origin),
            "define" => {
                let Some(label) = args.first() else {
                    return Err(directive_error("Define", "missing parameters", &origin));
                };
                if !self.tree.defines.contains(label) {
                    self.tree.defines.push(label.clone());
                }
                return Ok(());
            }
            _ => {}
        }
        let Some(&entry) = self.directives.get(lc) else {
            let suggestions = if name.is_ascii() {
                let names = self
                    .directives
                    .values()
                    .map(|d| d.name)
                    .chain(BUILTIN_DIRECTIVES.iter().copied());
                suggest::suggest(name, names)
            } else {
                Vec::new()
            };
            return Err(ConfigError::Unknown {
                name: name.to_string(),
                origin,
                suggestions,
            });
        };
        let (kind, ctx) = self.current();
        if !entry.contexts.allows(kind) {
            return Err(directive_error(
                entry.name,
                format!("directive not allowed in {} context", kind.display_name()),
                &origin,
            ));
        }
        let mut dctx = DirectiveCtx {
            name: entry.name,
            args,
            context: kind,
            origin,
            tree: &mut self.tree,
            ctx,
        };
        (entry.handler)(&mut dctx)
    }

    fn open_section(
        &mut self,
        kind: ContextKind,
        name: &'static str,
        args: &[String],
        origin: Origin,
    ) -> Result<(), ConfigError> {
        let (cur_kind, cur_ctx) = self.current();
        if !section_parents(kind).contains(&cur_kind) {
            return Err(directive_error(
                name,
                format!(
                    "directive not allowed in {} context",
                    cur_kind.display_name()
                ),
                &origin,
            ));
        }
        let first = args.first().map(String::as_str);
        let arg_error = match (kind, first) {
            (ContextKind::Global, Some(_)) => Some("Too many parameters".to_string()),
            (ContextKind::VirtualHost, None) => Some("wrong number of parameters".to_string()),
            (ContextKind::Limit, None) => {
                Some("directive requires one or more commands".to_string())
            }
            (ContextKind::Anonymous | ContextKind::Directory | ContextKind::Class, None) => {
                Some("missing parameters".to_string())
            }
            (ContextKind::Anonymous, Some(p)) if !is_absolute_or_home(p) => {
                Some(format!("({p}) absolute pathname required"))
            }
            (ContextKind::Directory, Some(p)) => self.check_directory(cur_kind, p),
            (ContextKind::VirtualHost, Some(_)) => args
                .iter()
                .find(|a| !self.loader.resolve_host(a))
                // The errno text 1.3.8 prints after its failed lookup.
                .map(|a| format!("error resolving '{a}': No such file or directory")),
            _ => None,
        };
        if let Some(message) = arg_error {
            return Err(directive_error(name, message, &origin));
        }
        let ctx = match kind {
            ContextKind::Global => match self.global {
                Some(g) => g,
                None => {
                    let g = self.tree.push(kind, Vec::new(), None, origin);
                    self.global = Some(g);
                    g
                }
            },
            ContextKind::VirtualHost => {
                let v = self.tree.push(kind, args.to_vec(), None, origin);
                self.tree.servers.push(v);
                v
            }
            _ => self.tree.push(kind, args.to_vec(), Some(cur_ctx), origin),
        };
        self.stack.push(Frame { kind, ctx });
        Ok(())
    }

    /// `<Directory path>`: relative paths only inside `<Anonymous>`, and no
    /// second section with the same path in one server.
    fn check_directory(&self, cur_kind: ContextKind, path: &str) -> Option<String> {
        if cur_kind == ContextKind::Anonymous {
            return None;
        }
        if !is_absolute_or_home(path) {
            return Some("relative path not allowed in non-<Anonymous> sections".to_string());
        }
        let server = self.tree.ctx(self.current_server());
        let dup = server.children.iter().any(|c| {
            let c = self.tree.ctx(*c);
            c.kind == ContextKind::Directory && c.args.first().map(String::as_str) == Some(path)
        });
        dup.then(|| format!("<Directory> section already configured for '{path}'"))
    }

    fn close_section(
        &mut self,
        kind: ContextKind,
        name: &'static str,
        args: &[String],
        origin: &Origin,
    ) -> Result<(), ConfigError> {
        let (cur_kind, _) = self.current();
        if cur_kind != kind || self.stack.is_empty() {
            return Err(directive_error(
                name,
                format!(
                    "directive not allowed in {} context",
                    cur_kind.display_name()
                ),
                origin,
            ));
        }
        if !args.is_empty() {
            return Err(directive_error(name, "wrong number of parameters", origin));
        }
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let c = self.tree.ctx(frame.ctx);
        let empty = c.records.is_empty() && c.children.is_empty();
        match kind {
            // ProFTPD drops empty sections when closing them; it matters for
            // the duplicate-<Directory> check and for path matching.
            ContextKind::Directory | ContextKind::Limit if empty => self.drop_last(frame.ctx),
            ContextKind::Class if empty => {
                (self.warn)("warning: empty <Class> definition".to_string());
            }
            _ => {}
        }
        Ok(())
    }

    /// Removes a context that was just closed empty (it is the last one
    /// pushed, having no children).
    fn drop_last(&mut self, id: CtxId) {
        if id.0 + 1 != self.tree.contexts.len() {
            return;
        }
        let parent = self.tree.ctx(id).parent;
        if let Some(p) = parent {
            self.tree.ctx_mut(p).children.retain(|c| *c != id);
        }
        self.tree.servers.retain(|s| *s != id);
        self.tree.contexts.pop();
    }

    /// `IncludeOptions` lives here rather than in mod_core because only the
    /// parser acts on it. Server config only, as in 1.3.8.
    fn include_options(&mut self, args: &[String], origin: &Origin) -> Result<(), ConfigError> {
        const NAME: &str = "IncludeOptions";
        let (kind, _) = self.current();
        if kind != ContextKind::Server {
            return Err(directive_error(
                NAME,
                format!("directive not allowed in {} context", kind.display_name()),
                origin,
            ));
        }
        if args.is_empty() {
            return Err(directive_error(NAME, "wrong number of parameters", origin));
        }
        self.include_opts = include::Options::parse(args).map_err(|bad| {
            directive_error(NAME, format!("unknown IncludeOption '{bad}'"), origin)
        })?;
        Ok(())
    }

    fn include(&mut self, args: &[String], origin: &Origin) -> Result<(), ConfigError> {
        let Some(arg) = args.first() else {
            return Err(directive_error("Include", "missing parameters", origin));
        };
        if !arg.starts_with('/') {
            return Err(directive_error(
                "Include",
                format!("unable to use path for configuration file '{arg}'"),
                origin,
            ));
        }
        if self.depth >= MAX_INCLUDE_DEPTH {
            return Err(directive_error(
                "Include",
                format!("too many nested Includes (limit {MAX_INCLUDE_DEPTH}) including '{arg}'"),
                origin,
            ));
        }
        for item in include::resolve(arg, self.include_opts, self.loader) {
            let path = match item {
                Item::Warning(w) => {
                    (self.warn)(w);
                    continue;
                }
                Item::WildcardDir(dir) => {
                    (self.warn)(format!(
                        "error: wildcard patterns not allowed in configuration directory name '{dir}'"
                    ));
                    return Err(directive_error(
                        "Include",
                        format!("error including '{arg}': Invalid argument"),
                        origin,
                    ));
                }
                Item::File(p) => p,
            };
            let text = match self.loader.read(&path) {
                Ok(t) => t,
                Err(e) => {
                    (self.warn)(format!(
                        "warning: unable to include '{path}': {}",
                        include::strerror(&e)
                    ));
                    continue;
                }
            };
            self.depth += 1;
            let res = self.parse_file(&text, &Arc::from(path.as_str()));
            self.depth -= 1;
            res?;
        }
        Ok(())
    }
}

fn is_absolute_or_home(p: &str) -> bool {
    p.starts_with('/') || p.starts_with('~')
}

fn unclosed_cond(cond: Cond, file: &Arc<str>, line: u32) -> ConfigError {
    directive_error(
        cond.name(),
        format!("unclosed {} context", cond.name()),
        &Origin {
            file: file.clone(),
            line,
        },
    )
}

/// Builds the final tree: every server gets the `<Global>` records first
/// (so its own, later records win in [`ConfigTree::get`]) and copies of the
/// `<Global>` sections after its own (ProFTPD appends them, and section
/// order matters for `<Directory>` matching and `<Limit>` evaluation). The
/// `<Global>` context itself does not survive; ids are renumbered.
pub(crate) fn fixup(raw: &ConfigTree, global: Option<CtxId>) -> ConfigTree {
    let mut out = ConfigTree {
        contexts: Vec::new(),
        servers: Vec::new(),
        defines: raw.defines.clone(),
    };
    let global = global.map(|g| raw.ctx(g));
    for &sid in &raw.servers {
        let s = raw.ctx(sid);
        let new = out.push(s.kind, s.args.clone(), None, s.origin.clone());
        out.servers.push(new);
        let mut records = global.map(|g| g.records.clone()).unwrap_or_default();
        records.extend(s.records.iter().cloned());
        out.ctx_mut(new).records = records;
        let global_children = global.map(|g| g.children.as_slice()).unwrap_or(&[]);
        for &child in s.children.iter().chain(global_children) {
            copy_subtree(raw, child, &mut out, new);
        }
    }
    out
}

fn copy_subtree(raw: &ConfigTree, id: CtxId, out: &mut ConfigTree, parent: CtxId) {
    let c = raw.ctx(id);
    let new = out.push(c.kind, c.args.clone(), Some(parent), c.origin.clone());
    out.ctx_mut(new).records = c.records.clone();
    // Sections nest at most four deep (server, Anonymous, Directory, Limit).
    for &child in &c.children {
        copy_subtree(raw, child, out, new);
    }
}
