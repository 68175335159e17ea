//! The session's [`SessionHost`]: how modules reach the socket, timers,
//! events and the privileged helpers in `privs` and `compat`.

use std::io::{self, Write};
use std::net::TcpStream;
use std::os::fd::AsFd;
use std::path::Path;
use std::time::Instant;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use proftpd_api::data::{DataSource, Direction, ListenRequest, XferEnd, XferOptions, XferOutcome};
use proftpd_api::reply::{MultilineStyle, ReplyLine, format_reply};
use proftpd_api::session::{HostError, Identity, Session, SessionHost, Shadow, Timer};

use super::timers::Timers;

/// How long one write may wait for the client to make room (ms): a client
/// that stops reading for this long is gone.
const WRITE_WAIT_MS: u16 = 30_000;

/// How long a closing session keeps reading what the client still sends,
/// so that its last reply is not destroyed by a reset (ms).
const LINGER_MS: u64 = 1_000;
/// The most a closing session reads and discards while lingering.
const LINGER_MAX_BYTES: usize = 1 << 20;

/// The runtime's side of a session.
pub struct Host {
    /// The control connection (non-blocking; writes wait with poll(2)).
    control: TcpStream,
    /// The multi-line style of the session, copied before each dispatch.
    pub multiline: MultilineStyle,
    pub timers: Timers,
    /// Events emitted by handlers, delivered by the loop once the handler
    /// has returned (listeners need the session the handler holds).
    pub pending_events: Vec<(String, String)>,
    /// Set when a write failed: the session must end.
    pub broken: bool,
}

impl Host {
    pub fn new(control: TcpStream) -> Host {
        Host {
            control,
            multiline: MultilineStyle::Plain,
            timers: Timers::default(),
            pending_events: Vec::new(),
            broken: false,
        }
    }

    /// Writes bytes to the client, waiting for room when the socket is
    /// full; marks the session broken on failure.
    pub fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() && !self.broken {
            match self.control.write(data) {
                Ok(0) => self.broken = true,
                Ok(n) => data = &data[n..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    let mut fds = [PollFd::new(self.control.as_fd(), PollFlags::POLLOUT)];
                    match poll(&mut fds, PollTimeout::from(WRITE_WAIT_MS)) {
                        Ok(0) => {
                            log::info!(
                                "client stopped reading replies, closing control connection"
                            );
                            self.broken = true;
                        }
                        Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                        Err(e) => {
                            log::debug!("poll on control connection: {e}");
                            self.broken = true;
                        }
                    }
                }
                Err(e) => {
                    log::debug!("writing to control connection: {e}");
                    self.broken = true;
                }
            }
        }
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

    // The data channel lands with src/session/data.rs (issue 3); until
    // then every data command fails cleanly with 425.
    fn data_listen(&mut self, _req: &ListenRequest) -> io::Result<std::net::SocketAddr> {
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
    fn data_set_active(&mut self, _target: std::net::SocketAddr) {}
    fn data_pending(&self) -> bool {
        false
    }
    fn data_clear(&mut self) {}
    fn data_open(&mut self, _session: &mut Session, _dir: Direction) -> io::Result<()> {
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
    fn data_write(
        &mut self,
        _session: &mut Session,
        _src: DataSource<'_>,
        _opts: &XferOptions,
    ) -> XferOutcome {
        XferOutcome {
            stats: Default::default(),
            end: XferEnd::PeerClosed,
        }
    }
    fn data_read(
        &mut self,
        _session: &mut Session,
        _file: &mut std::fs::File,
        _opts: &XferOptions,
    ) -> XferOutcome {
        XferOutcome {
            stats: Default::default(),
            end: XferEnd::PeerClosed,
        }
    }
    fn data_close(&mut self) {}
    fn data_abort(&mut self) -> bool {
        false
    }
}
