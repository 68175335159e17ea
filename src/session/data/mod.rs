//! The data connection (ProFTPD's `src/data.c`), behind the
//! `SessionHost::data_*` methods of [`Host`].
//!
//! * PASV/EPSV: [`Host::listen`] binds the listener ([`ports`]); PORT/EPRT:
//!   [`Host::set_active`] remembers the target.
//! * [`Host::open`] accepts (only from the allowed peer; a connection from
//!   anywhere else is closed and the wait goes on) or connects (from the
//!   control port minus one when privileges allow), waiting at most
//!   TimeoutStalled.
//! * [`xfer`] moves the bytes; [`inflight`] says what a command line gets
//!   while they move.
//!
//! Every wait goes through [`Host::wait`], which also watches the control
//! connection (ABOR, QUIT, STAT...), SIGTERM and the session's timers.

mod inflight;
mod ports;
mod xfer;

use std::collections::VecDeque;
use std::io;
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use mio::Interest;
use socket2::{Domain, Socket, Type};

use proftpd_api::data::{Direction, ListenRequest, XferOptions, ascii};
use proftpd_api::reply::ReplyLine;
use proftpd_api::session::{Session, Timer};

use super::End;
use super::control::Item;
use super::host::Host;
use super::reader::{MAX_TOO_LONG, ReadEvent};

/// What PASV/EPSV or PORT/EPRT set up for the next transfer.
#[derive(Debug, Default)]
enum Setup {
    #[default]
    None,
    /// Listening; only `peer` may connect (`None`: anyone,
    /// `AllowForeignAddress on`).
    Passive {
        listener: TcpListener,
        peer: Option<IpAddr>,
    },
    /// Connect to this address.
    Active(SocketAddr),
}

/// An open data connection.
#[derive(Debug)]
struct Conn {
    stream: TcpStream,
    /// When it opened: the transfer's elapsed time counts from here.
    opened: Instant,
    /// Whether it is registered in the session's poll.
    watched: bool,
}

/// The data-connection state of a session.
#[derive(Debug, Default)]
pub struct DataChannel {
    setup: Setup,
    conn: Option<Conn>,
    /// Set by ABOR (`data_abort`) while a transfer runs: its loop stops.
    aborted: bool,
    /// Set when ABOR or QUIT arrived while the connection was being
    /// opened: the wait ends, the line is handled after the command.
    open_cancelled: bool,
    /// Set when TimeoutStalled passed while the connection was being
    /// opened (not a kernel ETIMEDOUT): the session then ends.
    open_stalled: bool,
    /// Control input read during a data phase and not handled yet.
    fresh: VecDeque<Item>,
    /// TYPE A send state of this connection (a CR may end one write and
    /// its LF begin the next).
    to_crlf: ascii::ToCrlf,
    /// The transfer buffer, allocated on first use and reused.
    buf: Vec<u8>,
    /// The ASCII translation buffer, reused.
    out: Vec<u8>,
    /// The splice pipe of binary receives (read end, write end), reused
    /// while it is known to be empty.
    pipe: Option<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)>,
}

impl DataChannel {
    /// Whether a PASV/PORT setup waits for a transfer.
    pub fn pending(&self) -> bool {
        !matches!(self.setup, Setup::None)
    }
}

/// Why a wait returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    /// The data socket (or listener) reported an event.
    Data,
    /// The deadline passed.
    Deadline,
    /// The transfer must stop: ABOR, QUIT, SIGTERM, a timer, EOF on the
    /// control connection, or (while opening) a cancelling line.
    Stop,
}

/// Which control lines a wait acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The connection is being opened: ABOR/QUIT cancel, the rest waits.
    Opening,
    /// A transfer runs: lines are answered or dispatched at once.
    Transfer,
}

/// An IPv4-mapped IPv6 address as IPv4, so the two forms compare equal.
fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        ip => ip,
    }
}

/// An OS error as `io::Error`.
fn os_err(errno: i32) -> io::Error {
    io::Error::from_raw_os_error(errno)
}

impl Host {
    /// PASV/EPSV: see `SessionHost::data_listen`.
    pub(super) fn listen(&mut self, req: &ListenRequest) -> io::Result<SocketAddr> {
        self.clear_setup();
        let listener = ports::bind_passive(req.addr, req.ports)?;
        let addr = listener.local_addr()?;
        self.data.setup = Setup::Passive {
            listener,
            peer: req.peer.map(unmapped),
        };
        Ok(addr)
    }

    /// PORT/EPRT: see `SessionHost::data_set_active`.
    pub(super) fn set_active(&mut self, target: SocketAddr) {
        self.clear_setup();
        self.data.setup = Setup::Active(target);
    }

    /// Forgets the PASV/PORT setup (closing a listener).
    pub(super) fn clear_setup(&mut self) {
        self.data.setup = Setup::None;
    }

    /// Opens the data connection: see `SessionHost::data_open`.
    pub(super) fn open(&mut self, session: &mut Session, _dir: Direction) -> io::Result<()> {
        self.drop_conn(Some(Shutdown::Both));
        self.data.aborted = false;
        self.data.open_cancelled = false;
        self.data.open_stalled = false;
        self.data.to_crlf = ascii::ToCrlf::default();
        self.timers.rearm(Timer::NoTransfer, Instant::now());
        let stalled = XferOptions::for_session(session).stalled;
        let deadline = stalled.map(|d| Instant::now() + d);
        let res = match std::mem::take(&mut self.data.setup) {
            Setup::Passive { listener, peer } => {
                self.accept_from(session, listener, peer, deadline)
            }
            Setup::Active(target) => self.connect_to(session, target, deadline),
            // RFC 959: with no PORT, the client's control address and port.
            Setup::None => self.connect_to(session, session.peer_addr, deadline),
        };
        let stream = match res {
            Ok(s) => s,
            Err(e) => {
                if std::mem::take(&mut self.data.open_stalled) {
                    self.stall(stalled);
                }
                self.requeue_fresh();
                return Err(e);
            }
        };
        // Already non-blocking (accept4 / the connecting socket). It joins
        // the poll only when it first has to be waited for (`watch_conn`):
        // a small transfer never needs it. Nagle stays on: sends are large
        // or end with the close, which pushes any held bytes out at once.
        self.data.conn = Some(Conn {
            stream,
            opened: Instant::now(),
            watched: false,
        });
        self.timers.rearm(Timer::NoTransfer, Instant::now());
        Ok(())
    }

    /// Accepts the data connection on the PASV listener. A connection
    /// from another address than `peer` is closed and the wait goes on,
    /// so nobody can steal the transfer by racing the client to the port.
    fn accept_from(
        &mut self,
        session: &mut Session,
        listener: TcpListener,
        peer: Option<IpAddr>,
        deadline: Option<Instant>,
    ) -> io::Result<TcpStream> {
        // mio's accept is accept4(SOCK_NONBLOCK | SOCK_CLOEXEC).
        let listener = mio::net::TcpListener::from_std(listener);
        let mut watched = false;
        let res = loop {
            match listener.accept() {
                Ok((stream, from)) => {
                    let ip = unmapped(from.ip());
                    if peer.is_some_and(|p| p != ip) {
                        log::warn!(
                            "SECURITY VIOLATION: Passive connection from {ip} rejected (expected {}).",
                            peer.map(|p| p.to_string()).unwrap_or_default()
                        );
                        let _ = stream.shutdown(Shutdown::Both);
                        continue;
                    }
                    break Ok(TcpStream::from(std::os::fd::OwnedFd::from(stream)));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // A connection reset while in the queue: keep waiting.
                Err(e) if e.raw_os_error() == Some(nix::libc::ECONNABORTED) => continue,
                Err(e) => break Err(e),
            }
            if !watched {
                // Registered only once the client is late (usually it has
                // connected before its RETR arrives).
                if let Some(io) = self.io.as_mut() {
                    if let Err(e) = io.watch_data(listener.as_raw_fd(), Interest::READABLE) {
                        break Err(e);
                    }
                }
                watched = true;
                continue;
            }
            if let Err(e) = self.wait_opening(session, deadline) {
                break Err(e);
            }
        };
        if let Some(io) = self.io.as_mut().filter(|_| watched) {
            io.unwatch_data();
        }
        res
    }

    /// Connects to `target` for an active transfer, from the control
    /// connection's local address and port minus one when that port can
    /// be bound (ProFTPD's L-1; below 1024 it takes root or
    /// CAP_NET_BIND_SERVICE), else from an ephemeral port.
    fn connect_to(
        &mut self,
        session: &mut Session,
        target: SocketAddr,
        deadline: Option<Instant>,
    ) -> io::Result<TcpStream> {
        let local = unmapped(session.local_addr.ip());
        let local = if local.is_ipv4() == target.is_ipv4() {
            local
        } else if target.is_ipv4() {
            IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
        } else {
            IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
        };
        let l_minus_1 = session.local_addr.port().checked_sub(1).filter(|&p| p > 0);
        if let Some(port) = l_minus_1 {
            if let Some(sock) = active_socket(SocketAddr::new(local, port), target) {
                match self.connect_socket(session, sock, target, deadline) {
                    Err(e)
                        if matches!(
                            e.raw_os_error(),
                            Some(nix::libc::EADDRNOTAVAIL | nix::libc::EADDRINUSE)
                        ) =>
                    {
                        log::debug!("active connection from port {port}: {e}; using any port");
                    }
                    res => return res,
                }
            }
        }
        let sock = Socket::new(Domain::for_address(target), Type::STREAM, None)?;
        sock.bind(&SocketAddr::new(local, 0).into())?;
        self.connect_socket(session, sock, target, deadline)
    }

    /// Connects `sock` without blocking, waiting (and watching the control
    /// connection) until it is up.
    fn connect_socket(
        &mut self,
        session: &mut Session,
        sock: Socket,
        target: SocketAddr,
        deadline: Option<Instant>,
    ) -> io::Result<TcpStream> {
        sock.set_nonblocking(true)?;
        match sock.connect(&target.into()) {
            Ok(()) => return Ok(sock.into()),
            Err(e) if e.raw_os_error() == Some(nix::libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        if let Some(io) = self.io.as_mut() {
            io.watch_data(sock.as_raw_fd(), Interest::WRITABLE)?;
        }
        let res = loop {
            if let Some(e) = sock.take_error()? {
                break Err(e);
            }
            if sock.peer_addr().is_ok() {
                break Ok(());
            }
            if let Err(e) = self.wait_opening(session, deadline) {
                break Err(e);
            }
        };
        if let Some(io) = self.io.as_mut() {
            io.unwatch_data();
        }
        res.map(|()| sock.into())
    }

    /// `TimeoutStalled` passed with nothing moving: ProFTPD logs it and
    /// ends the session at once, without a reply (observed on 1.3.8).
    fn stall(&mut self, stalled: Option<Duration>) {
        let secs = stalled.map_or(0, |d| d.as_secs());
        log::info!("Data transfer stall timeout: {secs} seconds");
        self.drop_conn(Some(Shutdown::Both));
        self.end = Some(End::Stalled);
        self.silenced = true;
    }

    /// Closes the data connection after a transfer: see
    /// `SessionHost::data_close`.
    pub(super) fn close_data(&mut self) {
        // A plain close is the orderly one: the FIN follows the last
        // queued byte (a shutdown first would only cost a syscall).
        self.drop_conn(None);
        self.requeue_fresh();
        let now = Instant::now();
        self.timers.rearm(Timer::NoTransfer, now);
        self.timers.rearm(Timer::Idle, now);
    }

    /// ABOR: see `SessionHost::data_abort`.
    pub(super) fn abort_data(&mut self) -> bool {
        self.clear_setup();
        if self.data.conn.is_none() {
            return false;
        }
        self.drop_conn(Some(Shutdown::Both));
        self.data.aborted = true;
        // 1.3.8's text, with its full stop (observed).
        self.send(&[ReplyLine {
            code: 426,
            text: "Transfer aborted. Data connection closed.".into(),
        }]);
        true
    }

    /// Registers the data socket in the session's poll, before the first
    /// wait for it.
    fn watch_conn(&mut self) -> io::Result<()> {
        let (Some(conn), Some(io)) = (self.data.conn.as_mut(), self.io.as_mut()) else {
            return Ok(());
        };
        if !conn.watched {
            io.watch_data(
                conn.stream.as_raw_fd(),
                Interest::READABLE | Interest::WRITABLE,
            )?;
            conn.watched = true;
        }
        Ok(())
    }

    /// Unregisters and closes the data socket, if open; `how` shuts it
    /// down first (an abort: both ways, so a peer blocked on it wakes).
    fn drop_conn(&mut self, how: Option<Shutdown>) {
        if let Some(conn) = self.data.conn.take() {
            if let Some(io) = self.io.as_mut().filter(|_| conn.watched) {
                io.unwatch_data();
            }
            if let Some(how) = how {
                let _ = conn.stream.shutdown(how);
            }
        }
    }

    /// Hands control input the data phase did not handle back to the
    /// session loop, after what it already holds.
    fn requeue_fresh(&mut self) {
        if self.data.fresh.is_empty() {
            return;
        }
        match self.io.as_mut() {
            Some(io) => io.queue.extend(self.data.fresh.drain(..)),
            None => self.data.fresh.clear(),
        }
    }

    /// Whether the running data phase must stop now.
    fn must_stop(&self, session: &Session) -> bool {
        self.data.aborted
            || self.data.open_cancelled
            || session.disconnect.is_some()
            || self.end.is_some()
            || self.broken
            || self.io.as_ref().is_some_and(|io| io.eof)
    }

    /// [`Self::wait`] while a data connection is being set up: the
    /// deadline is `ETIMEDOUT` (and marks the open as stalled), a stop
    /// (ABOR, QUIT, SIGTERM, a timer) is `ECONNABORTED`.
    fn wait_opening(&mut self, session: &mut Session, deadline: Option<Instant>) -> io::Result<()> {
        match self.wait(session, deadline, Phase::Opening) {
            Wake::Data => Ok(()),
            Wake::Deadline => {
                self.data.open_stalled = true;
                Err(os_err(nix::libc::ETIMEDOUT))
            }
            Wake::Stop => Err(os_err(nix::libc::ECONNABORTED)),
        }
    }

    /// Waits for the data socket until `deadline`, watching the control
    /// connection, SIGTERM and the timers meanwhile.
    fn wait(&mut self, session: &mut Session, deadline: Option<Instant>, phase: Phase) -> Wake {
        loop {
            if phase == Phase::Transfer {
                self.handle_fresh(session);
            }
            if self.must_stop(session) {
                return Wake::Stop;
            }
            let now = Instant::now();
            if self.fire_expired_timer(session) {
                return Wake::Stop;
            }
            let Some(io) = self.io.as_mut() else {
                // No session loop (a unit test without a control
                // connection): retry after a short pause.
                std::thread::sleep(Duration::from_millis(5));
                return Wake::Data;
            };
            if std::mem::take(&mut io.data_ready) {
                return Wake::Data;
            }
            if deadline.is_some_and(|d| d <= now) {
                return Wake::Deadline;
            }
            let mut timeout = self.timers.poll_timeout(now);
            if let Some(d) = deadline {
                let left = d.saturating_duration_since(now);
                timeout = Some(timeout.map_or(left, |t| t.min(left)));
            }
            if io.readable {
                timeout = Some(Duration::ZERO);
            }
            if let Err(e) = io.poll_once(timeout) {
                log::debug!("poll: {e}");
                io.eof = true;
                continue;
            }
            if io.term {
                self.end.get_or_insert(End::Signal(nix::libc::SIGTERM));
                // SIGTERM ends the session without another word.
                self.silenced = true;
                continue;
            }
            if io.readable {
                io.read_turn(&mut self.data.fresh);
                if phase == Phase::Opening {
                    self.check_open_cancel();
                }
            }
        }
    }

    /// While opening: ABOR or QUIT among the new lines cancels the open;
    /// every line then goes back to the session loop, in order, to be
    /// handled after the command fails.
    fn check_open_cancel(&mut self) {
        let cancel = self.data.fresh.iter().any(|item| match item {
            Item::Event(ReadEvent::Line(line)) => inflight::cancels_open(line),
            _ => false,
        });
        if cancel {
            self.data.open_cancelled = true;
            self.requeue_fresh();
        }
    }

    /// Handles control input read during a transfer, in order, until the
    /// transfer must stop (the rest then waits for the session loop).
    fn handle_fresh(&mut self, session: &mut Session) {
        while !self.must_stop(session) {
            let Some(item) = self.data.fresh.pop_front() else {
                return;
            };
            match item {
                Item::Telnet(bytes) => self.write(&bytes),
                Item::Event(ReadEvent::TooLong { ended }) => {
                    if ended {
                        log::warn!("client sent too-long command, ignoring");
                    }
                    let Some(io) = self.io.as_mut() else { continue };
                    io.too_long += 1;
                    if io.too_long > MAX_TOO_LONG {
                        self.end.get_or_insert(End::Refused);
                    }
                }
                Item::Event(ReadEvent::Line(line)) => {
                    if let Some(io) = self.io.as_mut() {
                        io.too_long = 0;
                    }
                    self.inflight_line(session, &line);
                }
            }
        }
    }

    /// One line read while a transfer runs.
    fn inflight_line(&mut self, session: &mut Session, line: &[u8]) {
        match inflight::classify(line) {
            inflight::Inflight::Busy(verb) => self.send(&[ReplyLine {
                code: 450,
                text: format!("{verb}: data transfer in progress").into(),
            }]),
            inflight::Inflight::Noop => self.send(&[ReplyLine {
                code: 200,
                text: "NOOP: data transfer in progress".into(),
            }]),
            inflight::Inflight::Abort => {
                if self.abort_data() {
                    // Back in front: handled once the transfer is over.
                    self.data
                        .fresh
                        .push_front(Item::Event(ReadEvent::Line(line.to_vec())));
                } else {
                    super::dispatch_nested(session, self, line);
                }
            }
            inflight::Inflight::Dispatch => super::dispatch_nested(session, self, line),
        }
    }
}

/// A socket bound to `from` (the control port minus one) with
/// SO_REUSEADDR, as root when the port needs it; `None` when the port
/// cannot be had (then any port is used).
fn active_socket(from: SocketAddr, target: SocketAddr) -> Option<Socket> {
    let sock = Socket::new(Domain::for_address(target), Type::STREAM, None).ok()?;
    sock.set_reuse_address(true).ok()?;
    let res = if from.port() < 1024 {
        let _root = crate::privs::RootGuard::new();
        sock.bind(&from.into())
    } else {
        sock.bind(&from.into())
    };
    match res {
        Ok(()) => Some(sock),
        Err(e) => {
            log::debug!("binding {from} for an active data connection: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests;
