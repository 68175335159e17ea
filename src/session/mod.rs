//! A session child: the control channel loop (ARCHITECTURE §4.3).
//!
//! [`run`] picks the server for the connection, builds the
//! [`Session`], runs every module's `sess_init` (mod_core's queues the
//! banner), drops to the daemon's `User`/`Group`, and then serves commands
//! in a single-threaded mio loop over the control socket, the session's
//! signals and its timers, until QUIT, a timeout, a signal or EOF.
//!
//! The process is a fresh fork of the master: everything here is created
//! anew (Poll, signal registrations); nothing of the master's is touched.

pub mod control;
mod data;
pub mod dispatch;
pub mod events;
pub mod host;
pub mod rdns;
pub mod reader;
pub mod server;
pub mod timers;

use std::io;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use proftpd_api::config::ConfigTree;
use proftpd_api::log_target;
use proftpd_api::module::ModuleDef;
use proftpd_api::reply::ReplyLine;
use proftpd_api::session::{CapsPolicy, Disconnect, Session, Timer};

use mod_core::keys::{COMMAND_BUFFER_SIZE, GROUP, TIMEOUT_IDLE, UMASK, USE_REVERSE_DNS, USER};

use control::{ControlIo, Item};
use dispatch::Outcome;
use host::Host;
use reader::{MAX_TOO_LONG, ReadEvent};

/// Everything a session child starts from.
pub struct SessionStart {
    pub config: Arc<ConfigTree>,
    pub modules: Arc<[&'static ModuleDef]>,
    /// The control connection (accepted by the master, or fd 0 under inetd).
    pub control: TcpStream,
}

/// ProFTPD's default `TimeoutIdle`.
const DEFAULT_TIMEOUT_IDLE: u32 = 600;
/// The pause after each over-long command chunk (ProFTPD sleeps 250 ms,
/// which slows a client that floods the control channel).
const TOO_LONG_PAUSE: Duration = Duration::from_millis(250);

/// Why the loop stopped.
#[derive(Debug)]
pub(crate) enum End {
    /// The client closed, or a write failed.
    Eof,
    /// QUIT or a module's disconnect.
    Disconnect(Disconnect),
    /// A timer expired (its 421 was sent).
    Timeout,
    /// SIGTERM (ftpdctl kick, master shutdown).
    Signal(i32),
    /// The client spoke another protocol, or sent too many over-long lines.
    Refused,
    /// TimeoutStalled during a data transfer (or while waiting for the
    /// data connection): logged, no reply.
    Stalled,
}

/// Runs one session to its end; returns the process exit status.
pub fn run(start: SessionStart) -> i32 {
    let SessionStart {
        config,
        modules,
        control,
    } = start;
    let (local, peer) = match (control.local_addr(), control.peer_addr()) {
        (Ok(l), Ok(p)) => (l, p),
        (Err(e), _) | (_, Err(e)) => {
            log::info!("control connection lost before the session started: {e}");
            return 0;
        }
    };
    let writer = match control.try_clone() {
        Ok(w) => w,
        Err(e) => {
            log::error!("cannot duplicate the control socket: {e}");
            return 1;
        }
    };
    let mut host = Host::new(writer);

    let Some(server) = server::select(&config, local) else {
        let ip = local.ip();
        host.send(&[ReplyLine {
            code: 500,
            text: format!("Sorry, no server available to handle request on {ip}.").into(),
        }]);
        log::info!("no server available to handle request on {ip}, closing connection");
        return 0;
    };
    set_socket_options(&control);

    // session.auth_modules is left empty: mod_auth's sess_init fills it
    // (AuthOrder, else module priority); only mod_auth dispatches auth.
    let mut session = Session::new(config, modules.clone(), server, local, peer);
    resolve_names(&mut session);
    set_log_prefix(&session);
    log::info!(target: log_target::INFO, "FTP session opened.");
    apply_umask(&session);

    for m in modules.iter() {
        if let Some(init) = m.sess_init {
            if let Err(e) = init(&mut session, &mut host) {
                log::error!("{}: session initialisation failed: {e}", m.file_name());
                return finish(&mut session, &mut host, End::Eof);
            }
            deliver_events(&mut session, &mut host);
        }
    }
    // The daemon's User/Group (and mod_cap's trim) before the banner: a
    // session that cannot give up root must not serve anyone.
    let ids = daemon_ids(&session);
    let policy = caps_policy(&session);
    if let Err(e) = enter_daemon_ids(&mut session, ids, &policy, crate::privs::session_drop_with) {
        log::error!("{e}");
        return finish(&mut session, &mut host, End::Refused);
    }
    flush(&mut session, &mut host, false);

    let idle = session
        .server_get(&TIMEOUT_IDLE)
        .copied()
        .unwrap_or(DEFAULT_TIMEOUT_IDLE);
    host.timers.set(Timer::Idle, Some(idle), Instant::now());

    let end = if host.broken {
        End::Eof
    } else {
        match serve(&mut session, &mut host, control) {
            Ok(end) => end,
            Err(e) => {
                log::error!("session loop failed: {e}");
                End::Eof
            }
        }
    };
    finish(&mut session, &mut host, end)
}

/// With `UseReverseDNS` on (the default), the client's verified name
/// becomes `session.peer_name` (logs, STAT, `%R`) and the server's DNS
/// name `session.server_fqdn` (logs, HELP's `root@localhost` on 1.3.8);
/// the addresses stand in otherwise.
fn resolve_names(session: &mut Session) {
    let enabled = session.main_get(&USE_REVERSE_DNS).copied().unwrap_or(true);
    if !enabled {
        return;
    }
    if let Some(name) = rdns::verified_name(session.peer_addr.ip(), rdns::REVERSE_DNS_DEADLINE) {
        session.peer_name = name;
    }
    let hostname = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    session.server_fqdn = Some(crate::master::listen::fqdn(
        &session.config,
        session.server,
        None,
        &hostname,
    ));
}

/// Every later log line names the server and the client as ProFTPD's do:
/// `<server> (<client-name>[<client-ip>])`. With reverse DNS the server
/// part is the server's FQDN (`localhost` on 1.3.8 for 127.0.0.1, the name
/// the master logs under); without it, the local address.
fn set_log_prefix(session: &Session) {
    let server = session
        .server_fqdn
        .clone()
        .unwrap_or_else(|| session.local_ip());
    crate::logging::set_session_prefix(&server, &session.peer_name, &session.peer_ip());
}

/// Logs the end of the session; returns the exit status.
fn finish(session: &mut Session, host: &mut Host, end: End) -> i32 {
    match &end {
        End::Disconnect(Disconnect::Fatal(msg)) => log::error!("{msg}"),
        End::Disconnect(Disconnect::MaxLoginAttempts) => {}
        End::Signal(sig) => log::info!("session ended by signal {sig}"),
        End::Stalled => session.replies.clear(),
        _ => {}
    }
    flush(session, host, false);
    host.linger_close();
    log::info!(target: log_target::INFO, "FTP session closed.");
    0
}

/// Control socket options (ARCHITECTURE §4.3): urgent data in-band so a
/// Telnet IP/Synch before ABOR reads as ordinary bytes, no Nagle delay on
/// replies, keepalive to notice vanished clients.
fn set_socket_options(control: &TcpStream) {
    let sock = socket2::SockRef::from(control);
    for (what, res) in [
        ("SO_OOBINLINE", sock.set_out_of_band_inline(true)),
        ("TCP_NODELAY", sock.set_tcp_nodelay(true)),
        ("SO_KEEPALIVE", sock.set_keepalive(true)),
    ] {
        if let Err(e) = res {
            log::debug!("setting {what} on the control connection: {e}");
        }
    }
}

/// The process umask becomes the configured file `Umask`, as in ProFTPD,
/// so that files and directories created by any module get it.
fn apply_umask(session: &Session) {
    if let Some(u) = session.get(&UMASK) {
        let mode = nix::sys::stat::Mode::from_bits_truncate(u.file as nix::libc::mode_t);
        nix::sys::stat::umask(mode);
    }
}

/// The serving server's `User`/`Group` ids (a `<VirtualHost>` may name
/// its own; else the main server's); `None` when not running as root or
/// when either is unset (ProFTPD then stays root).
fn daemon_ids(session: &Session) -> Option<(u32, u32)> {
    if !nix::unistd::geteuid().is_root() {
        return None;
    }
    let uid = session
        .server_get(&USER)
        .or_else(|| session.main_get(&USER))
        .and_then(|name| nix::unistd::User::from_name(name).ok().flatten())
        .map(|u| u.uid.as_raw())?;
    let gid = session
        .server_get(&GROUP)
        .or_else(|| session.main_get(&GROUP))
        .and_then(|name| nix::unistd::Group::from_name(name).ok().flatten())
        .map(|g| g.gid.as_raw())?;
    Some((uid, gid))
}

/// mod_cap's `CapabilitiesEngine`/`CapabilitiesSet` for the serving server,
/// applied by the pre-login drop.
fn caps_policy(session: &Session) -> CapsPolicy {
    #[cfg(feature = "mod_cap")]
    {
        mod_cap::policy(&session.config, session.server).0
    }
    #[cfg(not(feature = "mod_cap"))]
    {
        let _ = session;
        CapsPolicy::default()
    }
}

/// The privilege call of [`enter_daemon_ids`]: `privs::session_drop_with`,
/// or a stand-in in tests.
type DropFn = fn(u32, u32, &CapsPolicy) -> Result<(), crate::privs::PrivError>;

/// Drops the effective ids to `ids` with `policy`. On failure the queued
/// banner is discarded and the error names the ids: the caller ends the
/// session without a greeting.
fn enter_daemon_ids(
    session: &mut Session,
    ids: Option<(u32, u32)>,
    policy: &CapsPolicy,
    drop: DropFn,
) -> Result<(), String> {
    let Some((uid, gid)) = ids else {
        return Ok(());
    };
    drop(uid, gid, policy).map_err(|e| {
        session.replies.clear();
        format!("unable to drop privileges to uid {uid}, gid {gid}: {e}; ending session")
    })
}

/// Sends the queued replies (the error list when `failed`).
fn flush(session: &mut Session, host: &mut Host, failed: bool) {
    let lines = session.replies.take(failed);
    host.multiline = session.multiline;
    host.send(&lines);
}

/// Delivers events handlers emitted through the host.
fn deliver_events(session: &mut Session, host: &mut Host) {
    while !host.pending_events.is_empty() {
        for (ev, arg) in std::mem::take(&mut host.pending_events) {
            events::deliver(session, &ev, &arg);
        }
    }
}

/// The mio loop; returns why the session ended.
fn serve(session: &mut Session, host: &mut Host, control: TcpStream) -> io::Result<End> {
    let buffer_size = session
        .server_get(&COMMAND_BUFFER_SIZE)
        .copied()
        .unwrap_or(reader::DEFAULT_BUFFER_SIZE);
    host.io = Some(ControlIo::new(control, buffer_size, true)?);

    loop {
        // Input already read is handled first, in order; the queue holds
        // at most one bounded read turn (or what a data phase gave back).
        while let Some(item) = host.io.as_mut().and_then(|io| io.queue.pop_front()) {
            if let Some(end) = handle_item(session, host, item) {
                return Ok(end);
            }
        }
        let Some(io) = host.io.as_mut() else {
            return Ok(End::Eof);
        };
        if io.eof {
            return Ok(End::Eof);
        }
        let timeout = if io.readable {
            Some(Duration::ZERO)
        } else {
            host.timers.poll_timeout(Instant::now())
        };
        io.poll_once(timeout)?;
        if io.term {
            return Ok(End::Signal(nix::libc::SIGTERM));
        }
        if io.readable {
            let mut into = std::mem::take(&mut io.queue);
            io.read_turn(&mut into);
            io.queue = into;
        }
        if host.fire_expired_timer(session) {
            return Ok(host.end.take().unwrap_or(End::Timeout));
        }
    }
}

/// Handles one item of control input; `Some` ends the session.
fn handle_item(session: &mut Session, host: &mut Host, item: Item) -> Option<End> {
    match item {
        Item::Telnet(bytes) => host.write(&bytes),
        Item::Event(ReadEvent::TooLong { ended }) => {
            if ended {
                log::warn!("client sent too-long command, ignoring");
            }
            std::thread::sleep(TOO_LONG_PAUSE);
            let io = host.io.as_mut()?;
            io.too_long += 1;
            if io.too_long > MAX_TOO_LONG {
                return Some(End::Refused);
            }
        }
        Item::Event(ReadEvent::Line(line)) => {
            if let Some(io) = host.io.as_mut() {
                io.too_long = 0;
            }
            return handle_line(session, host, &line);
        }
    }
    host.broken.then_some(End::Eof)
}

/// Dispatches one line and sends its replies; `Some` ends the session.
fn handle_line(session: &mut Session, host: &mut Host, line: &[u8]) -> Option<End> {
    host.multiline = session.multiline;
    let outcome = dispatch::dispatch_line(session, host, line);
    deliver_events(session, host);
    if let Some(End::Stalled) = host.end {
        // ProFTPD ends the session at the stall, before any reply.
        session.replies.clear();
        return host.end.take();
    }
    match outcome {
        Outcome::Drop => return Some(End::Refused),
        Outcome::Reply(lines) => {
            host.multiline = session.multiline;
            host.send(&lines);
        }
    }
    let now = Instant::now();
    host.timers.rearm(Timer::Idle, now);
    arm_no_transfer(session, host);
    if let Some(d) = session.disconnect.take() {
        return Some(End::Disconnect(d));
    }
    if let Some(end) = host.end.take() {
        return Some(end);
    }
    if host.broken {
        return Some(End::Eof);
    }
    None
}

/// A line read while a transfer runs and dispatched then (STAT, ABOR,
/// QUIT, ...): its replies go out at once, and the replies the transfer
/// command has queued so far are kept for it. A QUIT leaves
/// `session.disconnect` set, which stops the transfer and then ends the
/// session.
fn dispatch_nested(session: &mut Session, host: &mut Host, line: &[u8]) {
    let saved = std::mem::take(&mut session.replies);
    let saved_multiline = host.multiline;
    host.multiline = session.multiline;
    let outcome = dispatch::dispatch_line(session, host, line);
    deliver_events(session, host);
    match outcome {
        Outcome::Drop => {
            host.end.get_or_insert(End::Refused);
        }
        Outcome::Reply(lines) => {
            host.multiline = session.multiline;
            host.send(&lines);
        }
    }
    session.replies = saved;
    host.multiline = saved_multiline;
    host.timers.rearm(Timer::Idle, Instant::now());
}

/// TimeoutNoTransfer runs from the login on (re-armed whenever a data
/// connection opens or a transfer moves bytes).
fn arm_no_transfer(session: &Session, host: &mut Host) {
    if session.authenticated && !host.no_transfer_armed {
        host.no_transfer_armed = true;
        let secs = session
            .get(&proftpd_api::data::TIMEOUT_NO_TRANSFER)
            .copied()
            .unwrap_or(proftpd_api::data::DEFAULT_TIMEOUT_NO_TRANSFER);
        host.timers
            .set(Timer::NoTransfer, Some(secs), Instant::now());
    }
}

#[cfg(test)]
mod drop_tests {
    use super::{CapsPolicy, enter_daemon_ids};
    use crate::privs::PrivError;
    use proftpd_api::config::ConfigTree;
    use proftpd_api::testing::session_over;

    fn failing(_: u32, _: u32, _: &CapsPolicy) -> Result<(), PrivError> {
        Err(PrivError::Syscall {
            op: "seteuid",
            errno: nix::errno::Errno::EPERM,
        })
    }

    fn working(_: u32, _: u32, _: &CapsPolicy) -> Result<(), PrivError> {
        Ok(())
    }

    #[test]
    fn a_failed_drop_ends_the_session_without_a_banner() {
        let mut s = session_over(&[], ConfigTree::new());
        s.replies.add(220, "banner");
        let err = enter_daemon_ids(
            &mut s,
            Some((65534, 65534)),
            &CapsPolicy::default(),
            failing,
        )
        .expect_err("the drop failed");
        assert!(err.contains("uid 65534, gid 65534"), "{err}");
        assert!(!s.replies.has_ok(), "the banner must not be sent");
    }

    #[test]
    fn the_drop_keeps_the_banner_and_passes_the_policy() {
        let mut s = session_over(&[], ConfigTree::new());
        s.replies.add(220, "banner");
        assert!(enter_daemon_ids(&mut s, Some((1, 1)), &CapsPolicy::default(), working).is_ok());
        assert!(s.replies.has_ok());
        // No User/Group (or not root): nothing to drop, nothing called.
        assert!(enter_daemon_ids(&mut s, None, &CapsPolicy::default(), failing).is_ok());
    }
}
