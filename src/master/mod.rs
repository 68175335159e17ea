//! The standalone master (ARCHITECTURE §4.1, spec/admin.md §2).
//!
//! Lifecycle, in the order [`run`] does it:
//! 1. open the log (errors still reach the terminal), bind the listeners;
//! 2. daemonize unless `-n`/`-X` ([`daemonize`]), write the PidFile, the
//!    `--port-file`, log STARTUP;
//! 3. one single-threaded mio loop over the listeners and the signals
//!    (CHLD HUP TERM INT through signal-hook's self-pipe) — the master
//!    never starts a thread, which is what makes [`fork::fork`] sound;
//! 4. per connection: MaxInstances, then fork; the child drops the
//!    master's Poll, listeners and signal registrations *without
//!    deregistering anything* (the epoll instance is shared across fork:
//!    a deregister in the child would silently stop the master's accepts)
//!    and runs `session::run`;
//! 5. SIGHUP reparses and diffs the listeners; SIGTERM/SIGINT stop.

pub mod fork;
pub mod listen;

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use nix::sys::signal::{SigSet, SigmaskHow, Signal, kill, sigprocmask};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid};
use signal_hook::consts::{SIGCHLD, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
use signal_hook_mio::v1_0::Signals;

use mod_core::keys;
use proftpd_api::config::{ConfigTree, CtxId};
use proftpd_api::module::ModuleDef;
use proftpd_api::{PROFTPD_STATUS, PROFTPD_VERSION};

use crate::cli::{self, Options};
use crate::logging::{self, LogSettings};
use crate::session::{self, SessionStart};

use listen::{BindPolicy, Want};

/// Everything the master starts from (built by the CLI).
pub struct MasterStart {
    pub opts: Options,
    pub config: ConfigTree,
    pub modules: Arc<[&'static ModuleDef]>,
    pub log: LogSettings,
    pub hostname: String,
}

/// The poll token of the signal pipe; listeners use 1, 2, ...
const SIGNALS: Token = Token(0);

/// A bound listener and what it was bound for.
struct Listener {
    want: Want,
    sock: TcpListener,
    token: Token,
}

/// The master's long-lived state.
struct Master {
    opts: Options,
    /// The config new sessions start from; replaced on a good SIGHUP.
    config: Arc<ConfigTree>,
    modules: Arc<[&'static ModuleDef]>,
    hostname: String,
    listeners: Vec<Listener>,
    next_token: usize,
    /// Live session children (MaxInstances counts these).
    children: HashSet<Pid>,
    /// Where the pid was written, removed at shutdown.
    pid_file: Option<PathBuf>,
}

/// Runs every module's `init` in the master (load order) against `tree`
/// and hands the session-event listeners they registered to the session
/// runtime, which every child inherits through fork. Called at startup and
/// after each successful reparse.
pub fn init_modules(
    tree: &ConfigTree,
    modules: &[&'static ModuleDef],
) -> Result<(), proftpd_api::module::InitError> {
    let mut reg = proftpd_api::module::MasterRegistrar {
        config: tree,
        session_events: Vec::new(),
    };
    for m in modules {
        if let Some(init) = m.init {
            init(&mut reg)?;
        }
    }
    session::events::set_listeners(reg.session_events);
    Ok(())
}

/// A server's FQDN for the log prefix.
pub fn server_fqdn(tree: &ConfigTree, server: CtxId, opts: &Options, hostname: &str) -> String {
    listen::fqdn(tree, server, opts.serveraddr.as_deref(), hostname)
}

/// The STARTUP line's build stamp part.
fn startup_line() -> String {
    format!(
        "ProFTPD {PROFTPD_VERSION} ({PROFTPD_STATUS}) (built {}) standalone mode STARTUP",
        cli::build_stamp()
    )
}

/// Runs the standalone daemon; returns the exit status.
pub fn run(start: MasterStart) -> i32 {
    let MasterStart {
        opts,
        config,
        modules,
        mut log,
        hostname,
    } = start;
    if opts.nofork {
        // -X is a debugging mode: stay in the foreground.
        log.nodaemon = true;
    }
    if let Err(e) = logging::configure(&log) {
        log::error!("{e}");
        return 1;
    }
    let mut master = Master {
        opts,
        config: Arc::new(ConfigTree::default()),
        modules,
        hostname,
        listeners: Vec::new(),
        next_token: 1,
        children: HashSet::new(),
        pid_file: None,
    };
    let mut config = config;
    if let Err(e) = master.bind_all(&mut config) {
        e.log_startup();
        return 1;
    }
    // No listener at all (every server has Port 0) is not an error in
    // 1.3.8: the daemon starts and idles.
    master.config = Arc::new(config);

    if !log.nodaemon {
        match daemonize() {
            Ok(true) => {}
            // The parent's work is done; the daemon carries on.
            Ok(false) => return 0,
            Err(e) => {
                log::error!("fatal: unable to daemonize: {e}");
                return 1;
            }
        }
    }
    let lp = if master.opts.nofork {
        None
    } else {
        match master.setup_loop() {
            Ok(lp) => Some(lp),
            Err(e) => {
                log::error!("fatal: unable to set up the master loop: {e}");
                return 1;
            }
        }
    };
    let main = master.config.main_server();
    let pid_path = master
        .config
        .get(main, &keys::PID_FILE)
        .cloned()
        .unwrap_or_else(|| PathBuf::from(cli::DEFAULT_PID_FILE));
    match write_atomically(&pid_path, &format!("{}\n", std::process::id())) {
        Ok(()) => master.pid_file = Some(pid_path),
        Err(e) => log::warn!(
            "unable to open PidFile '{}': {}",
            pid_path.display(),
            logging::strerror(&e)
        ),
    }
    if let Some(pf) = master.opts.port_file.clone() {
        if let Err(e) = master.write_port_file(&pf) {
            log::error!("unable to write port file '{}': {e}", pf.display());
        }
    }
    log::info!("{}", startup_line());

    let Some((poll, signals)) = lp else {
        return master.serve_one();
    };
    match master.serve(poll, signals) {
        Ok(code) => code,
        Err(e) => {
            log::error!("fatal: master loop failed: {e}");
            master.remove_pid_file();
            1
        }
    }
}

/// Detaches from the terminal: fork (the parent returns `false` and
/// exits), `setsid`, `chdir /`, stdio to /dev/null.
fn daemonize() -> io::Result<bool> {
    match fork::fork().map_err(io::Error::from)? {
        ForkResult::Parent { .. } => return Ok(false),
        ForkResult::Child => {}
    }
    nix::unistd::setsid().map_err(io::Error::from)?;
    std::env::set_current_dir("/")?;
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    nix::unistd::dup2_stdin(&null).map_err(io::Error::from)?;
    nix::unistd::dup2_stdout(&null).map_err(io::Error::from)?;
    nix::unistd::dup2_stderr(&null).map_err(io::Error::from)?;
    Ok(true)
}

/// Writes `text` to `path` via a temporary file and a rename, so a reader
/// never sees a half-written file.
///
/// The master runs as root and the temporary name is predictable (the
/// PidFile often sits in a shared directory), so the temporary file is
/// created fresh (`O_EXCL`, never through a symlink): a link planted at
/// that name is removed, not followed into some other file.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;

    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp.{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .and_then(|()| std::fs::rename(&tmp, path));
    written.inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Whether an `accept` error concerns only the one connection, so the
/// loop must go on to the next: the listeners are edge-triggered, and
/// returning would leave every connection still queued behind it waiting
/// for some later client to wake the listener (a client that resets
/// before it is accepted could stall the queue).
fn accept_again(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::Interrupted
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) || e.raw_os_error() == Some(libc::EPROTO)
}

/// Why binding failed, with ProFTPD's wording.
#[derive(Debug, thiserror::Error)]
#[error("Failed binding to {}, port {}: {why}", .addr.ip(), .addr.port())]
struct BindError {
    addr: SocketAddr,
    why: String,
}

impl BindError {
    /// The advice 1.3.8 logs after a failed bind at startup.
    fn log_startup(&self) {
        let (ip, port) = (self.addr.ip(), self.addr.port());
        log::error!("{self}");
        log::error!("Check the ServerType directive to ensure you are configured correctly");
        log::error!(
            "Check to see if inetd/xinetd, or another proftpd instance, is already using \
             {ip}, port {port}"
        );
        log::error!("Unable to start proftpd; check logs for more details");
    }
}

impl Master {
    fn policy(&self, tree: &ConfigTree) -> BindPolicy {
        listen::policy(
            tree,
            self.opts.ipv4,
            self.opts.ipv6,
            self.opts.port_file.is_some(),
        )
    }

    fn wants(&self, tree: &ConfigTree, pol: &BindPolicy) -> Vec<Want> {
        listen::wants(tree, pol, self.opts.serveraddr.as_deref(), &self.hostname)
    }

    /// Binds what `tree` asks for, keeping sockets already bound for the
    /// same want (SIGHUP) and closing the ones no longer wanted. On error
    /// nothing changes. Ephemeral ports are recorded into `tree`.
    fn bind_all(&mut self, tree: &mut ConfigTree) -> Result<(), BindError> {
        let pol = self.policy(tree);
        let wants = self.wants(tree, &pol);
        let mut old: HashMap<Want, Listener> = self
            .listeners
            .drain(..)
            .map(|l| (l.want.clone(), l))
            .collect();
        let mut new = Vec::new();
        // A server's first ephemeral port, reused for its other addresses.
        let mut ephemeral: HashMap<CtxId, u16> = HashMap::new();
        let mut failed = None;
        for want in wants {
            if let Some(l) = old.remove(&want) {
                new.push((l, true));
            } else {
                let port = want.owner.and_then(|s| ephemeral.get(&s).copied());
                match listen::bind(&want, port, pol.backlog) {
                    Ok(sock) => {
                        let token = Token(self.next_token);
                        self.next_token += 1;
                        new.push((Listener { want, sock, token }, false));
                    }
                    Err(e) => {
                        failed = Some(BindError {
                            addr: want.addr,
                            why: logging::strerror(&e),
                        });
                        break;
                    }
                }
            }
            // Kept or new, an ephemeral socket's port goes into the tree
            // (a reparsed tree says Port 0 again).
            if let Some((l, _)) = new.last() {
                if let (Some(server), Ok(local)) = (l.want.owner, l.sock.local_addr()) {
                    ephemeral.entry(server).or_insert(local.port());
                }
            }
        }
        if let Some(e) = failed {
            // Put back what was running; drop what this attempt bound.
            self.listeners = new
                .into_iter()
                .filter_map(|(l, reused)| reused.then_some(l))
                .collect();
            self.listeners.extend(old.into_values());
            return Err(e);
        }
        for (server, port) in ephemeral {
            listen::record_port(tree, server, port);
        }
        // Removed ones close when `old` drops.
        self.listeners = new.into_iter().map(|(l, _)| l).collect();
        Ok(())
    }

    fn write_port_file(&self, path: &Path) -> io::Result<()> {
        let mut text = String::new();
        for l in &self.listeners {
            let a = l.sock.local_addr()?;
            text.push_str(&format!("{a}\n"));
        }
        write_atomically(path, &text)
    }

    fn remove_pid_file(&mut self) {
        if let Some(p) = self.pid_file.take() {
            let _ = std::fs::remove_file(p);
        }
    }

    fn register_all(&self, poll: &Poll) -> io::Result<()> {
        for l in &self.listeners {
            poll.registry().register(
                &mut SourceFd(&l.sock.as_raw_fd()),
                l.token,
                Interest::READABLE,
            )?;
        }
        Ok(())
    }

    /// `-X`: one connection, served in this process.
    fn serve_one(&mut self) -> i32 {
        let Some(l) = self.listeners.first() else {
            return 1;
        };
        let _ = l.sock.set_nonblocking(false);
        let stream = match l.sock.accept() {
            Ok((s, _)) => s,
            Err(e) => {
                log::error!("fatal: accept failed: {e}");
                self.remove_pid_file();
                return 1;
            }
        };
        self.listeners.clear();
        let code = session::run(SessionStart {
            config: self.config.clone(),
            modules: self.modules.clone(),
            control: stream,
        });
        self.remove_pid_file();
        code
    }

    /// The accept/signal loop; returns the exit status at shutdown.
    /// The poll and the signal handlers. Set up before the PidFile and the
    /// port file exist: whoever reads those may signal at once, and a
    /// SIGHUP or SIGTERM arriving before the handlers would kill the daemon
    /// (default action) without its shutdown.
    fn setup_loop(&self) -> io::Result<(Poll, Signals)> {
        let poll = Poll::new()?;
        // USR1/USR2 are taken so that their default action (terminate)
        // never kills the daemon: 1.3.8 ignores USR1 in the master and
        // turns USR2 into a module event (no module listens yet).
        let mut signals =
            Signals::new([SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2])?;
        poll.registry()
            .register(&mut signals, SIGNALS, Interest::READABLE)?;
        self.register_all(&poll)?;
        Ok((poll, signals))
    }

    fn serve(&mut self, mut poll: Poll, mut signals: Signals) -> io::Result<i32> {
        let mut events = Events::with_capacity(64);
        loop {
            if let Err(e) = poll.poll(&mut events, None) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            let mut ready: Vec<Token> = Vec::new();
            let mut signalled = false;
            for ev in events.iter() {
                if ev.token() == SIGNALS {
                    signalled = true;
                } else {
                    ready.push(ev.token());
                }
            }
            if signalled {
                let pending: Vec<i32> = signals.pending().collect();
                for sig in pending {
                    match sig {
                        SIGCHLD => self.reap(),
                        SIGHUP => self.restart(&poll),
                        SIGTERM | SIGINT | SIGQUIT => {
                            self.shutdown(sig);
                            return Ok(0);
                        }
                        _ => {}
                    }
                }
            }
            for token in ready {
                self.accept_on(token, &mut poll, &mut signals);
            }
        }
    }

    /// Accepts every pending connection on the listener of `token`.
    fn accept_on(&mut self, token: Token, poll: &mut Poll, signals: &mut Signals) {
        loop {
            let Some(l) = self.listeners.iter().find(|l| l.token == token) else {
                return;
            };
            let stream = match l.sock.accept() {
                Ok((s, _)) => s,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if accept_again(&e) => continue,
                Err(e) => {
                    log::error!("error accepting connection: {e}");
                    return;
                }
            };
            let main = self.config.main_server();
            let max = self
                .config
                .get(main, &keys::MAX_INSTANCES)
                .copied()
                .unwrap_or(0);
            if max > 0 && self.children.len() >= max as usize {
                log::warn!("MaxInstances ({max}) reached, new connection denied");
                drop(stream);
                continue;
            }
            self.spawn(stream, poll, signals);
        }
    }

    /// Forks a session child for `stream`.
    fn spawn(&mut self, stream: TcpStream, poll: &mut Poll, signals: &mut Signals) {
        // Block the master's signals around fork so that neither side
        // handles one half-way (the child has not yet dropped the master's
        // handlers; the parent has not yet recorded the pid it reaps).
        let mut mask = SigSet::empty();
        for s in [
            Signal::SIGCHLD,
            Signal::SIGHUP,
            Signal::SIGTERM,
            Signal::SIGINT,
            Signal::SIGQUIT,
            Signal::SIGUSR1,
            Signal::SIGUSR2,
        ] {
            mask.add(s);
        }
        let mut old = SigSet::empty();
        let _ = sigprocmask(SigmaskHow::SIG_BLOCK, Some(&mask), Some(&mut old));
        match fork::fork() {
            Ok(ForkResult::Parent { child }) => {
                self.children.insert(child);
                drop(stream);
                let _ = sigprocmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
            }
            Ok(ForkResult::Child) => {
                let code = self.child(stream, poll, signals, &old);
                std::process::exit(code);
            }
            Err(e) => {
                let _ = sigprocmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
                log::error!("unable to fork(): {e}");
            }
        }
    }

    /// In the forked child: shed the master's resources, run the session.
    fn child(
        &mut self,
        stream: TcpStream,
        poll: &mut Poll,
        signals: &mut Signals,
        old_mask: &SigSet,
    ) -> i32 {
        // Replace the master's Poll with a fresh one and drop the old: that
        // closes this process's copy of the shared epoll fd without any
        // deregister (which would edit the master's interest set).
        if let Ok(fresh) = Poll::new() {
            drop(std::mem::replace(poll, fresh));
        }
        // Unregister the master's signal actions in this process and close
        // our copies of its self-pipe (a signal here must never wake the
        // master); dropping it unregisters. signal-hook keeps its OS
        // handler installed, so the
        // session's own `Signals` works; signals it does not register are
        // dropped by that handler, like SIG_IGN.
        if let Ok(inert) = Signals::new(std::iter::empty::<i32>()) {
            drop(std::mem::replace(signals, inert));
        }
        self.listeners.clear();
        self.children.clear();
        self.pid_file = None;
        let _ = sigprocmask(SigmaskHow::SIG_SETMASK, Some(old_mask), None);
        let start = SessionStart {
            config: self.config.clone(),
            modules: self.modules.clone(),
            control: stream,
        };
        // A panicking session must not unwind into the master's frames.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session::run(start))).unwrap_or(1)
    }

    /// SIGCHLD: reap every exited child, never blocking.
    fn reap(&mut self) {
        loop {
            match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(pid, _)) | Ok(WaitStatus::Signaled(pid, _, _)) => {
                    self.children.remove(&pid);
                }
                Ok(WaitStatus::StillAlive) | Err(_) => return,
                Ok(_) => {}
            }
        }
    }

    /// SIGHUP: reparse; keep the old config if the new one is bad.
    fn restart(&mut self, poll: &Poll) {
        log::info!("received SIGHUP -- master server reparsing configuration file");
        let Some(mut tree) = cli::load_config(&self.opts, &self.modules) else {
            log::warn!("configuration reload failed; keeping the running configuration");
            return;
        };
        if let Err(e) = init_modules(&tree, &self.modules) {
            log::error!("{e}; keeping the running configuration");
            let _ = init_modules(&self.config, &self.modules);
            return;
        }
        let before: HashSet<Token> = self.listeners.iter().map(|l| l.token).collect();
        if let Err(e) = self.bind_all(&mut tree) {
            log::error!("{e}; keeping the running configuration");
            let _ = init_modules(&self.config, &self.modules);
            return;
        }
        for l in &self.listeners {
            if !before.contains(&l.token) {
                let _ = poll.registry().register(
                    &mut SourceFd(&l.sock.as_raw_fd()),
                    l.token,
                    Interest::READABLE,
                );
            }
        }
        let settings = cli::log_settings(&self.opts, &tree);
        if let Err(e) = logging::configure(&settings) {
            log::error!("{e}");
        }
        let main = tree.main_server();
        logging::set_server_name(&server_fqdn(&tree, main, &self.opts, &self.hostname));
        self.config = Arc::new(tree);
        if let Some(pf) = self.opts.port_file.clone() {
            if let Err(e) = self.write_port_file(&pf) {
                log::error!("unable to write port file '{}': {e}", pf.display());
            }
        }
    }

    /// SIGTERM/SIGINT/SIGQUIT: stop listening, stop the children, clean up.
    fn shutdown(&mut self, sig: i32) {
        log::info!("ProFTPD killed (signal {sig})");
        self.listeners.clear();
        for pid in &self.children {
            let _ = kill(*pid, Signal::SIGTERM);
        }
        self.remove_pid_file();
        log::info!("ProFTPD {PROFTPD_VERSION} standalone mode SHUTDOWN");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_goes_on_past_a_connection_that_died_in_the_queue() {
        for errno in [
            libc::EINTR,
            libc::ECONNABORTED,
            libc::ECONNRESET,
            libc::EPROTO,
        ] {
            assert!(
                accept_again(&io::Error::from_raw_os_error(errno)),
                "{errno}"
            );
        }
        // Process-wide trouble stops the loop (retrying would spin).
        for errno in [libc::EMFILE, libc::ENFILE, libc::ENOBUFS, libc::EBADF] {
            assert!(
                !accept_again(&io::Error::from_raw_os_error(errno)),
                "{errno}"
            );
        }
    }

    #[test]
    fn write_atomically_never_follows_a_planted_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious\n").expect("victim");
        let pid_file = dir.path().join("proftpd.pid");
        let tmp = dir
            .path()
            .join(format!("proftpd.pid.tmp.{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &tmp).expect("symlink");

        write_atomically(&pid_file, "42\n").expect("written");

        assert_eq!(
            std::fs::read_to_string(&victim).expect("read"),
            "precious\n"
        );
        assert_eq!(std::fs::read_to_string(&pid_file).expect("read"), "42\n");
        assert!(!tmp.exists() && std::fs::symlink_metadata(&tmp).is_err());
    }
}
