//! What a command line gets while a transfer runs (ProFTPD's data.c, the
//! control-channel poll of its transfer loop; texts observed on 1.3.8).
//!
//! * A data command (`RETR`, `PASV`, ...) is refused at once with
//!   `450 <VERB>: data transfer in progress`: one data connection at a time.
//! * `NOOP` gets `200 NOOP: data transfer in progress`.
//! * `ABOR` stops the transfer at once (its 426), but the command itself
//!   runs after the transfer command has finished and cleaned up (a
//!   partial or hidden upload removed), so the client's `226 Abort
//!   successful` means the abort is complete, as with 1.3.8.
//! * Anything else (STAT, QUIT, SIZE, ...) is dispatched as usual.
//!
//! While the data connection is still being opened (PASV accept, PORT
//! connect) only `ABOR` and `QUIT` matter: they end the wait.

use proftpd_api::cmd::Cmd;

/// The verbs a running transfer refuses with 450.
const BUSY_VERBS: &[&str] = &[
    "APPE", "LIST", "MLSD", "NLST", "RETR", "STOR", "STOU", "RNFR", "RNTO", "PORT", "EPRT", "PASV",
    "EPSV",
];

/// How a line read during a transfer is handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inflight {
    /// `450 <VERB>: data transfer in progress`, not dispatched.
    Busy(String),
    /// `200 NOOP: data transfer in progress`.
    Noop,
    /// Abort now; dispatch the line once the transfer command is done.
    Abort,
    /// Dispatched through the usual phases.
    Dispatch,
}

/// The upper-cased verb of a control line (a NUL ends the line, as in
/// dispatch).
fn verb(line: &[u8]) -> String {
    let line = match line.iter().position(|&b| b == 0) {
        Some(i) => &line[..i],
        None => line,
    };
    Cmd::parse(line).verb
}

/// Classifies a line read while a transfer runs.
pub fn classify(line: &[u8]) -> Inflight {
    let verb = verb(line);
    if verb == "NOOP" {
        Inflight::Noop
    } else if verb == "ABOR" {
        Inflight::Abort
    } else if BUSY_VERBS.contains(&verb.as_str()) {
        Inflight::Busy(verb)
    } else {
        Inflight::Dispatch
    }
}

/// Whether a line read while a data connection is being opened cancels
/// the wait (`ABOR`, `QUIT`).
pub fn cancels_open(line: &[u8]) -> bool {
    matches!(verb(line).as_str(), "ABOR" | "QUIT")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_commands_are_busy_noop_is_answered_the_rest_dispatched() {
        let table: &[(&[u8], Inflight)] = &[
            (b"RETR x", Inflight::Busy("RETR".into())),
            (b"retr x", Inflight::Busy("RETR".into())),
            (b"PASV", Inflight::Busy("PASV".into())),
            (b"epsv ALL", Inflight::Busy("EPSV".into())),
            (b"RNFR a", Inflight::Busy("RNFR".into())),
            (b"NOOP", Inflight::Noop),
            (b"noop x", Inflight::Noop),
            (b"ABOR", Inflight::Abort),
            (b"abor", Inflight::Abort),
            (b"STAT", Inflight::Dispatch),
            (b"QUIT", Inflight::Dispatch),
            (b"SIZE big", Inflight::Dispatch),
            (b"RETRX", Inflight::Dispatch),
            (b"", Inflight::Dispatch),
            (b"RETR\0x", Inflight::Busy("RETR".into())),
            (b"\0RETR", Inflight::Dispatch),
        ];
        for (line, want) in table {
            assert_eq!(&classify(line), want, "{line:?}");
        }
    }

    #[test]
    fn only_abor_and_quit_cancel_an_open() {
        assert!(cancels_open(b"ABOR"));
        assert!(cancels_open(b"abor"));
        assert!(cancels_open(b"QUIT"));
        assert!(!cancels_open(b"ABORT"));
        assert!(!cancels_open(b"NOOP"));
        assert!(!cancels_open(b"STAT"));
    }
}
