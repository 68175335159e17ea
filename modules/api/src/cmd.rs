//! A parsed FTP command, its `<Limit>` group and its logging class.

/// The `<Limit>` group a command belongs to (ProFTPD's `G_*` groups).
///
/// The group is what `<Limit READ>`, `<Limit WRITE>` and `<Limit DIRS>`
/// match; `None` in a [`crate::module::CmdEntry`] means the command is only
/// reachable by its own name and by `ALL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmdGroup {
    Dirs,
    Read,
    Write,
    Misc,
}

impl CmdGroup {
    /// The name used in `<Limit>` lists.
    pub fn name(self) -> &'static str {
        match self {
            CmdGroup::Dirs => "DIRS",
            CmdGroup::Read => "READ",
            CmdGroup::Write => "WRITE",
            CmdGroup::Misc => "MISC",
        }
    }
}

/// Logging classes (ProFTPD's `CL_*` bits), matched by `ExtendedLog`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CmdClass(pub u32);

impl CmdClass {
    pub const NONE: CmdClass = CmdClass(0);
    pub const AUTH: CmdClass = CmdClass(1 << 0);
    pub const INFO: CmdClass = CmdClass(1 << 1);
    pub const DIRS: CmdClass = CmdClass(1 << 2);
    pub const READ: CmdClass = CmdClass(1 << 3);
    pub const WRITE: CmdClass = CmdClass(1 << 4);
    pub const MISC: CmdClass = CmdClass(1 << 5);
    pub const CONNECT: CmdClass = CmdClass(1 << 6);
    pub const DISCONNECT: CmdClass = CmdClass(1 << 7);
    pub const SEC: CmdClass = CmdClass(1 << 8);
    pub const EXIT: CmdClass = CmdClass(1 << 9);

    /// Union of two class sets, usable in `const` tables.
    pub const fn with(self, other: CmdClass) -> CmdClass {
        CmdClass(self.0 | other.0)
    }

    pub fn contains(self, other: CmdClass) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
}

/// One command as received on the control channel.
///
/// The argument is kept as raw bytes: paths are byte strings on Unix, and a
/// lossy UTF-8 conversion would silently rename files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    /// The verb, upper-cased (`RETR`); internal names such as `OPTS_UTF8`
    /// or `SITE_CHMOD` use an underscore, as ProFTPD does.
    pub verb: String,
    /// The verb's bytes, ASCII upper-cased, as the client sent them: `verb`
    /// is a lossy UTF-8 copy for matching, this is what replies echo
    /// (1.3.8 answers `500 \xc3(\xff not understood` byte for byte).
    pub verb_raw: Vec<u8>,
    /// Everything after the verb's terminating whitespace byte, spaces
    /// preserved.
    pub arg: Vec<u8>,
    /// The whole line as received (without CRLF), for `%r`-style logging.
    pub line: Vec<u8>,
}

impl Cmd {
    /// Splits a control line into verb and argument, as ProFTPD 1.3.8's
    /// command parser does: the verb ends at the first whitespace byte of
    /// C's `isspace` (space, tab, LF, VT, FF, CR; observed: `NOOP\tx` and
    /// `NOOP\nSYST` are NOOP); the argument is the rest of the line after
    /// that one byte, spaces preserved (`MKD  x` makes ` x`).
    pub fn parse(line: &[u8]) -> Cmd {
        let (verb, arg) = match line.iter().position(|&b| is_c_space(b)) {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (line, &line[line.len()..]),
        };
        Cmd {
            verb: String::from_utf8_lossy(verb).to_ascii_uppercase(),
            verb_raw: verb.to_ascii_uppercase(),
            arg: arg.to_vec(),
            line: line.to_vec(),
        }
    }

    /// The argument as text, for handlers whose argument is not a path.
    pub fn arg_str(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.arg)
    }

    /// The argument split on runs of spaces, as ProFTPD's `cmd->argv`.
    pub fn args(&self) -> Vec<&[u8]> {
        self.arg
            .split(|&b| b == b' ')
            .filter(|w| !w.is_empty())
            .collect()
    }

    /// The verb as ProFTPD prints it in `500 X not understood`, as bytes:
    /// internal names such as `OPTS_X` read `OPTS X`.
    pub fn display_verb(&self) -> Vec<u8> {
        let mut out = self.verb_raw.clone();
        if let Some(b) = out.iter_mut().find(|b| **b == b'_') {
            *b = b' ';
        }
        out
    }

    /// `<verb> not understood`, the 500 reply for a command nobody handles.
    pub fn not_understood(&self) -> Vec<u8> {
        let mut out = self.display_verb();
        out.extend_from_slice(b" not understood");
        out
    }
}

/// C's `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_splits_at_first_space_and_keeps_the_rest() {
        let table: &[(&[u8], &str, &[u8])] = &[
            (b"USER bob", "USER", b"bob"),
            (b"retr a  b", "RETR", b"a  b"),
            (b"NOOP", "NOOP", b""),
            (b"STOR ", "STOR", b""),
            (b"cwd \xff\xfe", "CWD", b"\xff\xfe"),
            (b"", "", b""),
        ];
        for (line, verb, arg) in table {
            let cmd = Cmd::parse(line);
            assert_eq!(cmd.verb, *verb, "line {line:?}");
            assert_eq!(cmd.arg, *arg, "line {line:?}");
        }
    }

    #[test]
    fn args_skip_empty_words() {
        let cmd = Cmd::parse(b"SITE  CHMOD   644 x");
        assert_eq!(cmd.args(), vec![&b"CHMOD"[..], b"644", b"x"]);
    }

    #[test]
    fn display_verb_spaces_internal_names() {
        let cmd = Cmd {
            verb: "OPTS_X".into(),
            verb_raw: b"OPTS_X".to_vec(),
            arg: vec![],
            line: vec![],
        };
        assert_eq!(cmd.display_verb(), b"OPTS X");
        assert_eq!(
            Cmd::parse(b"\xc3(\xff").not_understood(),
            b"\xc3(\xff not understood"
        );
    }
}
