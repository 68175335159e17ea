//! The transfer loops: sending (sendfile(2) for binary files, a read and
//! translate loop for TYPE A or without `UseSendfile`, listings as given)
//! and receiving into a file. Every loop is non-blocking: when the socket
//! is not ready it waits in [`Host::wait`], which keeps reading the control
//! connection; `TransferRate` pauses and `TimeoutStalled` are measured
//! here.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

use nix::errno::Errno;

use proftpd_api::data::{
    DataSource, RateLimit, XferEnd, XferOptions, XferOutcome, XferStats, ascii,
};
use proftpd_api::session::{Session, Timer};

use super::{Host, Phase, Wake};

/// Bytes per read when receiving, and per file read when a send cannot
/// use sendfile.
pub const BUF_SIZE: usize = 64 * 1024;

/// The most one sendfile(2) call is asked for. The socket blocks during a
/// sendfile (see [`BlockingSends`]), so this bounds how long the control
/// connection goes unread: about 20 ms at loopback speed.
const SENDFILE_MAX: usize = 64 << 20;

/// How long one blocking sendfile may wait for a slow client before it
/// returns what it sent (or EAGAIN), so ABOR, timers and TimeoutStalled
/// are still looked at.
const SEND_WAIT: Duration = Duration::from_millis(50);

/// How often a transfer that never has to wait for its socket still reads
/// the control connection (ABOR, QUIT, STAT), SIGTERM and the timers.
const CONTROL_CHECK: Duration = Duration::from_millis(50);

/// The smallest piece a rate-limited transfer moves at a time.
const RATE_MIN_CHUNK: usize = 4096;

/// When the bytes moved so far may have left, under `TransferRate`: the
/// first `free_bytes` at once, the rest at `bytes_per_sec` from the start.
/// `None` when no pause is due.
pub fn rate_due(moved: u64, rate: &RateLimit) -> Option<Duration> {
    if rate.bytes_per_sec == 0 || moved <= rate.free_bytes {
        return None;
    }
    let paced = moved - rate.free_bytes;
    Some(Duration::from_secs_f64(
        paced as f64 / rate.bytes_per_sec as f64,
    ))
}

/// The largest piece to move next under `rate` (a tenth of a second's
/// worth once the free bytes are used up), so that pauses stay short and
/// the average stays within the limit.
pub fn rate_chunk(moved: u64, want: usize, rate: Option<&RateLimit>) -> usize {
    let Some(rate) = rate.filter(|r| r.bytes_per_sec > 0) else {
        return want;
    };
    let free_left = rate.free_bytes.saturating_sub(moved);
    let paced = usize::try_from(rate.bytes_per_sec / 10)
        .unwrap_or(usize::MAX)
        .max(RATE_MIN_CHUNK);
    let allowed = usize::try_from(free_left)
        .unwrap_or(usize::MAX)
        .saturating_add(paced);
    want.min(allowed)
}

/// Progress of one transfer: the rate clock and the stall clock.
#[derive(Debug)]
pub struct Pace {
    start: Instant,
    /// Last time a byte moved.
    last: Instant,
    /// Wire bytes moved (the rate counts what crosses the connection).
    moved: u64,
    rate: Option<RateLimit>,
    stalled: Option<Duration>,
    /// When the control connection is looked at next while the data
    /// socket never makes the transfer wait (a fast client).
    next_control: Instant,
}

impl Pace {
    pub fn new(opts: &XferOptions) -> Pace {
        let now = Instant::now();
        Pace {
            start: now,
            last: now,
            moved: 0,
            rate: opts.rate,
            stalled: opts.stalled,
            next_control: now + CONTROL_CHECK,
        }
    }

    /// When the transfer counts as stalled if nothing moves before.
    pub fn stall_deadline(&self) -> Option<Instant> {
        self.stalled.map(|d| self.last + d)
    }

    /// When the next bytes may move, if a rate pause is due.
    pub fn pause_until(&self, now: Instant) -> Option<Instant> {
        let due = self.start + rate_due(self.moved, self.rate.as_ref()?)?;
        (due > now).then_some(due)
    }

    pub fn chunk(&self, want: usize) -> usize {
        rate_chunk(self.moved, want, self.rate.as_ref())
    }
}

/// A socket error as the transfer's end.
fn net_end(e: io::Error) -> XferEnd {
    match e.raw_os_error() {
        Some(nix::libc::EPIPE | nix::libc::ECONNRESET) => XferEnd::PeerClosed,
        _ => XferEnd::Net(e),
    }
}

impl Host {
    /// Sends on the open data connection: see `SessionHost::data_write`.
    pub(in crate::session) fn send_data(
        &mut self,
        session: &mut Session,
        src: DataSource<'_>,
        opts: &XferOptions,
    ) -> XferOutcome {
        let mut stats = XferStats::default();
        let opened = self.data.conn.as_ref().map(|c| c.opened);
        let mut pace = Pace::new(opts);
        let res = match (opened, src) {
            (None, _) => Err(XferEnd::Net(io::Error::from_raw_os_error(
                nix::libc::ENOTCONN,
            ))),
            (Some(_), DataSource::Bytes(bytes)) => {
                stats.file_bytes = bytes.len() as u64;
                if opts.ascii {
                    let mut out = std::mem::take(&mut self.data.out);
                    out.clear();
                    self.data.to_crlf.push(bytes, &mut out);
                    let res = self.send_all(session, &out, &mut pace, &mut stats);
                    self.data.out = out;
                    res
                } else {
                    self.send_all(session, bytes, &mut pace, &mut stats)
                }
            }
            (Some(_), DataSource::File { file, offset, len }) => {
                if opts.sendfile && !opts.ascii {
                    self.send_file(session, file, offset, len, &mut pace, &mut stats)
                } else {
                    self.send_copy(
                        session, file, offset, len, opts.ascii, &mut pace, &mut stats,
                    )
                }
            }
        };
        self.finish_transfer(opened, stats, res)
    }

    /// Receives into `file`: see `SessionHost::data_read`.
    pub(in crate::session) fn receive_data(
        &mut self,
        session: &mut Session,
        file: &mut File,
        opts: &XferOptions,
    ) -> XferOutcome {
        let mut stats = XferStats::default();
        let opened = self.data.conn.as_ref().map(|c| c.opened);
        let res = match opened {
            None => Err(XferEnd::Net(io::Error::from_raw_os_error(
                nix::libc::ENOTCONN,
            ))),
            Some(_) => {
                let mut pace = Pace::new(opts);
                if !opts.ascii && opts.max_bytes.is_none() && opts.rate.is_none() {
                    if let Some(res) = self.receive_splice(session, file, &mut pace, &mut stats) {
                        return self.finish_transfer(opened, stats, res);
                    }
                }
                let mut buf = self.take_buf();
                let mut out = std::mem::take(&mut self.data.out);
                let res = self.receive_loop(
                    session, file, opts, &mut pace, &mut stats, &mut buf, &mut out,
                );
                self.data.buf = buf;
                self.data.out = out;
                res
            }
        };
        self.finish_transfer(opened, stats, res)
    }

    /// The outcome of a transfer; unhandled control input goes back to the
    /// session loop.
    fn finish_transfer(
        &mut self,
        opened: Option<Instant>,
        mut stats: XferStats,
        res: Result<(), XferEnd>,
    ) -> XferOutcome {
        stats.elapsed = opened.map_or(Duration::ZERO, |t| t.elapsed());
        self.requeue_fresh();
        let now = Instant::now();
        self.timers.rearm(Timer::Idle, now);
        self.timers.rearm(Timer::NoTransfer, now);
        XferOutcome {
            stats,
            end: res.err().unwrap_or(XferEnd::Complete),
        }
    }

    /// The reusable transfer buffer, [`BUF_SIZE`] long.
    fn take_buf(&mut self) -> Vec<u8> {
        let mut buf = std::mem::take(&mut self.data.buf);
        buf.resize(BUF_SIZE, 0);
        buf
    }

    /// Why the transfer must stop now, if it must: ABOR (its 426 is sent,
    /// the socket closed), or QUIT, SIGTERM, a timer, the control
    /// connection's end (the socket is closed here, nothing is sent).
    fn stop_reason(&mut self, session: &Session) -> Option<XferEnd> {
        if self.data.aborted || self.data.conn.is_none() {
            return Some(XferEnd::Aborted);
        }
        if self.must_stop(session) {
            self.drop_conn(Some(std::net::Shutdown::Both));
            return Some(XferEnd::Aborted);
        }
        None
    }

    /// The end of a transfer whose socket failed. A client that aborts
    /// often sends ABOR and closes the data connection at once: when an
    /// ABOR (or QUIT) is already waiting on the control connection it is
    /// handled first, so the client gets the abort's replies (426 with its
    /// full stop, then 226) rather than the closed connection's.
    fn net_failure(&mut self, session: &mut Session, e: io::Error) -> XferEnd {
        self.poll_control(session);
        match self.stop_reason(session) {
            Some(end) => end,
            None => net_end(e),
        }
    }

    /// Looks at the control connection, SIGTERM and the timers without
    /// waiting, and handles what arrived.
    fn poll_control(&mut self, session: &mut Session) {
        if let Some(io) = self.io.as_mut() {
            if io.poll_once(Some(Duration::ZERO)).is_ok() && io.readable {
                io.read_turn(&mut self.data.fresh);
            }
            if io.term {
                self.end
                    .get_or_insert(super::super::End::Signal(nix::libc::SIGTERM));
                // SIGTERM ends the session without another word.
                self.silenced = true;
            }
        }
        self.handle_fresh(session);
        if !self.must_stop(session) {
            self.fire_expired_timer(session);
        }
    }

    /// Notes that `n` bytes moved: the stall clock restarts, and data
    /// activity keeps the idle and no-transfer timers from firing (as in
    /// ProFTPD).
    fn moved(&mut self, pace: &mut Pace, n: usize) {
        let now = Instant::now();
        pace.moved += n as u64;
        pace.last = now;
        self.timers.rearm(Timer::Idle, now);
        self.timers.rearm(Timer::NoTransfer, now);
    }

    /// After bytes moved: sleeps off a `TransferRate` pause (so that the
    /// average, last chunk included, stays within the limit), still
    /// watching the control connection.
    fn pace_wait(&mut self, session: &mut Session, pace: &mut Pace) -> Result<(), XferEnd> {
        let now = Instant::now();
        if now >= pace.next_control {
            pace.next_control = now + CONTROL_CHECK;
            self.poll_control(session);
            if let Some(end) = self.stop_reason(session) {
                return Err(end);
            }
        }
        while let Some(until) = pace.pause_until(Instant::now()) {
            if self.wait(session, Some(until), Phase::Transfer) == Wake::Stop {
                return Err(self.stop_reason(session).unwrap_or(XferEnd::Aborted));
            }
        }
        Ok(())
    }

    /// Waits for the data socket after EAGAIN; `TimeoutStalled` ends the
    /// transfer (and the session).
    fn wait_ready(&mut self, session: &mut Session, pace: &Pace) -> Result<(), XferEnd> {
        if let Err(e) = self.watch_conn() {
            return Err(XferEnd::Net(e));
        }
        match self.wait(session, pace.stall_deadline(), Phase::Transfer) {
            Wake::Data => Ok(()),
            Wake::Deadline => {
                self.stall(pace.stalled);
                Err(XferEnd::Stalled)
            }
            Wake::Stop => Err(self.stop_reason(session).unwrap_or(XferEnd::Aborted)),
        }
    }

    /// Writes all of `bytes` to the data connection.
    fn send_all(
        &mut self,
        session: &mut Session,
        mut bytes: &[u8],
        pace: &mut Pace,
        stats: &mut XferStats,
    ) -> Result<(), XferEnd> {
        while !bytes.is_empty() {
            if let Some(end) = self.stop_reason(session) {
                return Err(end);
            }
            let n = pace.chunk(bytes.len());
            let res = match self.data.conn.as_ref() {
                Some(c) => (&c.stream).write(&bytes[..n]),
                None => continue,
            };
            match res {
                Ok(0) => {
                    return Err(
                        self.net_failure(session, io::Error::from_raw_os_error(nix::libc::EPIPE))
                    );
                }
                Ok(n) => {
                    bytes = &bytes[n..];
                    stats.wire_bytes += n as u64;
                    self.moved(pace, n);
                    self.pace_wait(session, pace)?;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.wait_ready(session, pace)?
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.net_failure(session, e)),
            }
        }
        Ok(())
    }

    /// Binary file send with sendfile(2), from `offset` for `len` bytes
    /// (to the end of the file when `None`; a file that shrinks ends the
    /// send early, complete).
    fn send_file(
        &mut self,
        session: &mut Session,
        file: &File,
        offset: u64,
        len: Option<u64>,
        pace: &mut Pace,
        stats: &mut XferStats,
    ) -> Result<(), XferEnd> {
        let Ok(mut off) = i64::try_from(offset) else {
            return Ok(());
        };
        let end = len.map(|l| offset.saturating_add(l));
        // Engaged at the first full socket buffer: a small file goes out in
        // one non-blocking call without the mode switches.
        let mut blocking: Option<BlockingSends> = None;
        loop {
            if let Some(end) = self.stop_reason(session) {
                return Err(end);
            }
            let want = match end {
                Some(e) => usize::try_from(e.saturating_sub(off as u64))
                    .unwrap_or(SENDFILE_MAX)
                    .min(SENDFILE_MAX),
                None => SENDFILE_MAX,
            };
            if want == 0 {
                return Ok(());
            }
            let want = pace.chunk(want);
            let res = match self.data.conn.as_ref() {
                Some(c) => nix::sys::sendfile::sendfile(&c.stream, file, Some(&mut off), want),
                None => continue,
            };
            match res {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    stats.file_bytes += n as u64;
                    stats.wire_bytes += n as u64;
                    self.moved(pace, n);
                    self.pace_wait(session, pace)?;
                }
                Err(Errno::EAGAIN) => {
                    if blocking.is_none() {
                        blocking = self
                            .data
                            .conn
                            .as_ref()
                            .and_then(|c| BlockingSends::new(&c.stream));
                    }
                    self.wait_ready(session, pace)?
                }
                Err(Errno::EINTR) => {}
                // A file system without sendfile support: copy instead.
                Err(Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) if stats.wire_bytes == 0 => {
                    let left = end.map(|e| e.saturating_sub(off as u64));
                    return self.send_copy(session, file, off as u64, left, false, pace, stats);
                }
                Err(e @ (Errno::EIO | Errno::EBADF | Errno::EOVERFLOW)) => {
                    return Err(XferEnd::File(e.into()));
                }
                Err(e) => return Err(self.net_failure(session, e.into())),
            }
        }
    }

    /// File send through the buffer: TYPE A translation, or binary
    /// without `UseSendfile`.
    #[allow(clippy::too_many_arguments)]
    fn send_copy(
        &mut self,
        session: &mut Session,
        file: &File,
        offset: u64,
        len: Option<u64>,
        ascii: bool,
        pace: &mut Pace,
        stats: &mut XferStats,
    ) -> Result<(), XferEnd> {
        let mut buf = self.take_buf();
        let mut out = std::mem::take(&mut self.data.out);
        let mut conv = std::mem::take(&mut self.data.to_crlf);
        let mut pos = offset;
        let mut left = len.unwrap_or(u64::MAX);
        let res = loop {
            if left == 0 {
                break Ok(());
            }
            let want = usize::try_from(left).unwrap_or(BUF_SIZE).min(BUF_SIZE);
            let n = match file.read_at(&mut buf[..want], pos) {
                Ok(0) => break Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(XferEnd::File(e)),
            };
            pos += n as u64;
            left -= n as u64;
            stats.file_bytes += n as u64;
            let res = if ascii {
                out.clear();
                conv.push(&buf[..n], &mut out);
                self.send_all(session, &out, pace, stats)
            } else {
                self.send_all(session, &buf[..n], pace, stats)
            };
            if let Err(e) = res {
                break Err(e);
            }
        };
        self.data.buf = buf;
        self.data.out = out;
        self.data.to_crlf = conv;
        res
    }

    /// Binary receive through a pipe with splice(2): the bytes go from the
    /// socket to the file without a copy through user space. `None` when
    /// splice is not available here (the caller copies instead).
    fn receive_splice(
        &mut self,
        session: &mut Session,
        file: &mut File,
        pace: &mut Pace,
        stats: &mut XferStats,
    ) -> Option<Result<(), XferEnd>> {
        use nix::fcntl::{FcntlArg, OFlag, fcntl};
        // One pipe per session, kept empty between transfers.
        let (pipe_r, pipe_w) = match self.data.pipe.take() {
            Some(p) => p,
            None => {
                let (r, w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).ok()?;
                let _ = fcntl(&w, FcntlArg::F_SETPIPE_SZ(PIPE_SIZE));
                (r, w)
            }
        };
        let res = self.splice_loop(session, file, pace, stats, &pipe_r, &pipe_w);
        // Only a pipe known to be empty is kept: after an error it may
        // still hold bytes of this file.
        if matches!(res, Some(Ok(()))) {
            self.data.pipe = Some((pipe_r, pipe_w));
        }
        res
    }

    /// The loop of [`Host::receive_splice`].
    fn splice_loop(
        &mut self,
        session: &mut Session,
        file: &mut File,
        pace: &mut Pace,
        stats: &mut XferStats,
        pipe_r: &OwnedFd,
        pipe_w: &OwnedFd,
    ) -> Option<Result<(), XferEnd>> {
        use nix::fcntl::{SpliceFFlags, splice};
        let flags = SpliceFFlags::SPLICE_F_MOVE | SpliceFFlags::SPLICE_F_NONBLOCK;
        let mut spliceable = true;
        loop {
            if let Some(end) = self.stop_reason(session) {
                return Some(Err(end));
            }
            let res = match self.data.conn.as_ref() {
                Some(c) => splice(&c.stream, None, pipe_w, None, PIPE_SIZE as usize, flags),
                None => continue,
            };
            match res {
                Ok(0) => return Some(Ok(())),
                Ok(n) => {
                    stats.wire_bytes += n as u64;
                    self.moved(pace, n);
                    if let Err(e) = drain_pipe(pipe_r, file, n, &mut spliceable) {
                        return Some(Err(e));
                    }
                    stats.file_bytes += n as u64;
                    if let Err(e) = self.pace_wait(session, pace) {
                        return Some(Err(e));
                    }
                }
                Err(Errno::EAGAIN) => {
                    if let Err(e) = self.wait_ready(session, pace) {
                        return Some(Err(e));
                    }
                }
                Err(Errno::EINTR) => {}
                Err(Errno::EINVAL) if stats.wire_bytes == 0 => return None,
                Err(e) => return Some(Err(self.net_failure(session, e.into()))),
            }
        }
    }

    /// Reads the data connection into `file` until the client closes it.
    #[allow(clippy::too_many_arguments)]
    fn receive_loop(
        &mut self,
        session: &mut Session,
        file: &mut File,
        opts: &XferOptions,
        pace: &mut Pace,
        stats: &mut XferStats,
        buf: &mut [u8],
        out: &mut Vec<u8>,
    ) -> Result<(), XferEnd> {
        let mut conv = ascii::FromCrlf::default();
        loop {
            if let Some(end) = self.stop_reason(session) {
                return Err(end);
            }
            let want = pace.chunk(buf.len());
            let res = match self.data.conn.as_ref() {
                Some(c) => (&c.stream).read(&mut buf[..want]),
                None => continue,
            };
            let n = match res {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.wait_ready(session, pace)?;
                    continue;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.net_failure(session, e)),
            };
            let data: &[u8] = if opts.ascii {
                out.clear();
                if n == 0 {
                    conv.finish(out);
                } else {
                    conv.push(&buf[..n], out);
                }
                out
            } else {
                &buf[..n]
            };
            if n > 0 {
                stats.wire_bytes += n as u64;
                self.moved(pace, n);
            }
            store(file, data, opts.max_bytes, stats)?;
            if n > 0 {
                self.pace_wait(session, pace)?;
            }
            if n == 0 {
                return Ok(());
            }
        }
    }
}

/// Puts the data socket in blocking mode, with a send timeout, for the
/// length of a sendfile transfer; non-blocking again on drop.
///
/// A non-blocking sendfile returns whenever the socket buffer fills, so a
/// 1 GiB RETR cost about 950 calls (half of them EAGAIN) and as many poll
/// wake-ups, and the client saw the data in small bursts (it spent twice
/// the CPU receiving it). A blocking call with a bounded wait lets the
/// kernel stream continuously, and still returns often enough to read the
/// control connection.
///
/// It holds a duplicate of the socket (blocking mode belongs to the open
/// socket, shared by both descriptors), so the transfer loop keeps its
/// own access to the connection.
struct BlockingSends {
    sock: std::net::TcpStream,
}

impl BlockingSends {
    /// `None` (the plain non-blocking loop) when the socket refuses.
    fn new(stream: &std::net::TcpStream) -> Option<BlockingSends> {
        let sock = stream.try_clone().ok()?;
        if sock.set_write_timeout(Some(SEND_WAIT)).is_err() || sock.set_nonblocking(false).is_err()
        {
            let _ = sock.set_nonblocking(true);
            return None;
        }
        // Corked, the kernel sends only full segments until the end (as
        // 1.3.8 corks its data sockets): fewer, larger packets for the
        // client to take in.
        if let Err(e) = socket2::SockRef::from(&sock).set_tcp_cork(true) {
            log::debug!("TCP_CORK on the data socket: {e}");
        }
        Some(BlockingSends { sock })
    }
}

impl Drop for BlockingSends {
    fn drop(&mut self) {
        // Uncorking pushes out the last partial segment at once.
        let sock = socket2::SockRef::from(&self.sock);
        if let Err(e) = sock.set_tcp_cork(false).and(sock.set_nonblocking(true)) {
            log::debug!("data socket back to uncorked, non-blocking: {e}");
        }
    }
}

/// The pipe a binary receive splices through (bytes).
const PIPE_SIZE: i32 = 1 << 20;

/// Moves everything in `pipe` to `file` (splice, or read and write when
/// the file system cannot splice).
/// `*spliceable` turns false (for the rest of the transfer) when the file
/// refuses splice (an O_APPEND file on older kernels).
fn drain_pipe(
    pipe: &OwnedFd,
    file: &mut File,
    mut n: usize,
    spliceable: &mut bool,
) -> Result<(), XferEnd> {
    use nix::fcntl::{SpliceFFlags, splice};
    let chunk = n;
    while n > 0 {
        let res = if *spliceable {
            splice(pipe, None, &*file, None, n, SpliceFFlags::SPLICE_F_MOVE)
        } else {
            Err(Errno::EINVAL)
        };
        match res {
            Ok(0) => return Err(XferEnd::File(io::Error::from_raw_os_error(nix::libc::EIO))),
            Ok(m) => n -= m,
            Err(Errno::EINTR) => {}
            Err(Errno::EINVAL) => {
                *spliceable = false;
                let mut buf = vec![0u8; n];
                let mut r = File::from(pipe.try_clone().map_err(XferEnd::File)?);
                r.read_exact(&mut buf).map_err(XferEnd::File)?;
                return write_chunk(file, &buf).map_err(XferEnd::File);
            }
            Err(e) => return Err(XferEnd::File(partial_is_eio(e.into(), n < chunk))),
        }
    }
    Ok(())
}

/// Writes all of `data`. An error after part of it was written is EIO, as
/// 1.3.8 reports a short write: the upload that fills a disk gets
/// `451 Transfer aborted. Input/output error`, and only a later one that
/// finds no room at all gets ENOSPC's 452 (both measured).
fn write_chunk(file: &mut File, data: &[u8]) -> io::Result<()> {
    let mut done = 0;
    while done < data.len() {
        match file.write(&data[done..]) {
            Ok(0) => return Err(io::Error::from_raw_os_error(nix::libc::EIO)),
            Ok(m) => done += m,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(partial_is_eio(e, done > 0)),
        }
    }
    Ok(())
}

/// `e`, or EIO when part of the chunk already reached the file.
fn partial_is_eio(e: io::Error, partial: bool) -> io::Error {
    if partial {
        io::Error::from_raw_os_error(nix::libc::EIO)
    } else {
        e
    }
}

/// Writes received bytes to the file, up to `max` file bytes in all;
/// more ends the transfer with [`XferEnd::TooLarge`].
fn store(
    file: &mut File,
    data: &[u8],
    max: Option<u64>,
    stats: &mut XferStats,
) -> Result<(), XferEnd> {
    let room = max.map_or(u64::MAX, |m| m.saturating_sub(stats.file_bytes));
    let take = usize::try_from(room).unwrap_or(usize::MAX).min(data.len());
    if take > 0 {
        write_chunk(file, &data[..take]).map_err(XferEnd::File)?;
        stats.file_bytes += take as u64;
    }
    if take < data.len() {
        return Err(XferEnd::TooLarge);
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod pure_tests {
    use super::*;

    #[test]
    fn rate_math() {
        let r = RateLimit {
            bytes_per_sec: 1000,
            free_bytes: 500,
        };
        assert_eq!(rate_due(0, &r), None);
        assert_eq!(rate_due(500, &r), None);
        assert_eq!(rate_due(1500, &r), Some(Duration::from_secs(1)));
        assert_eq!(rate_due(2500, &r), Some(Duration::from_secs(2)));
        // Chunks: the free bytes left plus a tenth of a second (at least
        // RATE_MIN_CHUNK).
        assert_eq!(rate_chunk(0, 1 << 20, Some(&r)), 500 + RATE_MIN_CHUNK);
        let fast = RateLimit {
            bytes_per_sec: 10_000_000,
            free_bytes: 0,
        };
        assert_eq!(rate_chunk(0, 1 << 20, Some(&fast)), 1_000_000);
        assert_eq!(rate_chunk(0, 10, Some(&fast)), 10);
        assert_eq!(rate_chunk(0, 1 << 20, None), 1 << 20);
    }

    #[test]
    fn store_stops_at_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let mut f = File::create(&path).expect("create");
        let mut stats = XferStats::default();
        assert!(store(&mut f, b"hello", Some(8), &mut stats).is_ok());
        assert!(matches!(
            store(&mut f, b"world", Some(8), &mut stats),
            Err(XferEnd::TooLarge)
        ));
        assert_eq!(stats.file_bytes, 8);
        assert_eq!(std::fs::read(&path).expect("read"), b"hellowor");
    }
}
