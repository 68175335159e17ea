//! Module tables (ProFTPD's `module` struct, `conftable`, `cmdtable`).

use crate::auth::AuthTable;
use crate::cmd::{CmdClass, CmdGroup};
use crate::config::{ConfigError, ConfigTree, Contexts, DirectiveCtx};
use crate::event::SessionEventFn;
use crate::session::{CmdCtx, Session, SessionHost};

/// A directive handler: validates its arguments and stores records.
pub type DirectiveFn = fn(&mut DirectiveCtx<'_>) -> Result<(), ConfigError>;

/// One configuration directive a module implements.
#[derive(Debug, Clone, Copy)]
pub struct DirectiveEntry {
    /// The canonical spelling (`ServerName`); matching is case-insensitive.
    pub name: &'static str,
    /// Where it may appear; checked by the parser before the handler runs.
    pub contexts: Contexts,
    pub handler: DirectiveFn,
}

impl DirectiveEntry {
    /// A directive table row; `const` so module tables stay `static`.
    pub const fn new(
        name: &'static str,
        contexts: Contexts,
        handler: DirectiveFn,
    ) -> DirectiveEntry {
        DirectiveEntry {
            name,
            contexts,
            handler,
        }
    }
}

/// The phase a command handler runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    PreCmd,
    Cmd,
    PostCmd,
    PostCmdErr,
    LogCmd,
    LogCmdErr,
}

/// What a command handler returns (`PR_DECLINED`/`PR_HANDLED`/`PR_ERROR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModRet {
    /// Not handled here: dispatch goes on to the next handler.
    Declined,
    /// Handled successfully.
    Handled,
    /// Handled and failed: the queued error replies are sent, and the
    /// POST_CMD_ERR and LOG_CMD_ERR phases run.
    Error,
}

/// A command handler.
pub type CmdFn = fn(&mut CmdCtx<'_>) -> ModRet;

/// One command handler a module registers.
#[derive(Debug, Clone, Copy)]
pub struct CmdEntry {
    pub phase: Phase,
    /// The verb (`RETR`, `OPTS_UTF8`, `SITE_CHMOD`); `"*"` matches any.
    pub command: &'static str,
    /// The `<Limit>` group (DIRS, READ, WRITE), if any.
    pub group: Option<CmdGroup>,
    /// Whether the command needs a completed login (else `530 Please login
    /// with USER and PASS`).
    pub requires_auth: bool,
    /// Logging classes, for ExtendedLog.
    pub class: CmdClass,
    pub handler: CmdFn,
}

impl CmdEntry {
    /// A CMD-phase entry, the common case.
    pub const fn cmd(
        command: &'static str,
        group: Option<CmdGroup>,
        requires_auth: bool,
        class: CmdClass,
        handler: CmdFn,
    ) -> CmdEntry {
        CmdEntry {
            phase: Phase::Cmd,
            command,
            group,
            requires_auth,
            class,
            handler,
        }
    }

    /// An entry for another phase, with no group and no auth requirement.
    pub const fn hook(phase: Phase, command: &'static str, handler: CmdFn) -> CmdEntry {
        CmdEntry {
            phase,
            command,
            group: None,
            requires_auth: false,
            class: CmdClass::NONE,
            handler,
        }
    }

    /// An entry for another phase that is only reached after login: before
    /// it, the dispatcher answers `530` in its place, as for a CMD entry
    /// with `requires_auth` (so a command with such a hook in its error
    /// phase gets a second `530`, as RNTO does on 1.3.8).
    pub const fn hook_auth(phase: Phase, command: &'static str, handler: CmdFn) -> CmdEntry {
        CmdEntry {
            phase,
            command,
            group: None,
            requires_auth: true,
            class: CmdClass::NONE,
            handler,
        }
    }

    /// Whether this entry applies to `verb` (exact, case-insensitive, or `*`).
    pub fn matches(&self, verb: &str) -> bool {
        self.command == "*" || self.command.eq_ignore_ascii_case(verb)
    }
}

/// One line of `HELP` (ProFTPD's `pr_help_add`).
#[derive(Debug, Clone, Copy)]
pub struct HelpEntry {
    pub command: &'static str,
    /// The syntax shown by `HELP <cmd>`.
    pub syntax: &'static str,
    /// Unimplemented commands are listed with a `*`.
    pub implemented: bool,
}

/// Errors from a module's `init` or `sess_init`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{module}: {message}")]
pub struct InitError {
    pub module: &'static str,
    pub message: String,
}

/// What a module's `init` can register in the master.
pub struct MasterRegistrar<'a> {
    pub config: &'a ConfigTree,
    /// Session-side event listeners (inherited by every session).
    pub session_events: Vec<(&'static str, SessionEventFn)>,
}

impl MasterRegistrar<'_> {
    /// Listens to `event` in every session.
    pub fn on_session_event(&mut self, event: &'static str, f: SessionEventFn) {
        self.session_events.push((event, f));
    }
}

/// Runs in the master after the config is parsed.
pub type InitFn = fn(&mut MasterRegistrar<'_>) -> Result<(), InitError>;
/// Runs in a session child after fork, before the greeting.
pub type SessInitFn = fn(&mut Session, &mut dyn SessionHost) -> Result<(), InitError>;

/// A module: its name, version and tables.
#[derive(Debug, Clone, Copy)]
pub struct ModuleDef {
    /// The name without `.c` (`mod_core`); `proftpd -l` prints `mod_core.c`.
    pub name: &'static str,
    /// Shown by `proftpd -vv` as `mod_core/<version>`; empty for none.
    pub version: &'static str,
    pub api_version: u32,
    pub directives: &'static [DirectiveEntry],
    pub commands: &'static [CmdEntry],
    pub auth: Option<&'static AuthTable>,
    pub help: &'static [HelpEntry],
    pub init: Option<InitFn>,
    pub sess_init: Option<SessInitFn>,
}

impl ModuleDef {
    /// An empty module, the base for struct-update syntax in `const`s.
    pub const EMPTY: ModuleDef = ModuleDef {
        name: "",
        version: "",
        api_version: crate::API_VERSION,
        directives: &[],
        commands: &[],
        auth: None,
        help: &[],
        init: None,
        sess_init: None,
    };

    /// `mod_x.c`, the spelling of `-l`, `<IfModule>` and `AuthOrder`.
    pub fn file_name(&self) -> String {
        format!("{}.c", self.name)
    }

    /// Whether `name` (`mod_x` or `mod_x.c`) names this module.
    pub fn is_named(&self, name: &str) -> bool {
        let bare = name.strip_suffix(".c").unwrap_or(name);
        bare == self.name
    }
}
