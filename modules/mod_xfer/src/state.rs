//! mod_xfer's per-session state.

use std::fs::File;

/// What mod_xfer remembers between commands of one session.
#[derive(Default)]
pub struct XferState {
    /// REST/RANG start offset for the next transfer only (0: none). Kept
    /// as the client sent it: 1.3.8 stores it in a signed `off_t`, so a
    /// value above `i64::MAX` acts as no offset on RETR (measured).
    pub restart: u64,
    /// RANG length for the next transfer (0: to the end of the file). REST
    /// resets it; RANG sets both.
    pub range_len: u64,
    /// The open TransferLog (opened as root in `sess_init`, before any
    /// chroot), with the local time zone read at the same time.
    pub log: Option<TransferLog>,
    /// DELE's target, seen in PRE_CMD before the file goes away: its real
    /// path and size, for the xferlog line written once DELE succeeds.
    pub dele: Option<(Vec<u8>, u64)>,
}

/// The TransferLog file and the zone its timestamps are written in.
pub struct TransferLog {
    pub file: File,
    /// Read before the chroot hides `/etc/localtime`.
    pub tz: jiff::tz::TimeZone,
}

impl XferState {
    /// The REST/RANG setting for this transfer, cleared for the next one
    /// (1.3.8 clears it whatever the transfer's outcome, measured).
    pub fn take_restart(&mut self) -> Restart {
        Restart {
            pos: std::mem::take(&mut self.restart),
            range_len: std::mem::take(&mut self.range_len),
        }
    }
}

/// One transfer's REST/RANG setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Restart {
    pub pos: u64,
    /// 0: no range.
    pub range_len: u64,
}

impl Restart {
    /// The verb the 554 names: `RANG` when a range was set, else `REST`.
    pub fn verb(&self) -> &'static str {
        if self.range_len > 0 { "RANG" } else { "REST" }
    }
}
