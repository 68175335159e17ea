//! The session's [`SessionHost`]: how modules reach the socket, timers,
//! events and the privileged helpers in `privs` and `compat`.

use std::io::{self, Write};
use std::net::TcpStream;
use std::os::fd::AsFd;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use proftpd_api::data::{DataSource, Direction, ListenRequest, XferOptions, XferOutcome};
use proftpd_api::reply::{MultilineStyle, ReplyLine, format_reply};
use proftpd_api::session::{HostError, Identity, Session, SessionHost, Shadow, Timer};

use super::End;
use super::control::ControlIo;
use super::data::DataChannel;
use super::timers::{self, Timers};

/// How long one reply may take to leave (the whole reply, not each
/// write): a client that reads too slowly for this long is gone.
const WRITE_WAIT: Duration = Duration::from_secs(30);

/// How long a closing session keeps reading what the client still sends,
/// so that its last reply is not destroyed by a reset (ms).
const LINGER_MS: u64 = 1_000;
/// The most a closing session reads and discards while lingering.
const LINGER_MAX_BYTES: usize = 1 << 20;

/// The runtime's side of a session.
pub struct Host {
    /// The control connection's write side (non-blocking; writes wait with
    /// poll(2)).
    control: TcpStream,
    /// The multi-line style of the session, copied before each dispatch.
    pub multiline: MultilineStyle,
    pub timers: Timers,
    /// Events emitted by handlers, delivered by the loop once the handler
    /// has returned (listeners need the session the handler holds).
    pub pending_events: Vec<(String, String)>,
    /// Set when a write failed: the session must end.
    pub broken: bool,
    /// Why the session must end, found while a handler was running (a
    /// signal, a timer or a stall during a transfer, a closed control
    /// connection); the loop ends the session once the handler returns.
    pub(crate) end: Option<End>,
    /// Nothing more is written to the client: the session is ending at
    /// once (a stalled transfer: no reply, as 1.3.8; SIGTERM; an expired
    /// timer after its 421), so the interrupted command's reply must not
    /// follow.
    pub silenced: bool,
    /// The control connection's read side, signals and poll; `None` until
    /// the session loop starts (module `sess_init`s, the banner).
    pub io: Option<ControlIo>,
    /// The data connection: PASV/PORT setup, the open socket, buffers.
    pub(super) data: DataChannel,
    /// Whether TimeoutNoTransfer was armed after the login.
    pub no_transfer_armed: bool,
}

impl Host {
    pub fn new(control: TcpStream) -> Host {
        Host {
            control,
            multiline: MultilineStyle::Plain,
            timers: Timers::default(),
            pending_events: Vec::new(),
            broken: false,
            end: None,
            silenced: false,
            io: None,
            data: DataChannel::default(),
            no_transfer_armed: false,
        }
    }

    /// Writes bytes to the client, waiting for room when the socket is
    /// full; marks the session broken on failure. The whole write gets one
    /// deadline ([`WRITE_WAIT`]), and the wait also wakes for SIGTERM and
    /// the session's timers, so a client that reads slowly cannot hold the
    /// session past them.
    pub fn write(&mut self, mut data: &[u8]) {
        if self.silenced {
            return;
        }
        let deadline = Instant::now() + WRITE_WAIT;
        while !data.is_empty() && !self.broken {
            match self.control.write(data) {
                Ok(0) => self.broken = true,
                Ok(n) => data = &data[n..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if !self.wait_writable(deadline) {
                        self.broken = true;
                    }
                }
                Err(e) => {
                    log::debug!("writing to control connection: {e}");
                    self.broken = true;
                }
            }
        }
    }

    /// Waits until the control socket takes more bytes; `false` when the
    /// deadline passed, a timer expired or SIGTERM arrived first.
    fn wait_writable(&mut self, deadline: Instant) -> bool {
        loop {
            let now = Instant::now();
            let left = deadline.saturating_duration_since(now);
            if left.is_zero() {
                log::info!("client stopped reading replies, closing control connection");
                return false;
            }
            let timer = self.timers.poll_timeout(now);
            if timer == Some(Duration::ZERO) {
                log::info!("a timer expired while the client was not reading replies");
                return false;
            }
            let wait = timer.map_or(left, |t| t.min(left));
            let ms = u16::try_from(wait.as_millis().max(1)).unwrap_or(u16::MAX);
            let (out_ready, io_ready) = {
                let mut fds = vec![PollFd::new(self.control.as_fd(), PollFlags::POLLOUT)];
                if let Some(io) = self.io.as_ref() {
                    fds.push(PollFd::new(io.poll_as_fd(), PollFlags::POLLIN));
                }
                match poll(&mut fds, PollTimeout::from(ms)) {
                    Ok(_) => {}
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(e) => {
                        log::debug!("poll on control connection: {e}");
                        return false;
                    }
                }
                let ready = |fd: &PollFd| fd.revents().is_some_and(|r| !r.is_empty());
                (ready(&fds[0]), fds.get(1).is_some_and(ready))
            };
            if let Some(io) = self.io.as_mut().filter(|_| io_ready) {
                if let Err(e) = io.poll_once(Some(Duration::ZERO)) {
                    log::debug!("poll: {e}");
                    return false;
                }
                if io.term {
                    self.end.get_or_insert(End::Signal(nix::libc::SIGTERM));
                    // SIGTERM ends the session without another word.
                    self.silenced = true;
                    return false;
                }
            }
            if out_ready {
                return true;
            }
        }
    }

    /// Sends the 421 of the earliest expired timer and tells its listeners;
    /// returns whether one had expired (the session must then end).
    pub fn fire_expired_timer(&mut self, session: &mut Session) -> bool {
        let Some((timer, secs)) = self.timers.expired(Instant::now()) else {
            return false;
        };
        let (text, event) = timers::timeout_reply(timer, secs);
        log::info!("Client session {text}");
        self.send(&[ReplyLine {
            code: 421,
            text: text.into(),
        }]);
        super::events::deliver(session, event, "");
        self.end.get_or_insert(End::Timeout);
        // The 421 is the last thing the client hears (the interrupted
        // command's own reply would follow it otherwise).
        self.silenced = true;
        true
    }

    /// Ends the connection so that the last reply reaches the client.
    ///
    /// Closing a socket with unread input makes the kernel answer with a
    /// reset, which discards data the client has not read yet: a client
    /// still sending (a command flood, a pipelined batch) would lose the
    /// final 421 or 221. So: send our FIN first, then read and discard what
    /// the client sends until it closes, for a bounded time and amount.
    pub fn linger_close(&mut self) {
        use std::io::Read;
        if self.control.shutdown(std::net::Shutdown::Write).is_err() {
            return;
        }
        let deadline = Instant::now() + std::time::Duration::from_millis(LINGER_MS);
        let mut buf = [0u8; 16 * 1024];
        let mut discarded = 0usize;
        while discarded < LINGER_MAX_BYTES {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match (&self.control).read(&mut buf) {
                Ok(0) => break,
                Ok(n) => discarded += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    let ms = u16::try_from(left.as_millis()).unwrap_or(u16::MAX);
                    let mut fds = [PollFd::new(self.control.as_fd(), PollFlags::POLLIN)];
                    match poll(&mut fds, PollTimeout::from(ms)) {
                        Ok(0) => break,
                        Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                        Err(_) => break,
                    }
                }
                Err(_) => break,
            }
        }
    }

    /// Formats and writes reply lines.
    pub fn send(&mut self, lines: &[ReplyLine]) {
        if lines.is_empty() {
            return;
        }
        let bytes = format_reply(lines, self.multiline);
        self.write(&bytes);
    }
}

impl SessionHost for Host {
    fn send_now(&mut self, lines: &[ReplyLine]) {
        self.send(lines);
    }

    fn shadow(&mut self, name: &str) -> Option<Shadow> {
        let _root = crate::privs::RootGuard::new();
        crate::compat::shadow::getspnam(name)
    }

    fn crypt_check(&mut self, password: &[u8], hash: &str) -> bool {
        crate::compat::crypt::verify(password, hash)
    }

    fn read_file_as_root(&mut self, path: &Path) -> io::Result<Vec<u8>> {
        let _root = crate::privs::RootGuard::new();
        std::fs::read(path)
    }

    fn become_user(&mut self, identity: &Identity) -> Result<(), HostError> {
        crate::privs::become_user(identity).map_err(|e| HostError(e.to_string()))
    }

    fn set_timer(&mut self, timer: Timer, secs: Option<u32>) {
        self.timers.set(timer, secs, Instant::now());
    }

    fn emit(&mut self, event: &str, arg: &str) {
        self.pending_events
            .push((event.to_string(), arg.to_string()));
    }

    fn data_listen(&mut self, req: &ListenRequest) -> io::Result<std::net::SocketAddr> {
        self.listen(req)
    }

    fn data_set_active(&mut self, target: std::net::SocketAddr) {
        self.set_active(target);
    }

    fn data_pending(&self) -> bool {
        self.data.pending()
    }

    fn data_clear(&mut self) {
        self.clear_setup();
    }

    fn data_open(&mut self, session: &mut Session, dir: Direction) -> io::Result<()> {
        self.open(session, dir)
    }

    fn data_write(
        &mut self,
        session: &mut Session,
        src: DataSource<'_>,
        opts: &XferOptions,
    ) -> XferOutcome {
        self.send_data(session, src, opts)
    }

    fn data_read(
        &mut self,
        session: &mut Session,
        file: &mut std::fs::File,
        opts: &XferOptions,
    ) -> XferOutcome {
        self.receive_data(session, file, opts)
    }

    fn data_close(&mut self) {
        self.close_data();
    }

    fn data_abort(&mut self) -> bool {
        self.abort_data()
    }
}
