//! The data connection, as modules see it (ProFTPD's `src/data.c`).
//!
//! mod_core's PASV/EPSV/PORT/EPRT tell the host where the next data
//! connection comes from ([`SessionHost::data_listen`],
//! [`SessionHost::data_set_active`]); transfer commands (mod_xfer, mod_ls,
//! mod_facts) open it, move bytes through it and close it. The runtime owns
//! the sockets, the transfer loops (sendfile, ASCII translation, rate
//! limits, TimeoutStalled) and the reading of the control connection while a
//! transfer runs, so that ABOR, STAT and QUIT act at once.
//!
//! A transfer command goes:
//! 1. its checks (path, permissions, REST...);
//! 2. [`SessionHost::data_open`]: on `Err(e)` reply
//!    `425 Unable to build data connection: <strerror(e)>`;
//! 3. `send_now(150 ...)` (ProFTPD sends the 150 once the connection is
//!    up);
//! 4. one or more [`SessionHost::data_write`] / one
//!    [`SessionHost::data_read`];
//! 5. [`SessionHost::data_close`] and `226 Transfer complete`, or on a
//!    failed [`XferOutcome`] the reply of [`XferEnd::reply`] (none after an
//!    ABOR: its 426 was already sent).
//!
//! [`SessionHost::data_listen`]: crate::session::SessionHost::data_listen
//! [`SessionHost::data_set_active`]: crate::session::SessionHost::data_set_active
//! [`SessionHost::data_open`]: crate::session::SessionHost::data_open
//! [`SessionHost::data_write`]: crate::session::SessionHost::data_write
//! [`SessionHost::data_read`]: crate::session::SessionHost::data_read
//! [`SessionHost::data_close`]: crate::session::SessionHost::data_close

use std::fs::File;
use std::io;
use std::net::IpAddr;
use std::time::Duration;

use crate::config::ConfigKey;
use crate::reply::errno_text;
use crate::session::Session;

/// `TimeoutStalled` (seconds, 0 = off); registered by mod_xfer, read by
/// every transfer through [`XferOptions::for_session`].
pub static TIMEOUT_STALLED: ConfigKey<u32> = ConfigKey::new("TimeoutStalled");
/// ProFTPD's `TimeoutStalled` default.
pub const DEFAULT_TIMEOUT_STALLED: u32 = 3600;

/// `TimeoutNoTransfer` (seconds, 0 = off); registered by mod_xfer, armed
/// at login and re-armed by the runtime whenever a data connection opens.
pub static TIMEOUT_NO_TRANSFER: ConfigKey<u32> = ConfigKey::new("TimeoutNoTransfer");
/// ProFTPD's `TimeoutNoTransfer` default.
pub const DEFAULT_TIMEOUT_NO_TRANSFER: u32 = 300;

/// `UseSendfile` (default on); registered by mod_core.
pub static USE_SENDFILE: ConfigKey<bool> = ConfigKey::new("UseSendfile");

/// Where a passive data connection may come from and where it listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenRequest {
    /// The local address to listen on (the control connection's local
    /// address).
    pub addr: IpAddr,
    /// `PassivePorts low high`: pick a free port in the range (randomly);
    /// `None`: any ephemeral port. When no port in the range is free the
    /// runtime falls back to an ephemeral port, as ProFTPD does (it logs).
    pub ports: Option<(u16, u16)>,
    /// The only address a connection is accepted from (the control peer);
    /// `None` with `AllowForeignAddress on`. A connection from anywhere
    /// else is closed and the runtime keeps waiting (no PASV port theft).
    pub peer: Option<IpAddr>,
}

/// Which way the bytes of a transfer go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Server to client (RETR, LIST, NLST, MLSD).
    Send,
    /// Client to server (STOR, APPE, STOU).
    Receive,
}

/// A throttle (`TransferRate`): after `free_bytes` bytes, no faster than
/// `bytes_per_sec` on average.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub bytes_per_sec: u64,
    pub free_bytes: u64,
}

/// How one transfer moves its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XferOptions {
    /// TYPE A translation: LF to CRLF when sending, CRLF to LF when
    /// receiving (a lone CR is kept). Listings are already CRLF and pass
    /// `false`.
    pub ascii: bool,
    /// Binary sends may use sendfile(2) (`UseSendfile`).
    pub sendfile: bool,
    pub rate: Option<RateLimit>,
    /// No byte moves for this long: the transfer fails with
    /// [`XferEnd::Stalled`] (and the session ends, as ProFTPD's does).
    pub stalled: Option<Duration>,
    /// Receive at most this many file bytes (`MaxStoreFileSize`); more
    /// ends the transfer with [`XferEnd::TooLarge`].
    pub max_bytes: Option<u64>,
}

impl XferOptions {
    /// Binary, sendfile per `UseSendfile`, TimeoutStalled from the config,
    /// no rate, no size cap: the caller adjusts the rest.
    pub fn for_session(session: &Session) -> XferOptions {
        let stalled = session
            .get(&TIMEOUT_STALLED)
            .copied()
            .unwrap_or(DEFAULT_TIMEOUT_STALLED);
        XferOptions {
            ascii: false,
            sendfile: session.get(&USE_SENDFILE).copied().unwrap_or(true),
            rate: None,
            stalled: (stalled > 0).then(|| Duration::from_secs(u64::from(stalled))),
            max_bytes: None,
        }
    }
}

/// What [`SessionHost::data_write`](crate::session::SessionHost::data_write)
/// sends.
#[derive(Debug, Clone, Copy)]
pub enum DataSource<'a> {
    /// Bytes in memory (a listing chunk), sent as they are.
    Bytes(&'a [u8]),
    /// `len` bytes of `file` from `offset` (REST/RANG); `len: None` means
    /// to the end of the file as it is when read (a file that shrinks
    /// while sent ends the transfer early, not in error).
    File {
        file: &'a File,
        offset: u64,
        len: Option<u64>,
    },
}

/// Byte counts of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct XferStats {
    /// Bytes read from or written to the file (what xferlog and `%b`
    /// log); for [`DataSource::Bytes`] the bytes given.
    pub file_bytes: u64,
    /// Bytes that crossed the data connection (differs in ASCII mode).
    pub wire_bytes: u64,
    /// Time from the connection's opening to the transfer's end.
    pub elapsed: Duration,
}

/// How a transfer ended.
#[derive(Debug)]
pub enum XferEnd {
    /// Every byte moved (for a receive: the client closed the connection).
    Complete,
    /// ABOR (or QUIT) arrived on the control connection: the data
    /// connection is closed and `426 Transfer aborted. Data connection
    /// closed` was already sent.
    Aborted,
    /// The client closed or reset the data connection before a send
    /// finished.
    PeerClosed,
    /// A socket error on the data connection.
    Net(io::Error),
    /// A file error (read or write, e.g. ENOSPC, EDQUOT, EIO).
    File(io::Error),
    /// `TimeoutStalled`: the transfer is aborted and the session must end.
    Stalled,
    /// More than [`XferOptions::max_bytes`] arrived.
    TooLarge,
}

/// The end and the counts of one `data_write`/`data_read`.
#[derive(Debug)]
pub struct XferOutcome {
    pub stats: XferStats,
    pub end: XferEnd,
}

impl XferOutcome {
    pub fn is_complete(&self) -> bool {
        matches!(self.end, XferEnd::Complete)
    }
}

impl XferEnd {
    /// The error reply for the transfer command (spec §2.4), or `None`
    /// when none is due (complete, or aborted: 426 already sent).
    pub fn reply(&self) -> Option<(u16, String)> {
        let aborted = |code: u16, why: &str| Some((code, format!("Transfer aborted. {why}")));
        match self {
            XferEnd::Complete | XferEnd::Aborted => None,
            XferEnd::PeerClosed | XferEnd::Stalled => aborted(426, "Data connection closed"),
            XferEnd::TooLarge => aborted(
                552,
                &errno_text(&io::Error::from_raw_os_error(nix::libc::EFBIG)),
            ),
            XferEnd::Net(e) => match e.raw_os_error() {
                Some(nix::libc::ECONNRESET | nix::libc::EPIPE | nix::libc::ECONNABORTED) => {
                    aborted(426, "Data connection closed")
                }
                Some(nix::libc::ETIMEDOUT | nix::libc::ENETRESET) => {
                    aborted(450, "Link to file server lost")
                }
                _ => aborted(451, &errno_text(e)),
            },
            XferEnd::File(e) => match e.raw_os_error() {
                Some(nix::libc::ENOSPC) => aborted(452, &errno_text(e)),
                Some(nix::libc::EDQUOT | nix::libc::EFBIG) => aborted(552, &errno_text(e)),
                _ => aborted(451, &errno_text(e)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_follow_the_errno() {
        let os = io::Error::from_raw_os_error;
        assert_eq!(XferEnd::Complete.reply(), None);
        assert_eq!(XferEnd::Aborted.reply(), None);
        assert_eq!(
            XferEnd::PeerClosed.reply(),
            Some((426, "Transfer aborted. Data connection closed".into()))
        );
        assert_eq!(
            XferEnd::File(os(nix::libc::ENOSPC)).reply(),
            Some((452, "Transfer aborted. No space left on device".into()))
        );
        assert_eq!(
            XferEnd::File(os(nix::libc::EDQUOT)).reply(),
            Some((552, "Transfer aborted. Disk quota exceeded".into()))
        );
        assert_eq!(
            XferEnd::Net(os(nix::libc::ETIMEDOUT)).reply(),
            Some((450, "Transfer aborted. Link to file server lost".into()))
        );
        assert_eq!(
            XferEnd::File(os(nix::libc::EIO)).reply(),
            Some((451, "Transfer aborted. Input/output error".into()))
        );
    }
}

/// TYPE A translation, shared by the runtime's transfer loops and the test
/// host so that both translate alike. Both directions keep state across
/// chunks, since a CR LF pair may straddle two reads.
pub mod ascii {
    /// LF to CR LF for sending: a bare LF gets a CR before it; an existing
    /// CR LF is kept as it is.
    #[derive(Debug, Default, Clone)]
    pub struct ToCrlf {
        prev_cr: bool,
    }

    impl ToCrlf {
        /// Appends the translation of `input` to `out`.
        pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
            out.reserve(input.len() + input.len() / 16 + 1);
            let mut start = 0;
            for (i, &b) in input.iter().enumerate() {
                if b == b'\n'
                    && !(if i == 0 {
                        self.prev_cr
                    } else {
                        input[i - 1] == b'\r'
                    })
                {
                    out.extend_from_slice(&input[start..i]);
                    out.push(b'\r');
                    start = i;
                }
            }
            out.extend_from_slice(&input[start..]);
            if let Some(&last) = input.last() {
                self.prev_cr = last == b'\r';
            }
        }
    }

    /// CR LF to LF for receiving: a CR directly before an LF is dropped; a
    /// lone CR is kept.
    #[derive(Debug, Default, Clone)]
    pub struct FromCrlf {
        pending_cr: bool,
    }

    impl FromCrlf {
        /// Appends the translation of `input` to `out`; a CR at the very
        /// end is held back until the next chunk (or [`FromCrlf::finish`]).
        pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
            out.reserve(input.len() + 1);
            for &b in input {
                if self.pending_cr {
                    self.pending_cr = false;
                    if b != b'\n' {
                        out.push(b'\r');
                    }
                }
                if b == b'\r' {
                    self.pending_cr = true;
                } else {
                    out.push(b);
                }
            }
        }

        /// Flushes a held-back CR at the end of the data.
        pub fn finish(&mut self, out: &mut Vec<u8>) {
            if std::mem::take(&mut self.pending_cr) {
                out.push(b'\r');
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn to(chunks: &[&[u8]]) -> Vec<u8> {
            let mut t = ToCrlf::default();
            let mut out = Vec::new();
            for c in chunks {
                t.push(c, &mut out);
            }
            out
        }

        fn from(chunks: &[&[u8]]) -> Vec<u8> {
            let mut t = FromCrlf::default();
            let mut out = Vec::new();
            for c in chunks {
                t.push(c, &mut out);
            }
            t.finish(&mut out);
            out
        }

        #[test]
        fn sending_adds_cr_only_to_bare_lf() {
            assert_eq!(to(&[b"a\nb\r\nc"]), b"a\r\nb\r\nc");
            assert_eq!(to(&[b"\n\n"]), b"\r\n\r\n");
            assert_eq!(to(&[b"a\r", b"\nb"]), b"a\r\nb");
            assert_eq!(to(&[b"a", b"\nb"]), b"a\r\nb");
            assert_eq!(to(&[b"x\r"]), b"x\r");
        }

        #[test]
        fn receiving_drops_cr_before_lf_only() {
            assert_eq!(from(&[b"a\r\nb\rc\n"]), b"a\nb\rc\n");
            assert_eq!(from(&[b"a\r", b"\nb"]), b"a\nb");
            assert_eq!(from(&[b"a\r", b"b"]), b"a\rb");
            assert_eq!(from(&[b"end\r"]), b"end\r");
            assert_eq!(from(&[b"\r\r\n"]), b"\r\n");
        }
    }
}
