//! The read side of the control connection, the session's signals and the
//! one mio `Poll` they share (plus the data socket while one is open).
//!
//! The session loop (`super::serve`), a reply write that has to wait
//! (`Host::write`) and the data channel's waits (`super::data`) all poll
//! through [`ControlIo::poll_once`], so that SIGTERM, timers and the
//! client's commands are watched in every wait of the process. Readiness
//! is edge-triggered: `poll_once` turns events into sticky flags
//! ([`ControlIo::readable`], [`ControlIo::data_ready`], [`ControlIo::term`])
//! that stay set until their owner has acted on them, so an event seen by
//! one wait is never lost to another.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::net::TcpStream;
use std::os::fd::{AsFd, BorrowedFd, RawFd};
use std::time::Duration;

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use signal_hook::consts::{SIGHUP, SIGTERM, SIGUSR1};
use signal_hook_mio::v1_0::Signals;

use super::reader::{LineReader, ReadEvent};

const CONTROL: Token = Token(0);
const SIGNALS: Token = Token(1);
/// The data socket or PASV listener, while one is registered.
const DATA: Token = Token(2);

/// Bytes read from the control socket at a time.
const READ_CHUNK: usize = 16 * 1024;

/// Chunks read from the control socket per turn. The socket is
/// edge-triggered, so a turn would otherwise read until it is empty: a
/// client that keeps it full (a stream of NOOPs) would starve the timers
/// (TimeoutLogin, TimeoutSession) and SIGTERM, which are only looked at
/// between turns.
const READS_PER_TURN: usize = 4;

/// One thing read from the control connection, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Telnet option answers, written before the reply of the line after
    /// them.
    Telnet(Vec<u8>),
    /// A line or an over-long chunk.
    Event(ReadEvent),
}

/// The control connection's read side and the session's poll.
pub struct ControlIo {
    poll: Poll,
    events: Events,
    stream: mio::net::TcpStream,
    /// `None` in unit tests, which must not take over the test process's
    /// SIGTERM.
    signals: Option<Signals>,
    reader: LineReader,
    buf: Vec<u8>,
    /// Over-long chunks since the last good line.
    pub too_long: u32,
    /// Input read but not yet handled by the session loop.
    pub queue: VecDeque<Item>,
    /// The control socket may hold unread input (an event arrived, or a
    /// bounded turn stopped before the socket was empty).
    pub readable: bool,
    /// The client closed the control connection (or reading it failed).
    pub eof: bool,
    /// The registered data socket or listener reported an event.
    pub data_ready: bool,
    /// SIGTERM arrived.
    pub term: bool,
    /// The data fd registered under [`DATA`], if any.
    data_fd: Option<RawFd>,
}

impl ControlIo {
    /// Takes over the control socket (made non-blocking) and, with
    /// `signals`, registers the session's TERM, USR1 and HUP handlers.
    pub fn new(control: TcpStream, buffer_size: usize, signals: bool) -> io::Result<ControlIo> {
        control.set_nonblocking(true)?;
        let mut stream = mio::net::TcpStream::from_std(control);
        let poll = Poll::new()?;
        poll.registry()
            .register(&mut stream, CONTROL, Interest::READABLE)?;
        let signals = if signals {
            let mut s = Signals::new([SIGTERM, SIGUSR1, SIGHUP])?;
            poll.registry()
                .register(&mut s, SIGNALS, Interest::READABLE)?;
            Some(s)
        } else {
            None
        };
        Ok(ControlIo {
            poll,
            events: Events::with_capacity(8),
            stream,
            signals,
            reader: LineReader::new(buffer_size),
            buf: vec![0u8; READ_CHUNK],
            too_long: 0,
            queue: VecDeque::new(),
            readable: false,
            eof: false,
            data_ready: false,
            term: false,
            data_fd: None,
        })
    }

    /// The poll's own fd: readable when a registered source has an event
    /// (a reply write waits on it with poll(2), next to the socket).
    pub fn poll_as_fd(&self) -> BorrowedFd<'_> {
        self.poll.registry().as_fd()
    }

    /// Waits at most `timeout` for events and records them in the flags.
    pub fn poll_once(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut signalled = false;
        for ev in self.events.iter() {
            match ev.token() {
                CONTROL => self.readable = true,
                SIGNALS => signalled = true,
                DATA => self.data_ready = true,
                _ => {}
            }
        }
        let signals = self.signals.as_mut().filter(|_| signalled);
        if let Some(signals) = signals {
            for sig in signals.pending() {
                match sig {
                    SIGTERM => self.term = true,
                    // SIGUSR1 asks the session to look at /etc/shutmsg
                    // (ftpshut); with no shutdown pending 1.3.8 carries
                    // on (observed), and so do we until the shutmsg check
                    // exists.
                    SIGUSR1 => log::debug!("SIGUSR1: no shutdown pending"),
                    _ => {} // SIGHUP: sessions ignore it.
                }
            }
        }
        Ok(())
    }

    /// Reads up to [`READS_PER_TURN`] chunks and appends what they hold to
    /// `into`. A short read does not mean the socket is empty (a read
    /// stops at the TCP urgent mark of a Telnet Synch), so the socket is
    /// read until EAGAIN. Clears [`ControlIo::readable`] once the socket is empty;
    /// sets [`ControlIo::eof`] at the end of the input.
    pub fn read_turn(&mut self, into: &mut VecDeque<Item>) {
        for _ in 0..READS_PER_TURN {
            let n = match self.stream.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    self.readable = false;
                    return;
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.readable = false;
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    log::debug!("reading the control connection: {e}");
                    self.eof = true;
                    self.readable = false;
                    return;
                }
            };
            let mut input = &self.buf[..n];
            while let Some(ev) = self.reader.next_event(&mut input) {
                let telnet = self.reader.take_telnet_replies();
                if !telnet.is_empty() {
                    into.push_back(Item::Telnet(telnet));
                }
                into.push_back(Item::Event(ev));
            }
            let telnet = self.reader.take_telnet_replies();
            if !telnet.is_empty() {
                into.push_back(Item::Telnet(telnet));
            }
        }
        // Not read empty: more may be waiting, and no new edge will say so.
        self.readable = true;
    }

    /// Watches `fd` (the data socket or the PASV listener) in the poll
    /// until [`ControlIo::unwatch_data`].
    pub fn watch_data(&mut self, fd: RawFd, interest: Interest) -> io::Result<()> {
        self.unwatch_data();
        self.poll
            .registry()
            .register(&mut SourceFd(&fd), DATA, interest)?;
        self.data_fd = Some(fd);
        self.data_ready = false;
        Ok(())
    }

    /// Stops watching the data fd (before it is closed).
    pub fn unwatch_data(&mut self) {
        if let Some(fd) = self.data_fd.take() {
            let _ = self.poll.registry().deregister(&mut SourceFd(&fd));
        }
        self.data_ready = false;
    }
}
