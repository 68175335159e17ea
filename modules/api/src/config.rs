//! Configuration records: typed keys, the context tree and lookups.
//!
//! The parser (in the daemon crate) turns `proftpd.conf` into a
//! [`ConfigTree`]: one context per section (`<VirtualHost>`, `<Anonymous>`,
//! `<Directory>`, `<Limit>`, `<Class>`), each holding the records its
//! directives added. Directive handlers are module code; they see a
//! [`DirectiveCtx`] and store typed values under a [`ConfigKey`].
//!
//! Lookups are the analogue of ProFTPD's `find_config()`: [`ConfigTree::get`]
//! walks from a context up through its parents to its server, so a value set
//! at server level is seen in every `<Directory>` below it unless a closer
//! context sets its own (the "merge down" of ProFTPD, done lazily).

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

/// The kind of a configuration context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContextKind {
    /// The main server ("server config").
    Server,
    /// `<Global>`: only during parsing; its records are copied into every
    /// server afterwards.
    Global,
    VirtualHost,
    Anonymous,
    Directory,
    Limit,
    Class,
}

impl ContextKind {
    /// The bit of this kind in a [`Contexts`] mask.
    pub const fn mask(self) -> Contexts {
        match self {
            ContextKind::Server => Contexts::SERVER,
            ContextKind::Global => Contexts::GLOBAL,
            ContextKind::VirtualHost => Contexts::VHOST,
            ContextKind::Anonymous => Contexts::ANON,
            ContextKind::Directory => Contexts::DIR,
            ContextKind::Limit => Contexts::LIMIT,
            ContextKind::Class => Contexts::CLASS,
        }
    }

    /// The name ProFTPD uses in "directive not allowed in ... context".
    pub fn display_name(self) -> &'static str {
        match self {
            ContextKind::Server => "server config",
            ContextKind::Global => "<Global>",
            ContextKind::VirtualHost => "<VirtualHost>",
            ContextKind::Anonymous => "<Anonymous>",
            ContextKind::Directory => "<Directory>",
            ContextKind::Limit => "<Limit>",
            ContextKind::Class => "<Class>",
        }
    }

    /// Whether this context is a server (main or virtual host).
    pub fn is_server(self) -> bool {
        matches!(self, ContextKind::Server | ContextKind::VirtualHost)
    }
}

/// A set of contexts a directive is allowed in (ProFTPD's `CONF_*` bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Contexts(pub u16);

impl Contexts {
    pub const SERVER: Contexts = Contexts(1 << 0);
    pub const VHOST: Contexts = Contexts(1 << 1);
    pub const GLOBAL: Contexts = Contexts(1 << 2);
    pub const ANON: Contexts = Contexts(1 << 3);
    pub const DIR: Contexts = Contexts(1 << 4);
    pub const LIMIT: Contexts = Contexts(1 << 5);
    pub const CLASS: Contexts = Contexts(1 << 6);
    /// `.ftpaccess` files.
    pub const DYNDIR: Contexts = Contexts(1 << 7);

    /// S V G: the usual "server-wide" directive.
    pub const SVG: Contexts = Contexts(Self::SERVER.0 | Self::VHOST.0 | Self::GLOBAL.0);
    /// S V G A.
    pub const SVGA: Contexts = Contexts(Self::SVG.0 | Self::ANON.0);
    /// S V G A D.
    pub const SVGAD: Contexts = Contexts(Self::SVGA.0 | Self::DIR.0);
    /// S G: server config and `<Global>` only.
    pub const SG: Contexts = Contexts(Self::SERVER.0 | Self::GLOBAL.0);
    /// S V.
    pub const SV: Contexts = Contexts(Self::SERVER.0 | Self::VHOST.0);
    /// Anywhere.
    pub const ANY: Contexts = Contexts(0xffff);

    pub const fn union(self, other: Contexts) -> Contexts {
        Contexts(self.0 | other.0)
    }

    pub fn allows(self, kind: ContextKind) -> bool {
        self.0 & kind.mask().0 != 0
    }
}

/// How a record is seen from contexts below the one it was set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Merge {
    /// Seen from every nested context unless one sets its own value.
    #[default]
    Down,
    /// Multi-valued: nested contexts see their own values and the inherited
    /// ones ([`ConfigTree::get_all`] collects every level).
    DownMulti,
    /// Only seen in the context that set it.
    None,
}

/// Where a directive came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub file: Arc<str>,
    pub line: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} of '{}'", self.line, self.file)
    }
}

/// A configuration error, fatal at startup.
///
/// `Display` gives the message without the `fatal: ` prefix the runtime
/// adds; it names the file and line as ProFTPD does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A directive rejected its arguments or context.
    #[error("{directive}: {message} on {origin}")]
    Directive {
        directive: String,
        message: String,
        origin: Origin,
    },
    /// A directive nobody registered.
    #[error("unknown configuration directive '{name}' on {origin}")]
    Unknown {
        name: String,
        origin: Origin,
        /// Up to four registered names close to the unknown one, best first
        /// (ProFTPD 1.3.8 shows at most four).
        suggestions: Vec<String>,
    },
    /// Any other syntax or file error.
    #[error("{message}")]
    Syntax { message: String, origin: Origin },
}

impl ConfigError {
    /// Where the error is, if it has a place.
    pub fn origin(&self) -> &Origin {
        match self {
            ConfigError::Directive { origin, .. }
            | ConfigError::Unknown { origin, .. }
            | ConfigError::Syntax { origin, .. } => origin,
        }
    }
}

/// A typed configuration key: the directive name and the type of its value.
///
/// Declared as a `static` by the module that owns the directive:
/// `pub static SERVER_NAME: ConfigKey<String> = ConfigKey::new("ServerName");`
pub struct ConfigKey<T: 'static> {
    name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T: 'static> ConfigKey<T> {
    pub const fn new(name: &'static str) -> Self {
        ConfigKey {
            name,
            _type: PhantomData,
        }
    }

    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl<T> fmt::Debug for ConfigKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConfigKey({})", self.name)
    }
}

/// One stored directive value.
#[derive(Clone)]
pub struct Record {
    /// The key name (the directive's canonical spelling).
    pub name: &'static str,
    /// The typed value; `None` for records kept only for their argv.
    pub value: Option<Arc<dyn Any + Send + Sync>>,
    /// The raw arguments as written (after quoting and `%{env:}`), kept for
    /// dynamic modules and `get config` dumps.
    pub argv: Vec<String>,
    pub merge: Merge,
    pub origin: Origin,
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("name", &self.name)
            .field("argv", &self.argv)
            .field("merge", &self.merge)
            .field("origin", &self.origin)
            .finish()
    }
}

/// Index of a context in its [`ConfigTree`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CtxId(pub usize);

/// One configuration context (a section, or a server).
#[derive(Debug, Clone)]
pub struct Context {
    pub kind: ContextKind,
    /// The section's arguments: the path of `<Directory>`, the directory of
    /// `<Anonymous>`, the addresses of `<VirtualHost>`, the commands of
    /// `<Limit>`, the name of `<Class>`.
    pub args: Vec<String>,
    /// The enclosing context; `None` for servers (a virtual host inherits
    /// nothing from the main server, only from `<Global>`).
    pub parent: Option<CtxId>,
    pub children: Vec<CtxId>,
    pub records: Vec<Record>,
    pub origin: Origin,
}

/// The parsed configuration.
#[derive(Debug, Clone, Default)]
pub struct ConfigTree {
    pub contexts: Vec<Context>,
    /// The main server first, then each `<VirtualHost>` in file order.
    pub servers: Vec<CtxId>,
    /// Labels defined by `-D` and `Define`, for `<IfDefine>`.
    pub defines: Vec<String>,
}

impl ConfigTree {
    /// A tree holding only an empty main server.
    pub fn new() -> ConfigTree {
        let mut tree = ConfigTree::default();
        let main = tree.push(ContextKind::Server, Vec::new(), None, Origin::default());
        tree.servers.push(main);
        tree
    }

    /// The main server's context.
    pub fn main_server(&self) -> CtxId {
        self.servers[0]
    }

    /// Adds a context; links it below `parent` if given.
    pub fn push(
        &mut self,
        kind: ContextKind,
        args: Vec<String>,
        parent: Option<CtxId>,
        origin: Origin,
    ) -> CtxId {
        let id = CtxId(self.contexts.len());
        self.contexts.push(Context {
            kind,
            args,
            parent,
            children: Vec::new(),
            records: Vec::new(),
            origin,
        });
        if let Some(p) = parent {
            self.contexts[p.0].children.push(id);
        }
        id
    }

    pub fn ctx(&self, id: CtxId) -> &Context {
        &self.contexts[id.0]
    }

    pub fn ctx_mut(&mut self, id: CtxId) -> &mut Context {
        &mut self.contexts[id.0]
    }

    /// The server (main or virtual host) a context belongs to.
    pub fn server_of(&self, mut id: CtxId) -> CtxId {
        while let Some(p) = self.contexts[id.0].parent {
            id = p;
        }
        id
    }

    /// Adds a typed record to a context.
    pub fn add<T: Any + Send + Sync>(
        &mut self,
        ctx: CtxId,
        key: &ConfigKey<T>,
        value: T,
        argv: Vec<String>,
        merge: Merge,
        origin: Origin,
    ) {
        self.contexts[ctx.0].records.push(Record {
            name: key.name,
            value: Some(Arc::new(value)),
            argv,
            merge,
            origin,
        });
    }

    /// The value of `key` seen from `ctx`: the last record set in `ctx`
    /// itself, else the closest ancestor's (records with [`Merge::None`]
    /// are only seen where they were set).
    pub fn get<T: Any + Send + Sync>(&self, ctx: CtxId, key: &ConfigKey<T>) -> Option<&T> {
        let mut cur = Some(ctx);
        let mut here = true;
        while let Some(id) = cur {
            let c = &self.contexts[id.0];
            if let Some(v) = c
                .records
                .iter()
                .rev()
                .filter(|r| r.name == key.name && (here || r.merge != Merge::None))
                .find_map(|r| r.value.as_deref().and_then(|v| v.downcast_ref::<T>()))
            {
                return Some(v);
            }
            here = false;
            cur = c.parent;
        }
        None
    }

    /// The value of `key` set in `ctx` itself, ignoring parents.
    pub fn get_here<T: Any + Send + Sync>(&self, ctx: CtxId, key: &ConfigKey<T>) -> Option<&T> {
        self.contexts[ctx.0]
            .records
            .iter()
            .rev()
            .filter(|r| r.name == key.name)
            .find_map(|r| r.value.as_deref().and_then(|v| v.downcast_ref::<T>()))
    }

    /// Every value of a multi-valued key seen from `ctx`: the closest
    /// context's values first (in file order), then each ancestor's.
    pub fn get_all<T: Any + Send + Sync>(&self, ctx: CtxId, key: &ConfigKey<T>) -> Vec<&T> {
        let mut out = Vec::new();
        let mut cur = Some(ctx);
        let mut here = true;
        while let Some(id) = cur {
            let c = &self.contexts[id.0];
            out.extend(
                c.records
                    .iter()
                    .filter(|r| r.name == key.name && (here || r.merge != Merge::None))
                    .filter_map(|r| r.value.as_deref().and_then(|v| v.downcast_ref::<T>())),
            );
            here = false;
            cur = c.parent;
        }
        out
    }

    /// The raw argv of the closest record named `name` seen from `ctx`
    /// (the view dynamic modules get).
    pub fn get_argv(&self, ctx: CtxId, name: &str) -> Option<&[String]> {
        let mut cur = Some(ctx);
        while let Some(id) = cur {
            let c = &self.contexts[id.0];
            if let Some(r) = c
                .records
                .iter()
                .rev()
                .find(|r| r.name.eq_ignore_ascii_case(name))
            {
                return Some(&r.argv);
            }
            cur = c.parent;
        }
        None
    }

    /// The `<Anonymous>` contexts directly inside a server.
    pub fn anonymous_of(&self, server: CtxId) -> impl Iterator<Item = CtxId> + '_ {
        self.contexts[server.0]
            .children
            .iter()
            .copied()
            .filter(|c| self.contexts[c.0].kind == ContextKind::Anonymous)
    }
}

/// What a directive handler sees.
pub struct DirectiveCtx<'a> {
    /// The directive name as registered (canonical spelling).
    pub name: &'static str,
    /// The arguments after quote removal and `%{env:}` expansion.
    pub args: &'a [String],
    /// The kind of the context the directive appears in.
    pub context: ContextKind,
    pub origin: Origin,
    /// The tree being built.
    pub tree: &'a mut ConfigTree,
    /// The context the directive appears in.
    pub ctx: CtxId,
}

impl DirectiveCtx<'_> {
    /// An error about this directive, placed at its line.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError::Directive {
            directive: self.name.to_string(),
            message: message.into(),
            origin: self.origin.clone(),
        }
    }

    /// Checks the argument count. 1.3.8 says `missing parameters` for too
    /// few (its `CHECK_ARGS`) and `wrong number of parameters` where a
    /// handler also rejects extras (most accept and ignore them, e.g.
    /// `Port 21 22`), so pass `usize::MAX` as `max` to mirror those.
    pub fn check_args(&self, min: usize, max: usize) -> Result<(), ConfigError> {
        let n = self.args.len();
        if n < min {
            Err(self.error("missing parameters"))
        } else if n > max {
            Err(self.error("wrong number of parameters"))
        } else {
            Ok(())
        }
    }

    /// Parses argument `i` as a boolean (`on off yes no true false 1 0`).
    pub fn bool_arg(&self, i: usize) -> Result<bool, ConfigError> {
        let raw = self.args.get(i).map(String::as_str).unwrap_or("");
        parse_bool(raw).ok_or_else(|| self.error("expected boolean parameter"))
    }

    /// Parses argument `i` as a non-negative number.
    pub fn number_arg<N: std::str::FromStr>(&self, i: usize) -> Result<N, ConfigError> {
        let raw = self.args.get(i).map(String::as_str).unwrap_or("");
        raw.parse::<N>()
            .map_err(|_| self.error(format!("invalid number: '{raw}'")))
    }

    /// Parses argument `i` as a duration (see [`parse_duration`]), with
    /// 1.3.8's `error parsing timeout value` message, as the `Timeout*`
    /// directives take it.
    pub fn duration_arg(&self, i: usize) -> Result<u32, ConfigError> {
        let raw = self.args.get(i).map(String::as_str).unwrap_or("");
        parse_duration(raw)
            .map_err(|why| self.error(format!("error parsing timeout value '{raw}': {why}")))
    }

    /// Every argument as one of the `allowed` option words (matched
    /// case-insensitively, returned in their canonical spelling), as the
    /// `Auth*Options` directives take them; an unknown word is
    /// `unknown <what>: '<word>'`.
    pub fn option_args(&self, allowed: &[&str], what: &str) -> Result<Vec<String>, ConfigError> {
        self.args
            .iter()
            .map(
                |a| match allowed.iter().find(|o| o.eq_ignore_ascii_case(a)) {
                    Some(o) => Ok((*o).to_string()),
                    None => Err(self.error(format!("unknown {what}: '{a}'"))),
                },
            )
            .collect()
    }

    /// Stores a typed value in the current context.
    pub fn add<T: Any + Send + Sync>(&mut self, key: &ConfigKey<T>, value: T, merge: Merge) {
        let argv = self.args.to_vec();
        let origin = self.origin.clone();
        self.tree.add(self.ctx, key, value, argv, merge, origin);
    }
}

/// A duration as 1.3.8's `pr_str_get_duration` reads it: a number of
/// seconds with an optional unit (`h`, `hr`, `m`, `min`, `s`, `sec`,
/// case-insensitive); the error is the strerror text 1.3.8 prints.
pub fn parse_duration(s: &str) -> Result<u32, &'static str> {
    if s.starts_with('-') {
        return Err("Numerical result out of range");
    }
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    if num.is_empty() {
        return Err("Invalid argument");
    }
    let mult: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "s" | "sec" | "secs" => 1,
        "m" | "min" | "mins" => 60,
        "h" | "hr" | "hrs" => 3600,
        _ => return Err("Invalid argument"),
    };
    let n: u64 = num.parse().unwrap_or(u64::MAX);
    // 1.3.8 accepts values beyond 32 bits; they mean "practically never".
    Ok(u32::try_from(n.saturating_mul(mult)).unwrap_or(u32::MAX))
}

/// ProFTPD's boolean words.
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" | "1" => Some(true),
        "off" | "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units_and_saturate() {
        assert_eq!(parse_duration("10"), Ok(10));
        assert_eq!(parse_duration("2m"), Ok(120));
        assert_eq!(parse_duration("1HR"), Ok(3600));
        assert_eq!(parse_duration("1:00"), Err("Invalid argument"));
        assert_eq!(parse_duration("-1"), Err("Numerical result out of range"));
        assert_eq!(parse_duration("4294967296"), Ok(u32::MAX));
    }

    static NAME: ConfigKey<String> = ConfigKey::new("ServerName");
    static HIDE: ConfigKey<String> = ConfigKey::new("HideFiles");
    static PRIVATE: ConfigKey<u32> = ConfigKey::new("Private");

    fn add<T: Any + Send + Sync>(t: &mut ConfigTree, c: CtxId, k: &ConfigKey<T>, v: T, m: Merge) {
        t.add(c, k, v, vec![], m, Origin::default());
    }

    #[test]
    fn get_walks_up_and_closest_wins() {
        let mut t = ConfigTree::new();
        let main = t.main_server();
        let dir = t.push(
            ContextKind::Directory,
            vec!["/a".into()],
            Some(main),
            Origin::default(),
        );
        let sub = t.push(
            ContextKind::Directory,
            vec!["/a/b".into()],
            Some(dir),
            Origin::default(),
        );
        add(&mut t, main, &NAME, "main".to_string(), Merge::Down);
        assert_eq!(t.get(sub, &NAME).map(String::as_str), Some("main"));
        add(&mut t, dir, &NAME, "dir".to_string(), Merge::Down);
        assert_eq!(t.get(sub, &NAME).map(String::as_str), Some("dir"));
        assert_eq!(t.get(main, &NAME).map(String::as_str), Some("main"));
        assert_eq!(t.get_here(sub, &NAME), None);
    }

    #[test]
    fn later_record_in_one_context_wins() {
        let mut t = ConfigTree::new();
        let main = t.main_server();
        add(&mut t, main, &NAME, "one".to_string(), Merge::Down);
        add(&mut t, main, &NAME, "two".to_string(), Merge::Down);
        assert_eq!(t.get(main, &NAME).map(String::as_str), Some("two"));
    }

    #[test]
    fn merge_none_is_not_inherited() {
        let mut t = ConfigTree::new();
        let main = t.main_server();
        let dir = t.push(
            ContextKind::Directory,
            vec!["/a".into()],
            Some(main),
            Origin::default(),
        );
        add(&mut t, main, &PRIVATE, 7, Merge::None);
        assert_eq!(t.get(main, &PRIVATE), Some(&7));
        assert_eq!(t.get(dir, &PRIVATE), None);
    }

    #[test]
    fn get_all_collects_closest_first() {
        let mut t = ConfigTree::new();
        let main = t.main_server();
        let dir = t.push(
            ContextKind::Directory,
            vec!["/a".into()],
            Some(main),
            Origin::default(),
        );
        add(&mut t, main, &HIDE, "m1".to_string(), Merge::DownMulti);
        add(&mut t, dir, &HIDE, "d1".to_string(), Merge::DownMulti);
        add(&mut t, dir, &HIDE, "d2".to_string(), Merge::DownMulti);
        let all: Vec<&str> = t
            .get_all(dir, &HIDE)
            .into_iter()
            .map(String::as_str)
            .collect();
        assert_eq!(all, ["d1", "d2", "m1"]);
    }

    #[test]
    fn vhosts_do_not_see_the_main_server() {
        let mut t = ConfigTree::new();
        let main = t.main_server();
        let vhost = t.push(
            ContextKind::VirtualHost,
            vec!["127.0.0.2".into()],
            None,
            Origin::default(),
        );
        t.servers.push(vhost);
        add(&mut t, main, &NAME, "main".to_string(), Merge::Down);
        assert_eq!(t.get(vhost, &NAME), None);
        assert_eq!(t.server_of(vhost), vhost);
    }

    #[test]
    fn wrong_type_is_not_returned() {
        static AS_U32: ConfigKey<u32> = ConfigKey::new("ServerName");
        let mut t = ConfigTree::new();
        let main = t.main_server();
        add(&mut t, main, &NAME, "x".to_string(), Merge::Down);
        assert_eq!(t.get(main, &AS_U32), None);
    }

    #[test]
    fn booleans() {
        for (raw, want) in [
            ("On", Some(true)),
            ("off", Some(false)),
            ("YES", Some(true)),
            ("0", Some(false)),
            ("maybe", None),
        ] {
            assert_eq!(parse_bool(raw), want, "{raw}");
        }
    }

    #[test]
    fn contexts_masks() {
        assert!(Contexts::SVG.allows(ContextKind::VirtualHost));
        assert!(!Contexts::SVG.allows(ContextKind::Directory));
        assert!(Contexts::ANY.allows(ContextKind::Limit));
    }
}
