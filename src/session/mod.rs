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

pub mod dispatch;
pub mod events;
pub mod host;
pub mod rdns;
pub mod reader;
pub mod server;
pub mod timers;

use std::io::{self, Read};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token};
use signal_hook::consts::{SIGHUP, SIGTERM, SIGUSR1};
use signal_hook_mio::v1_0::Signals;

use proftpd_api::config::ConfigTree;
use proftpd_api::log_target;
use proftpd_api::module::ModuleDef;
use proftpd_api::reply::ReplyLine;
use proftpd_api::session::{CapsPolicy, Disconnect, Session, Timer};

use mod_core::keys::{COMMAND_BUFFER_SIZE, GROUP, TIMEOUT_IDLE, UMASK, USE_REVERSE_DNS, USER};

use dispatch::Outcome;
use host::Host;
use reader::{LineReader, MAX_TOO_LONG, ReadEvent};

/// Everything a session child starts from.
pub struct SessionStart {
    pub config: Arc<ConfigTree>,
    pub modules: Arc<[&'static ModuleDef]>,
    /// The control connection (accepted by the master, or fd 0 under inetd).
    pub control: TcpStream,
}

const CONTROL: Token = Token(0);
const SIGNALS: Token = Token(1);

/// ProFTPD's default `TimeoutIdle`.
const DEFAULT_TIMEOUT_IDLE: u32 = 600;
/// Bytes read from the control socket at a time.
const READ_CHUNK: usize = 16 * 1024;
/// The pause after each over-long command chunk (ProFTPD sleeps 250 ms,
/// which slows a client that floods the control channel).
const TOO_LONG_PAUSE: Duration = Duration::from_millis(250);

/// Why the loop stopped.
#[derive(Debug)]
enum End {
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
    control.set_nonblocking(true)?;
    let mut stream = mio::net::TcpStream::from_std(control);
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut stream, CONTROL, Interest::READABLE)?;
    let mut signals = Signals::new([SIGTERM, SIGUSR1, SIGHUP])?;
    poll.registry()
        .register(&mut signals, SIGNALS, Interest::READABLE)?;

    let buffer_size = session
        .server_get(&COMMAND_BUFFER_SIZE)
        .copied()
        .unwrap_or(reader::DEFAULT_BUFFER_SIZE);
    let mut control = Control {
        stream,
        reader: LineReader::new(buffer_size),
        too_long: 0,
        buf: vec![0u8; READ_CHUNK],
    };
    let mut events = Events::with_capacity(8);
    // Input may remain unread after a bounded turn of reading: then poll
    // only looks for signals and the control socket is read again at once.
    let mut input_pending = false;

    loop {
        let timeout = if input_pending {
            Some(Duration::ZERO)
        } else {
            host.timers.poll_timeout(Instant::now())
        };
        if let Err(e) = poll.poll(&mut events, timeout) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        let mut readable = input_pending;
        for ev in events.iter() {
            match ev.token() {
                SIGNALS => {
                    for sig in signals.pending() {
                        match sig {
                            SIGTERM => return Ok(End::Signal(sig)),
                            // SIGUSR1 asks the session to look at
                            // /etc/shutmsg (ftpshut); with no shutdown
                            // pending 1.3.8 carries on (observed), and so
                            // do we until the shutmsg check exists.
                            SIGUSR1 => log::debug!("SIGUSR1: no shutdown pending"),
                            _ => {} // SIGHUP: sessions ignore it.
                        }
                    }
                }
                CONTROL => readable = true,
                _ => {}
            }
        }
        if readable {
            match control.read_turn(session, host) {
                Ok(more) => input_pending = more,
                Err(end) => return Ok(end),
            }
        }
        let now = Instant::now();
        if let Some((timer, secs)) = host.timers.expired(now) {
            let (text, event) = timers::timeout_reply(timer, secs);
            log::info!("Client session {text}");
            host.send(&[ReplyLine {
                code: 421,
                text: text.into(),
            }]);
            events::deliver(session, event, "");
            return Ok(End::Timeout);
        }
    }
}

/// Chunks read from the control socket per loop turn. The socket is
/// edge-triggered, so a turn would otherwise read until it is empty: a
/// client that keeps it full (a stream of NOOPs) would starve the timers
/// (TimeoutLogin, TimeoutSession) and SIGTERM, which are only looked at
/// between turns.
const READS_PER_TURN: usize = 4;

/// The control connection's read side and line state.
struct Control {
    stream: mio::net::TcpStream,
    reader: LineReader,
    /// Over-long chunks since the last good line.
    too_long: u32,
    buf: Vec<u8>,
}

impl Control {
    /// Reads and handles up to [`READS_PER_TURN`] chunks. `Ok(true)` when
    /// the socket may still hold input (it was not read empty); `Err` ends
    /// the session.
    fn read_turn(&mut self, session: &mut Session, host: &mut Host) -> Result<bool, End> {
        for _ in 0..READS_PER_TURN {
            let n = match self.stream.read(&mut self.buf) {
                Ok(0) => return Err(End::Eof),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    log::debug!("reading the control connection: {e}");
                    return Err(End::Eof);
                }
            };
            let mut input = &self.buf[..n];
            while let Some(ev) = self.reader.next_event(&mut input) {
                let telnet = self.reader.take_telnet_replies();
                if !telnet.is_empty() {
                    host.write(&telnet);
                }
                match ev {
                    ReadEvent::TooLong { ended } => {
                        self.too_long += 1;
                        if ended {
                            log::warn!("client sent too-long command, ignoring");
                        }
                        std::thread::sleep(TOO_LONG_PAUSE);
                        if self.too_long > MAX_TOO_LONG {
                            return Err(End::Refused);
                        }
                    }
                    ReadEvent::Line(line) => {
                        self.too_long = 0;
                        if let Some(end) = handle_line(session, host, &line) {
                            return Err(end);
                        }
                    }
                }
                if host.broken {
                    return Err(End::Eof);
                }
            }
        }
        Ok(true)
    }
}

/// Dispatches one line and sends its replies; `Some` ends the session.
fn handle_line(session: &mut Session, host: &mut Host, line: &[u8]) -> Option<End> {
    host.multiline = session.multiline;
    let outcome = dispatch::dispatch_line(session, host, line);
    deliver_events(session, host);
    match outcome {
        Outcome::Drop => return Some(End::Refused),
        Outcome::Reply(lines) => {
            host.multiline = session.multiline;
            host.send(&lines);
        }
    }
    host.timers.rearm(Timer::Idle, Instant::now());
    if let Some(d) = session.disconnect.take() {
        return Some(End::Disconnect(d));
    }
    if host.broken {
        return Some(End::Eof);
    }
    None
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
