//! The control-channel line reader (spec `commands.md` §0): Telnet-aware,
//! bounded, byte-oriented. Pure: no I/O, so it can be table-tested and
//! fuzzed; the session loop feeds it what the socket gives.
//!
//! Behaviour measured on ProFTPD 1.3.8:
//! * A line ends at CR LF only. A bare LF is an ordinary byte (`NOOP\nSYST
//!   \r\n` is one command), and so is a CR not followed by LF.
//! * Telnet: `IAC IAC` is a data 0xFF; `IAC WILL/WONT x` is answered `IAC
//!   DONT x`, `IAC DO/DONT x` is answered `IAC WONT x`; `IAC IP` and `IAC
//!   DM` (the Synch before ABOR) are dropped; any other `IAC x` is kept as
//!   the two data bytes (`CWD a\xffA` names `a\xffA`). Dropped Telnet
//!   bytes do not count against the limit.
//! * The line buffer holds `CommandBufferSize - 1` bytes, CR LF included
//!   (default 4103 - 1, so a 4100-byte command fits). A line that fills it
//!   is discarded without a reply: each full buffer of the discarded line is
//!   one [`ReadEvent::TooLong`], and so is its CR LF tail. The session
//!   closes after more than [`MAX_TOO_LONG`] of them before a good line.
//! * The delivered line loses up to two more trailing CR/LF bytes and one
//!   leading CR.

/// ProFTPD's default command buffer (`PR_TUNABLE_PATH_MAX + 7`), measured:
/// the longest accepted command is 4100 bytes plus CR LF.
pub const DEFAULT_BUFFER_SIZE: usize = 4103;

/// The largest `CommandBufferSize` we honour, whatever the config says: the
/// line buffer is allocated up front.
pub const MAX_BUFFER_SIZE: usize = 1 << 20;

/// The smallest buffer that can still hold a command and its CR LF.
const MIN_BUFFER_SIZE: usize = 8;

/// Over-long chunks tolerated before one good line; one more closes.
pub const MAX_TOO_LONG: u32 = 3;
/// Telnet option answers (3 bytes each) kept between two reads: a client
/// flooding negotiations gets answers only up to this backlog.
pub const MAX_TELNET_ANSWERS: usize = 64;

const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;
const WILL: u8 = 251;
/// Interrupt Process and Data Mark, the Synch a client sends before ABOR.
const IP: u8 = 244;
const DM: u8 = 242;

/// What the reader found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadEvent {
    /// A complete command line, terminators removed.
    Line(Vec<u8>),
    /// A buffer's worth of an over-long line was discarded; `ended` when
    /// this was the line's CR LF tail (ProFTPD logs only then).
    TooLong { ended: bool },
}

/// Telnet option-negotiation state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Telnet {
    Data,
    /// After IAC.
    Iac,
    /// After IAC WILL/WONT/DO/DONT: the next byte is the option, answered
    /// with this verb.
    Option(u8),
}

/// The data bytes one input byte yields after Telnet processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TelnetOut {
    Nothing,
    Byte(u8),
    /// An `IAC x` that is no Telnet command: both bytes are data.
    Pair(u8, u8),
}

/// The line reader of one control connection.
#[derive(Debug)]
pub struct LineReader {
    /// Bytes a line may occupy, CR LF included.
    cap: usize,
    /// The line being assembled (never longer than `cap`).
    buf: Vec<u8>,
    /// Set while the rest of an over-long line is skipped.
    discarding: bool,
    /// Bytes skipped since the last [`ReadEvent::TooLong`].
    discarded: usize,
    /// Whether the last raw byte seen was CR. Cleared whenever a full
    /// buffer is thrown away: 1.3.8 reads the next buffer afresh, so a CR
    /// LF split across the limit does not end the discarded line, which
    /// then runs on to the next CR LF (observed: a 4101-byte command
    /// swallows the command after it).
    last_cr: bool,
    telnet: Telnet,
    /// The second byte of a kept `IAC x` pair, when the first byte ended
    /// an event (a full buffer): it starts the next call.
    carry: Option<u8>,
    /// Telnet answers to send before the next reply.
    telnet_out: Vec<u8>,
}

impl LineReader {
    /// A reader for `CommandBufferSize` = `buffer_size` (clamped to a sane
    /// range).
    pub fn new(buffer_size: usize) -> LineReader {
        let size = buffer_size.clamp(MIN_BUFFER_SIZE, MAX_BUFFER_SIZE);
        LineReader {
            cap: size - 1,
            buf: Vec::with_capacity(size.min(DEFAULT_BUFFER_SIZE)),
            discarding: false,
            discarded: 0,
            last_cr: false,
            telnet: Telnet::Data,
            carry: None,
            telnet_out: Vec::new(),
        }
    }

    /// Consumes bytes from `input` until one event is complete and returns
    /// it, or `None` when `input` is used up first (the partial line is
    /// kept for the next call).
    pub fn next_event(&mut self, input: &mut &[u8]) -> Option<ReadEvent> {
        if let Some(b) = self.carry.take() {
            if let Some(ev) = self.data_byte(b, false) {
                return Some(ev);
            }
        }
        while let Some((&b, rest)) = input.split_first() {
            *input = rest;
            // CR LF is judged on the raw stream: a CR eaten as a Telnet
            // option byte still makes the next LF end the line (1.3.8).
            let after_cr = self.last_cr;
            self.last_cr = b == b'\r';
            let (data, kept) = match self.telnet_byte(b) {
                TelnetOut::Nothing => continue,
                TelnetOut::Byte(d) => (d, None),
                TelnetOut::Pair(d, k) => (d, Some(k)),
            };
            if let Some(ev) = self.data_byte(data, after_cr) {
                self.carry = kept;
                return Some(ev);
            }
            if let Some(k) = kept {
                // The IAC before it was no CR.
                if let Some(ev) = self.data_byte(k, false) {
                    return Some(ev);
                }
            }
        }
        None
    }

    /// Telnet answers gathered so far (to be written before any reply).
    pub fn take_telnet_replies(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.telnet_out)
    }

    /// Runs the Telnet state machine; returns the data bytes, if any.
    fn telnet_byte(&mut self, b: u8) -> TelnetOut {
        match self.telnet {
            Telnet::Data if b == IAC => {
                self.telnet = Telnet::Iac;
                TelnetOut::Nothing
            }
            Telnet::Data => TelnetOut::Byte(b),
            Telnet::Iac => {
                self.telnet = Telnet::Data;
                match b {
                    IAC => TelnetOut::Byte(IAC),
                    WILL | WONT => {
                        self.telnet = Telnet::Option(DONT);
                        TelnetOut::Nothing
                    }
                    DO | DONT => {
                        self.telnet = Telnet::Option(WONT);
                        TelnetOut::Nothing
                    }
                    IP | DM => TelnetOut::Nothing,
                    other => TelnetOut::Pair(IAC, other),
                }
            }
            Telnet::Option(answer) => {
                self.telnet = Telnet::Data;
                if self.telnet_out.len() < 3 * MAX_TELNET_ANSWERS {
                    self.telnet_out.extend_from_slice(&[IAC, answer, b]);
                }
                TelnetOut::Nothing
            }
        }
    }

    /// Adds one data byte to the line; returns an event when one is due.
    fn data_byte(&mut self, b: u8, after_cr: bool) -> Option<ReadEvent> {
        let ends_line = b == b'\n' && after_cr;
        if self.discarding {
            if ends_line {
                self.discarding = false;
                self.discarded = 0;
                return Some(ReadEvent::TooLong { ended: true });
            }
            self.discarded += 1;
            if self.discarded >= self.cap {
                self.discarded = 0;
                self.last_cr = false;
                return Some(ReadEvent::TooLong { ended: false });
            }
            return None;
        }
        self.buf.push(b);
        if ends_line {
            let line = clean(&self.buf);
            self.buf.clear();
            return Some(ReadEvent::Line(line));
        }
        if self.buf.len() >= self.cap {
            self.buf.clear();
            self.discarding = true;
            self.discarded = 0;
            self.last_cr = false;
            return Some(ReadEvent::TooLong { ended: false });
        }
        None
    }
}

/// Drops the final LF, then up to three more trailing CR/LF bytes (the
/// CR of CR LF and up to two stray terminators), then one leading CR.
fn clean(raw: &[u8]) -> Vec<u8> {
    let mut end = raw.len().saturating_sub(1);
    for _ in 0..3 {
        if end > 0 && matches!(raw[end - 1], b'\r' | b'\n') {
            end -= 1;
        }
    }
    let start = usize::from(end > 0 && raw[0] == b'\r');
    raw[start..end].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(size: usize, chunks: &[&[u8]]) -> (Vec<ReadEvent>, Vec<u8>) {
        let mut r = LineReader::new(size);
        let mut out = Vec::new();
        for chunk in chunks {
            let mut input = *chunk;
            while let Some(ev) = r.next_event(&mut input) {
                out.push(ev);
            }
        }
        (out, r.take_telnet_replies())
    }

    const FULL: ReadEvent = ReadEvent::TooLong { ended: false };
    const TAIL: ReadEvent = ReadEvent::TooLong { ended: true };

    fn line(s: &[u8]) -> ReadEvent {
        ReadEvent::Line(s.to_vec())
    }

    #[test]
    fn line_endings() {
        let table: &[(&[u8], &[ReadEvent])] = &[
            (b"NOOP\r\n", &[]),
            (b"noop\r\n", &[]),
            (b"\r\n", &[]),
            (b"\rNOOP\r\n", &[]),
            (b"NOOP\r\r\n", &[]),
            (b"NOOP\n\r\n", &[]),
            (b"NOOP\nSYST\r\n", &[]),
            (b"NOOP\rSYST\r\n", &[]),
            (b"NOOP", &[]),
            (b"NOOP\n", &[]),
        ];
        let want: &[&[ReadEvent]] = &[
            &[line(b"NOOP")],
            &[line(b"noop")],
            &[line(b"")],
            &[line(b"NOOP")],
            &[line(b"NOOP")],
            &[line(b"NOOP")],
            &[line(b"NOOP\nSYST")],
            &[line(b"NOOP\rSYST")],
            &[],
            &[],
        ];
        for ((input, _), want) in table.iter().zip(want) {
            assert_eq!(events(DEFAULT_BUFFER_SIZE, &[input]).0, *want, "{input:?}");
        }
    }

    #[test]
    fn split_across_reads() {
        let (ev, _) = events(
            DEFAULT_BUFFER_SIZE,
            &[b"NO", b"OP\r", b"\nSYST\r\nPW", b"D\r\n"],
        );
        assert_eq!(ev, [line(b"NOOP"), line(b"SYST"), line(b"PWD")]);
    }

    #[test]
    fn nul_and_high_bytes_are_data() {
        let (ev, _) = events(DEFAULT_BUFFER_SIZE, &[b"CWD \x00\xfe\x80\r\n"]);
        assert_eq!(ev, [line(b"CWD \x00\xfe\x80")]);
    }

    #[test]
    fn telnet() {
        let (ev, out) = events(DEFAULT_BUFFER_SIZE, &[b"NO\xff\xf4OP\r\n"]);
        assert_eq!((ev, out), (vec![line(b"NOOP")], vec![]));
        let (ev, out) = events(DEFAULT_BUFFER_SIZE, &[b"\xff\xfb\x01NOOP\r\n"]);
        assert_eq!((ev, out), (vec![line(b"NOOP")], vec![IAC, DONT, 1]));
        let (ev, out) = events(DEFAULT_BUFFER_SIZE, &[b"\xff\xfd\x01NOOP\r\n"]);
        assert_eq!((ev, out), (vec![line(b"NOOP")], vec![IAC, WONT, 1]));
        let (ev, _) = events(DEFAULT_BUFFER_SIZE, &[b"\xff\xffX\r\n"]);
        assert_eq!(ev, [line(b"\xffX")]);
        // IP and DM vanish; any other IAC pair is data (1.3.8: `CWD a\xffAz`
        // answers `550 a\xffAz: ...`), and so is an IAC before CR LF.
        let (ev, _) = events(DEFAULT_BUFFER_SIZE, &[b"CWD a\xff\xf2b\xff\xf4c\r\n"]);
        assert_eq!(ev, [line(b"CWD abc")]);
        let (ev, _) = events(DEFAULT_BUFFER_SIZE, &[b"CWD a\xffAz\xff\xf1\r\n"]);
        assert_eq!(ev, [line(b"CWD a\xffAz\xff\xf1")]);
        let (ev, _) = events(DEFAULT_BUFFER_SIZE, &[b"CWD a\xff", b"\r\nNOOP\r\n"]);
        assert_eq!(ev, [line(b"CWD a\xff"), line(b"NOOP")]);
        // IAC DONT takes the CR as its option, and the LF still ends the
        // (empty) line: 1.3.8 answers `IAC WONT CR` and `500 Invalid
        // command`.
        let (ev, out) = events(DEFAULT_BUFFER_SIZE, &[b"\xff\xfe\r\n"]);
        assert_eq!((ev, out), (vec![line(b"")], vec![IAC, WONT, b'\r']));
        // An IAC split across reads.
        let (ev, out) = events(DEFAULT_BUFFER_SIZE, &[b"NOOP\xff", b"\xfb", b"\x03\r\n"]);
        assert_eq!((ev, out), (vec![line(b"NOOP")], vec![IAC, DONT, 3]));
    }

    #[test]
    fn limits_measured_on_1_3_8() {
        // 4100 bytes of command plus CR LF fit the default buffer.
        let mut ok = b"NOOP ".to_vec();
        ok.resize(4100, b'a');
        let mut input = ok.clone();
        input.extend_from_slice(b"\r\n");
        assert_eq!(
            events(DEFAULT_BUFFER_SIZE, &[&input]).0,
            [ReadEvent::Line(ok.clone())]
        );

        // One more byte: the CR fills the buffer, so its LF ends nothing and
        // the discarded line runs on through the next command.
        let mut long = ok.clone();
        long.push(b'a');
        long.extend_from_slice(b"\r\nNOOP\r\nSYST\r\n");
        assert_eq!(
            events(DEFAULT_BUFFER_SIZE, &[&long]).0,
            [FULL, TAIL, line(b"SYST")]
        );
        // Two more: the CR LF tail ends the discarded line.
        let mut long = ok.clone();
        long.extend_from_slice(b"aa\r\nNOOP\r\n");
        assert_eq!(
            events(DEFAULT_BUFFER_SIZE, &[&long]).0,
            [FULL, TAIL, line(b"NOOP")]
        );

        // 4500 bytes: one full buffer plus the tail.
        let mut l = vec![b'a'; 4500];
        l.extend_from_slice(b"\r\n");
        assert_eq!(events(DEFAULT_BUFFER_SIZE, &[&l]).0, [FULL, TAIL]);

        // 12005 bytes: three events (1.3.8 keeps the session); 16005: four.
        let mut l = vec![b'a'; 12005];
        l.extend_from_slice(b"\r\n");
        assert_eq!(events(DEFAULT_BUFFER_SIZE, &[&l]).0.len(), 3);
        let mut l = vec![b'a'; 16005];
        l.extend_from_slice(b"\r\n");
        assert_eq!(events(DEFAULT_BUFFER_SIZE, &[&l]).0.len(), 4);
    }

    #[test]
    fn small_configured_buffer() {
        // 16 bytes of buffer: 13 of command plus CR LF fit, 15 do not.
        let (ev, _) = events(16, &[b"NOOP 12345678\r\n", b"NOOP 1234567890\r\n"]);
        assert_eq!(ev, [line(b"NOOP 12345678"), FULL, TAIL]);
    }

    #[test]
    fn megabyte_line_stays_bounded() {
        let mut r = LineReader::new(DEFAULT_BUFFER_SIZE);
        let big = vec![b'x'; 1 << 20];
        let mut input = &big[..];
        let mut n = 0;
        while let Some(ev) = r.next_event(&mut input) {
            assert_eq!(ev, FULL);
            n += 1;
        }
        assert_eq!(n, (1 << 20) / (DEFAULT_BUFFER_SIZE - 1));
        assert!(r.buf.capacity() <= DEFAULT_BUFFER_SIZE);
    }

    #[test]
    fn ten_thousand_commands_in_one_read() {
        let input = b"NOOP\r\n".repeat(10_000);
        let (ev, _) = events(DEFAULT_BUFFER_SIZE, &[&input]);
        assert_eq!(ev.len(), 10_000);
    }

    #[test]
    fn telnet_answers_are_bounded() {
        let input = b"\xff\xfb\x01".repeat(10_000);
        let (_, out) = events(DEFAULT_BUFFER_SIZE, &[&input]);
        assert!(out.len() <= 3 * MAX_TELNET_ANSWERS);
    }
}
