//! The shared state of one listing command: the session facts it needs
//! (cwd, names, settings), the ls flags, the ListOptions limits, and the
//! output (a buffer flushed to the data connection, or STAT's reply
//! lines). `list.rs` and `nlst.rs` hold the two algorithms.

use std::path::PathBuf;

use proftpd_api::session::NameMaps;

use crate::format;
use crate::keys::{ListOptions, ListStyle};
use crate::opts::Flags;

/// 1.3.8 formats every piece of output through a 1024-byte buffer
/// (`PR_TUNABLE_BUFFER_SIZE`), so a longer line is cut there (its CRLF
/// included).
pub const SENDLINE_MAX: usize = 1024;

/// The output is handed to the data connection in chunks of about this
/// size, so a huge recursive listing never sits whole in memory.
pub const FLUSH_AT: usize = 256 * 1024;

/// Deeper recursion than this stops (ours; 1.3.8 is bounded only by
/// PATH_MAX): keeps the stack and the open-directory count small.
pub const MAX_RECURSION_DEPTH: u32 = 256;

/// Where listing times are shown.
#[derive(Debug, Clone)]
pub enum Zone {
    Utc,
    Local(jiff::tz::TimeZone),
}

impl Zone {
    /// Shifts epoch seconds into this zone's wall-clock seconds.
    pub fn shift(&self, t: i64) -> i64 {
        match self {
            Zone::Utc => t,
            Zone::Local(tz) => match jiff::Timestamp::from_second(t) {
                Ok(ts) => t + i64::from(tz.to_offset(ts).seconds()),
                Err(_) => t,
            },
        }
    }
}

/// The data connection as a listing sees it.
pub trait Conn {
    /// Opens the data connection and sends the 150 reply.
    fn open(&mut self) -> std::io::Result<()>;
    /// Sends listing bytes; false when the transfer ended early (the
    /// caller keeps the reason for the reply).
    fn write(&mut self, bytes: &[u8]) -> bool;
}

/// What the session contributes to a listing.
pub struct Env<'a> {
    /// The session's directory (virtual, absolute).
    pub cwd: &'a [u8],
    pub names: &'a NameMaps,
    pub show_symlinks: bool,
    pub zone: Zone,
    /// The command's start time (epoch seconds), for the six-month rule.
    pub now: i64,
    pub style: ListStyle,
    pub globbing: bool,
    pub fake_user: Option<Vec<u8>>,
    pub fake_group: Option<Vec<u8>>,
    pub fake_mode: Option<u32>,
    /// The ListOptions that apply to this command.
    pub list_options: Option<ListOptions>,
}

impl Env<'_> {
    /// The OS path of a client path (relative ones below the cwd).
    pub fn fs(&self, p: &[u8]) -> PathBuf {
        proftpd_api::path::fs_path(&self.virt(p))
    }

    /// The absolute virtual path of a client path.
    pub fn virt(&self, p: &[u8]) -> Vec<u8> {
        proftpd_api::path::join(self.cwd, p)
    }

    pub fn no_error_if_absent(&self) -> bool {
        self.list_options
            .as_ref()
            .is_some_and(|l| l.no_error_if_absent)
    }
}

/// One ListOptions limit (`curr` counts up during the command).
#[derive(Debug, Clone, Copy, Default)]
pub struct Limit {
    pub curr: u32,
    pub max: u32,
    /// The directive word, for the log line.
    pub what: &'static str,
    /// Whether the log line was written (once per command, as 1.3.8).
    logged: bool,
}

impl Limit {
    fn new(what: &'static str, max: u32) -> Limit {
        Limit {
            curr: 0,
            max,
            what,
            logged: false,
        }
    }

    /// Whether the limit is reached; the first time, logs it as 1.3.8
    /// does (the client is told nothing: the listing just ends).
    pub fn reached(&mut self) -> bool {
        let hit = self.curr > 0 && self.max > 0 && self.curr >= self.max;
        if hit && !self.logged {
            self.logged = true;
            // maxdepth is counted one higher than it is configured.
            let shown = if self.what == "maxdepth" {
                self.max - 1
            } else {
                self.max
            };
            log::debug!("ListOptions {} ({shown}) reached", self.what);
        }
        hit
    }
}

/// A line waiting for [`Engine::output_files`] (sorting, columns).
#[derive(Debug, Clone, Copy)]
pub struct Pending {
    start: usize,
    len: usize,
    time: i64,
    size: u64,
}

pub struct Engine<'a, 'c> {
    pub env: &'a Env<'a>,
    pub flags: Flags,
    pub depth: Limit,
    pub dirs: Limit,
    pub files: Limit,
    conn: Option<&'c mut dyn Conn>,
    /// The bytes of pending lines.
    arena: Vec<u8>,
    /// Lines for plain output, in order.
    lines: Vec<Pending>,
    /// Lines collected for `-t`/`-S` sorting.
    sort: Vec<Pending>,
    colwidth: usize,
    out: Vec<u8>,
    /// STAT: the listing lines, for the control connection.
    pub stat_lines: Vec<Vec<u8>>,
    /// The data connection failed; everything stops.
    pub failed: bool,
    /// Scratch space for one line.
    scratch: Vec<u8>,
}

impl<'a, 'c> Engine<'a, 'c> {
    pub fn new(env: &'a Env<'a>, flags: Flags, conn: Option<&'c mut dyn Conn>) -> Self {
        let lo = env.list_options.as_ref();
        // 1.3.8 counts the listed directory itself as a level.
        let maxdepth = lo.map_or(0, |l| {
            if l.maxdepth > 0 {
                l.maxdepth.saturating_add(1)
            } else {
                0
            }
        });
        let depth = Limit::new("maxdepth", maxdepth);
        let dirs = Limit::new("maxdirs", lo.map_or(0, |l| l.maxdirs));
        let files = Limit::new("maxfiles", lo.map_or(0, |l| l.maxfiles));
        Engine {
            env,
            flags,
            depth,
            dirs,
            files,
            conn,
            arena: Vec::new(),
            lines: Vec::new(),
            sort: Vec::new(),
            colwidth: 0,
            out: Vec::with_capacity(64 * 1024),
            stat_lines: Vec::new(),
            failed: false,
            scratch: Vec::with_capacity(256),
        }
    }

    /// Opens the data connection (and sends the 150).
    pub fn open(&mut self) -> std::io::Result<()> {
        match self.conn.as_deref_mut() {
            Some(c) => c.open(),
            None => Ok(()),
        }
    }

    /// Appends one piece of output as 1.3.8's sendline does (cut at
    /// [`SENDLINE_MAX`] bytes).
    pub fn sendline(&mut self, parts: &[&[u8]]) {
        if self.failed {
            return;
        }
        let start = self.out.len();
        for p in parts {
            self.out.extend_from_slice(p);
        }
        self.out
            .truncate(start + SENDLINE_MAX.min(self.out.len() - start));
        if self.out.len() >= FLUSH_AT {
            self.flush();
        }
    }

    /// Hands the buffered output to the data connection.
    pub fn flush(&mut self) -> bool {
        if !self.out.is_empty() && !self.failed {
            if let Some(c) = self.conn.as_deref_mut() {
                if !c.write(&self.out) {
                    self.failed = true;
                }
            }
            self.out.clear();
        }
        !self.failed
    }

    /// A finished line (`text` + `suffix`): sent at once with `-U`, kept
    /// for sorting with `-t`/`-S`, else kept for [`Engine::output_files`].
    pub fn add_file(&mut self, text: &[u8], suffix: &[u8], time: i64, size: u64) {
        if self.flags.big_u {
            self.sendline(&[text, suffix, b"\r\n"]);
            return;
        }
        let start = self.arena.len();
        self.arena.extend_from_slice(text);
        self.arena.extend_from_slice(suffix);
        let p = Pending {
            start,
            len: text.len() + suffix.len(),
            time,
            size,
        };
        if self.flags.big_s || self.flags.t {
            self.sort.push(p);
        } else {
            self.colwidth = self.colwidth.max(p.len);
            self.lines.push(p);
        }
    }

    fn sort_files(&mut self) {
        let mut sort = std::mem::take(&mut self.sort);
        let rev = self.flags.r;
        // Stable, as glibc's qsort (a merge sort) is: ties keep name order.
        if self.flags.t {
            sort.sort_by(|a, b| {
                let o = b.time.cmp(&a.time);
                if rev { o.reverse() } else { o }
            });
        } else if self.flags.big_s {
            sort.sort_by(|a, b| {
                let o = b.size.cmp(&a.size);
                if rev { o.reverse() } else { o }
            });
        }
        for p in sort {
            self.colwidth = self.colwidth.max(p.len);
            self.lines.push(p);
        }
    }

    /// Sends the pending lines: one per line, or in columns with `-C`.
    pub fn output_files(&mut self) -> bool {
        if self.flags.big_s || self.flags.t {
            self.sort_files();
        }
        if self.lines.is_empty() {
            self.arena.clear();
            self.colwidth = 0;
            return self.flush();
        }
        let mut colwidth = (self.colwidth | 7) + 1;
        if self.flags.l || !self.flags.big_c {
            colwidth = 75;
        }
        colwidth = colwidth.min(75);
        let lines = std::mem::take(&mut self.lines);
        let arena = std::mem::take(&mut self.arena);
        let text = |p: &Pending| &arena[p.start..p.start + p.len];
        if self.flags.big_c {
            let per_row = 75 / colwidth;
            let n = lines.len();
            let rows = n.div_ceil(per_row);
            for r in 0..rows {
                let mut i = r;
                while i < n {
                    let t = text(&lines[i]);
                    if i + rows < n {
                        let tabs = ((colwidth + 7).saturating_sub(t.len()) / 8).min(5);
                        self.sendline(&[t, &b"\t\t\t\t\t"[..tabs]]);
                    } else {
                        self.sendline(&[t, b"\r\n"]);
                    }
                    i += rows;
                }
            }
        } else {
            for p in &lines {
                self.sendline(&[text(p), b"\r\n"]);
            }
        }
        self.arena = arena;
        self.arena.clear();
        self.lines = lines;
        self.lines.clear();
        self.colwidth = 0;
        self.flush()
    }

    /// The owner column text.
    fn push_owner(&self, out: &mut Vec<u8>, uid: u32) {
        match (&self.env.fake_user, self.env.names.user(uid)) {
            (Some(f), _) => format::push_left(out, f, 8),
            (None, Some(n)) => format::push_left(out, n.as_bytes(), 8),
            (None, None) => format::push_u64_left(out, u64::from(uid), 8),
        }
    }

    fn push_group(&self, out: &mut Vec<u8>, gid: u32) {
        match (&self.env.fake_group, self.env.names.group(gid)) {
            (Some(f), _) => format::push_left(out, f, 8),
            (None, Some(n)) => format::push_left(out, n.as_bytes(), 8),
            (None, None) => format::push_u64_left(out, u64::from(gid), 8),
        }
    }

    /// Builds the ls -l line of an entry into the scratch buffer and
    /// returns it (taken; give it back with [`Engine::give_scratch`]).
    pub fn long_line(
        &mut self,
        st: &crate::fsx::Stat,
        time: i64,
        display: &[u8],
        link: Option<&[u8]>,
    ) -> Option<Vec<u8>> {
        let tc = format::type_char(st.mode)?;
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        if self.flags.one {
            out.extend_from_slice(display);
            return Some(out);
        }
        let mode = match self.env.fake_mode {
            Some(f) => format::fake_mode(st.mode, f),
            None => st.mode,
        };
        out.push(tc);
        out.extend_from_slice(&format::perm_chars(mode));
        out.push(b' ');
        format::push_u64_right(&mut out, st.nlink, 3);
        out.push(b' ');
        if self.flags.n {
            format::push_u64_left(&mut out, u64::from(st.uid), 8);
            out.push(b' ');
            format::push_u64_left(&mut out, u64::from(st.gid), 8);
        } else {
            self.push_owner(&mut out, st.uid);
            out.push(b' ');
            self.push_group(&mut out, st.gid);
        }
        out.push(b' ');
        format::push_size(&mut out, st.size, self.flags.h);
        out.push(b' ');
        format::push_time(&mut out, self.env.zone.shift(time), self.env.now - time);
        out.push(b' ');
        out.extend_from_slice(display);
        if let Some(target) = link {
            out.extend_from_slice(b" -> ");
            out.extend_from_slice(target);
        }
        Some(out)
    }

    /// ListStyle Windows: `MM-DD-YY  HH:MM  <DIR>|size name`.
    pub fn windows_line(&mut self, st: &crate::fsx::Stat, time: i64, display: &[u8]) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        format::push_windows_time(&mut out, self.env.zone.shift(time));
        if st.is_dir() {
            out.extend_from_slice(b"       <DIR>         ");
        } else {
            out.extend_from_slice(&[b' '; 12]);
            format::push_u64_right(&mut out, st.size, 9);
        }
        out.push(b' ');
        out.extend_from_slice(display);
        out
    }

    pub fn give_scratch(&mut self, v: Vec<u8>) {
        self.scratch = v;
    }
}
