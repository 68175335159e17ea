//! The facts of RFC 3659 §7 as ProFTPD 1.3.8's mod_facts shows them: which
//! facts exist, which are selected, and the one formatting of an entry's
//! fact line shared by MLSD and MLST.
//!
//! The fact order is fixed (`modify perm size type unique UNIX.group
//! UNIX.groupname UNIX.mode UNIX.owner UNIX.ownername`), whatever order a
//! client's `OPTS MLST` named them in; `size` is left out for directories.

use crate::time::push_stamp;

/// One fact ProFTPD knows, as a bit of a [`FactSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    /// The fact's name as ProFTPD spells it (FEAT, `OPTS MLST` replies).
    pub name: &'static str,
    bit: u16,
}

pub const MODIFY: Fact = Fact::new("modify", 0);
pub const PERM: Fact = Fact::new("perm", 1);
pub const SIZE: Fact = Fact::new("size", 2);
pub const TYPE: Fact = Fact::new("type", 3);
pub const UNIQUE: Fact = Fact::new("unique", 4);
pub const UNIX_GROUP: Fact = Fact::new("UNIX.group", 5);
pub const UNIX_GROUPNAME: Fact = Fact::new("UNIX.groupname", 6);
pub const UNIX_MODE: Fact = Fact::new("UNIX.mode", 7);
pub const UNIX_OWNER: Fact = Fact::new("UNIX.owner", 8);
pub const UNIX_OWNERNAME: Fact = Fact::new("UNIX.ownername", 9);

/// Every fact, in the order of the FEAT line and of every fact line.
pub const ALL: [Fact; 10] = [
    MODIFY,
    PERM,
    SIZE,
    TYPE,
    UNIQUE,
    UNIX_GROUP,
    UNIX_GROUPNAME,
    UNIX_MODE,
    UNIX_OWNER,
    UNIX_OWNERNAME,
];

/// The facts that are named by user or group name, hidden by
/// `FactsOptions NoNames`.
const NAME_FACTS: [Fact; 2] = [UNIX_GROUPNAME, UNIX_OWNERNAME];

impl Fact {
    /// The fact `name`, bit `index` of a [`FactSet`].
    const fn new(name: &'static str, index: u32) -> Fact {
        Fact {
            name,
            bit: 1 << index,
        }
    }

    /// The fact named `name` (case-insensitive, as ProFTPD's `strcasecmp`).
    /// `media-type` needs mod_mime, which this build does not have.
    pub fn named(name: &[u8]) -> Option<Fact> {
        ALL.into_iter()
            .find(|f| f.name.as_bytes().eq_ignore_ascii_case(name))
    }
}

/// A set of facts: the ones a session shows (`OPTS MLST`, `FactsDefault`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FactSet(u16);

impl FactSet {
    pub const EMPTY: FactSet = FactSet(0);
    /// Every fact: what a session shows unless `FactsDefault` or `OPTS MLST`
    /// says otherwise.
    pub const ALL: FactSet = FactSet((1 << 10) - 1);

    pub fn with(self, f: Fact) -> FactSet {
        FactSet(self.0 | f.bit)
    }

    pub fn has(self, f: Fact) -> bool {
        self.0 & f.bit != 0
    }
}

/// `FactsOptions` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FactsOpts {
    /// `UseSlink`: symlinks as `type=OS.unix=slink:<target>`.
    pub use_slink: bool,
    /// `NoNames`: no UNIX.ownername/UNIX.groupname, not even in FEAT.
    pub no_names: bool,
    /// `NoAdjustedSymlinks`: accepted; 1.3.8 shows the raw link target
    /// either way.
    pub no_adjusted_symlinks: bool,
}

impl FactsOpts {
    /// Both sets of flags (several `FactsOptions` lines add up).
    pub fn union(self, o: FactsOpts) -> FactsOpts {
        FactsOpts {
            use_slink: self.use_slink || o.use_slink,
            no_names: self.no_names || o.no_names,
            no_adjusted_symlinks: self.no_adjusted_symlinks || o.no_adjusted_symlinks,
        }
    }

    fn shows(self, f: Fact) -> bool {
        !(self.no_names && NAME_FACTS.contains(&f))
    }
}

/// The `MLST` FEAT line: every fact, `*` on the selected ones
/// (`MLST modify*;perm*;...;`).
pub fn feat_line(selected: FactSet, opts: FactsOpts) -> String {
    let mut out = String::from("MLST ");
    for f in ALL.into_iter().filter(|f| opts.shows(*f)) {
        out.push_str(f.name);
        if selected.has(f) {
            out.push('*');
        }
        out.push(';');
    }
    out
}

/// `OPTS MLST <list>`: the facts selected and the reply's echo of them.
///
/// As ProFTPD, only names followed by `;` count (a last name without its
/// `;` is dropped), unknown names are ignored, and the echo keeps the
/// client's order in ProFTPD's spelling.
pub fn parse_opts_list(list: &[u8]) -> (FactSet, String) {
    let mut set = FactSet::EMPTY;
    let mut echo = String::new();
    let mut parts: Vec<&[u8]> = list.split(|&b| b == b';').collect();
    // The piece after the last `;` has no terminator.
    parts.pop();
    for name in parts {
        if let Some(f) = Fact::named(name) {
            set = set.with(f);
            echo.push_str(f.name);
            echo.push(';');
        }
    }
    (set, echo)
}

/// What `type=` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// The listed directory itself (`.` in MLSD).
    CDir,
    /// Its parent (`..` in MLSD).
    PDir,
    /// A symlink shown as such (`OS.unix=symlink`).
    Symlink,
    /// A symlink with `FactsOptions UseSlink`: `OS.unix=slink:<target>`.
    Slink(Vec<u8>),
}

/// Everything one fact line says about an entry, from one `lstat` (plus a
/// `stat` of a symlink's target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub mtime: i64,
    /// The perm letters (already computed for the session's user).
    pub perm: &'static str,
    /// `st_size`; not shown for directories.
    pub size: u64,
    /// Whether `st_mode` says directory (then no `size` fact).
    pub is_dir: bool,
    pub kind: Kind,
    pub dev: u64,
    pub ino: u64,
    pub uid: u32,
    pub gid: u32,
    /// `st_mode & 07777`.
    pub mode: u32,
}

/// Names the `UNIX.ownername`/`UNIX.groupname` facts show. ProFTPD 1.3.8
/// shows the logged-in user's own name and group name for every entry
/// (unless DirFakeUser/DirFakeGroup name others), whoever owns it.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    pub owner: &'a [u8],
    pub group: &'a [u8],
}

/// Appends `n` in decimal.
fn push_dec(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `n` in upper-case hexadecimal (C's `%lX`).
fn push_hex(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 16];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b"0123456789ABCDEF"[(n & 0xf) as usize];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `n` in octal (C's `%o`).
fn push_oct(out: &mut Vec<u8>, n: u32) {
    let mut buf = [0u8; 11];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n & 7) as u8;
        n >>= 3;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `<facts> <name>` (no line end) to `out`. Numbers are written
/// straight into the buffer: MLSD formats one line per entry.
pub fn format_entry(
    out: &mut Vec<u8>,
    e: &Entry,
    names: Names<'_>,
    selected: FactSet,
    opts: FactsOpts,
    name: &[u8],
) {
    if selected.has(MODIFY) {
        out.extend_from_slice(b"modify=");
        push_stamp(out, e.mtime);
        out.push(b';');
    }
    if selected.has(PERM) {
        out.extend_from_slice(b"perm=");
        out.extend_from_slice(e.perm.as_bytes());
        out.push(b';');
    }
    if selected.has(SIZE) && !e.is_dir {
        out.extend_from_slice(b"size=");
        push_dec(out, e.size);
        out.push(b';');
    }
    if selected.has(TYPE) {
        out.extend_from_slice(b"type=");
        match &e.kind {
            Kind::File => out.extend_from_slice(b"file"),
            Kind::Dir => out.extend_from_slice(b"dir"),
            Kind::CDir => out.extend_from_slice(b"cdir"),
            Kind::PDir => out.extend_from_slice(b"pdir"),
            Kind::Symlink => out.extend_from_slice(b"OS.unix=symlink"),
            Kind::Slink(target) => {
                out.extend_from_slice(b"OS.unix=slink:");
                out.extend_from_slice(target);
            }
        }
        out.push(b';');
    }
    if selected.has(UNIQUE) {
        out.extend_from_slice(b"unique=");
        push_hex(out, e.dev);
        out.push(b'U');
        push_hex(out, e.ino);
        out.push(b';');
    }
    if selected.has(UNIX_GROUP) {
        out.extend_from_slice(b"UNIX.group=");
        push_dec(out, u64::from(e.gid));
        out.push(b';');
    }
    if selected.has(UNIX_GROUPNAME) && opts.shows(UNIX_GROUPNAME) {
        out.extend_from_slice(b"UNIX.groupname=");
        out.extend_from_slice(names.group);
        out.push(b';');
    }
    if selected.has(UNIX_MODE) {
        out.extend_from_slice(b"UNIX.mode=0");
        push_oct(out, e.mode & 0o7777);
        out.push(b';');
    }
    if selected.has(UNIX_OWNER) {
        out.extend_from_slice(b"UNIX.owner=");
        push_dec(out, u64::from(e.uid));
        out.push(b';');
    }
    if selected.has(UNIX_OWNERNAME) && opts.shows(UNIX_OWNERNAME) {
        out.extend_from_slice(b"UNIX.ownername=");
        out.extend_from_slice(names.owner);
        out.push(b';');
    }
    out.push(b' ');
    out.extend_from_slice(name);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Entry {
        Entry {
            mtime: 1_795_505_487, // 2026-11-24 07:31:27 UTC
            perm: "adfrw",
            size: 5,
            is_dir: false,
            kind: Kind::File,
            dev: 0xFE00,
            ino: 0x9B604F,
            uid: 65534,
            gid: 65534,
            mode: 0o100644,
        }
    }

    const NAMES: Names<'static> = Names {
        owner: b"demo",
        group: b"demo",
    };

    fn line(e: &Entry, sel: FactSet, opts: FactsOpts, name: &str) -> String {
        let mut out = Vec::new();
        format_entry(&mut out, e, NAMES, sel, opts, name.as_bytes());
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn all_facts_of_a_file_as_1_3_8() {
        assert_eq!(
            line(&file(), FactSet::ALL, FactsOpts::default(), "file.txt"),
            "modify=20261124073127;perm=adfrw;size=5;type=file;unique=FE00U9B604F;\
             UNIX.group=65534;UNIX.groupname=demo;UNIX.mode=0644;UNIX.owner=65534;\
             UNIX.ownername=demo; file.txt"
        );
    }

    #[test]
    fn directories_have_no_size_and_sticky_bits_show() {
        let d = Entry {
            is_dir: true,
            kind: Kind::CDir,
            perm: "flcdmpe",
            mode: 0o41777,
            size: 4096,
            ..file()
        };
        assert_eq!(
            line(&d, FactSet::ALL, FactsOpts::default(), "."),
            "modify=20261124073127;perm=flcdmpe;type=cdir;unique=FE00U9B604F;\
             UNIX.group=65534;UNIX.groupname=demo;UNIX.mode=01777;UNIX.owner=65534;\
             UNIX.ownername=demo; ."
        );
        let zero = Entry { mode: 0, ..d };
        assert!(line(&zero, FactSet::ALL, FactsOpts::default(), "x").contains("UNIX.mode=00;"));
    }

    #[test]
    fn symlink_types() {
        let l = Entry {
            kind: Kind::Symlink,
            ..file()
        };
        let sel = FactSet::EMPTY.with(TYPE);
        assert_eq!(
            line(&l, sel, FactsOpts::default(), "link"),
            "type=OS.unix=symlink; link"
        );
        let s = Entry {
            kind: Kind::Slink(b"/etc".to_vec()),
            ..file()
        };
        assert_eq!(
            line(&s, sel.with(SIZE), FactsOpts::default(), "abs"),
            "size=5;type=OS.unix=slink:/etc; abs"
        );
    }

    #[test]
    fn selection_and_no_names() {
        let sel = FactSet::EMPTY
            .with(UNIX_MODE)
            .with(MODIFY)
            .with(UNIX_OWNERNAME);
        assert_eq!(
            line(&file(), sel, FactsOpts::default(), "f"),
            "modify=20261124073127;UNIX.mode=0644;UNIX.ownername=demo; f"
        );
        let no_names = FactsOpts {
            no_names: true,
            ..FactsOpts::default()
        };
        assert_eq!(
            line(&file(), sel, no_names, "f"),
            "modify=20261124073127;UNIX.mode=0644; f"
        );
        assert_eq!(line(&file(), FactSet::EMPTY, no_names, "f"), " f");
    }

    #[test]
    fn feat_lines() {
        assert_eq!(
            feat_line(FactSet::ALL, FactsOpts::default()),
            "MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;\
             UNIX.mode*;UNIX.owner*;UNIX.ownername*;"
        );
        let sel = FactSet::EMPTY.with(SIZE).with(TYPE);
        let no_names = FactsOpts {
            no_names: true,
            ..FactsOpts::default()
        };
        assert_eq!(
            feat_line(sel, no_names),
            "MLST modify;perm;size*;type*;unique;UNIX.group;UNIX.mode;UNIX.owner;"
        );
    }

    #[test]
    fn opts_lists_as_1_3_8_reads_them() {
        let table: &[(&str, &str)] = &[
            ("type;size;", "type;size;"),
            ("TYPE;Size;bogus;perm", "type;size;"),
            ("", ""),
            (";;", ""),
            ("size;size;", "size;size;"),
            ("unix.MODE;media-type;", "UNIX.mode;"),
            ("modify", ""),
            ("\u{ff};type;", "type;"),
        ];
        for (input, echo) in table {
            let (set, got) = parse_opts_list(input.as_bytes());
            assert_eq!(got, *echo, "OPTS MLST {input}");
            assert_eq!(set == FactSet::EMPTY, echo.is_empty(), "{input}");
        }
        let (set, _) = parse_opts_list(b"perm;UNIX.owner;");
        assert!(set.has(PERM) && set.has(UNIX_OWNER) && !set.has(MODIFY));
    }
}
