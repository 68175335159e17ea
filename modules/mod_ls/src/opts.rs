//! ls options as ProFTPD 1.3.8 parses them from LIST/NLST/STAT arguments
//! and from `ListOptions`.
//!
//! The flags live for the whole session, as 1.3.8's do: each command
//! clears only some of them (LIST: all but `-c -u -U`; NLST: all but
//! `-h -c -u -U`; STAT: only `-C -d -F -R`), so `LIST -U` keeps later
//! listings unsorted and `LIST -n` makes a later `STAT` numeric (both
//! measured on 1.3.8). Unknown letters are ignored.

/// Which command parses: some letters apply only to some commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    List,
    Nlst,
    Stat,
}

/// Which timestamp `-t` sorts by and the listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Mtime,
    /// `-c`
    Ctime,
    /// `-u`
    Atime,
}

/// The ls flags (ProFTPD's `opt_*`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    pub one: bool,
    pub a: bool,
    pub big_a: bool,
    pub big_b: bool,
    pub big_c: bool,
    pub c: bool,
    pub d: bool,
    pub big_f: bool,
    pub h: bool,
    pub l: bool,
    pub big_l: bool,
    pub n: bool,
    pub big_r: bool,
    pub r: bool,
    pub big_s: bool,
    pub t: bool,
    pub big_u: bool,
    pub u: bool,
    /// STAT is listing (lines go to the control connection).
    pub stat: bool,
    pub sort_by: SortBy,
    /// `-t` was given to this command: LIST's glob keeps directory order
    /// (1.3.8's GLOB_NOSORT, which `+t` does not take back).
    pub glob_nosort: bool,
}

impl Flags {
    /// What LIST (and STAT's shared code with a clear) resets.
    pub fn clear_for_list(&mut self) {
        let keep = (self.c, self.u, self.big_u, self.sort_by, self.l);
        *self = Flags::default();
        (self.c, self.u, self.big_u, self.sort_by, self.l) = keep;
    }

    /// What NLST resets (`-h` survives, unlike LIST).
    pub fn clear_for_nlst(&mut self) {
        let keep = (self.c, self.u, self.big_u, self.sort_by, self.l, self.h);
        *self = Flags::default();
        (self.c, self.u, self.big_u, self.sort_by, self.l, self.h) = keep;
    }

    fn set(&mut self, c: u8, verb: Verb) {
        let nlst = verb == Verb::Nlst;
        match c {
            b'1' if verb != Verb::Stat => {
                self.one = true;
                self.l = false;
                self.big_c = false;
            }
            b'A' => self.big_a = true,
            b'a' => self.a = true,
            b'B' => self.big_b = true,
            b'C' if !nlst => {
                self.l = false;
                self.big_c = true;
            }
            b'c' => {
                self.c = true;
                self.sort_by = SortBy::Ctime;
            }
            b'd' => self.d = true,
            b'F' if !nlst => self.big_f = true,
            b'h' if !nlst => self.h = true,
            b'L' => self.big_l = true,
            b'l' if !nlst => {
                self.l = true;
                self.big_c = false;
                self.one = false;
            }
            b'n' if !nlst => self.n = true,
            b'R' => self.big_r = true,
            b'r' => self.r = true,
            b'S' => self.big_s = true,
            b't' => {
                self.t = true;
                self.glob_nosort = true;
            }
            b'U' => {
                self.big_u = true;
                self.c = false;
                self.big_s = false;
                self.t = false;
            }
            b'u' => {
                self.u = true;
                self.sort_by = SortBy::Atime;
            }
            _ => {}
        }
    }

    fn unset(&mut self, c: u8) {
        match c {
            b'1' => {
                self.one = false;
                self.l = false;
                self.big_c = false;
            }
            b'A' => self.big_a = false,
            b'a' => self.a = false,
            b'B' => self.big_b = false,
            b'C' | b'l' => {
                self.l = false;
                self.big_c = false;
            }
            b'c' => {
                self.c = false;
                self.sort_by = if self.u { SortBy::Atime } else { SortBy::Mtime };
            }
            b'd' => self.d = false,
            b'F' => self.big_f = false,
            b'h' => self.h = false,
            b'L' => self.big_l = false,
            b'n' => self.n = false,
            b'R' => self.big_r = false,
            b'r' => self.r = false,
            b'S' => self.big_s = false,
            b't' => self.t = false,
            b'U' => self.big_u = false,
            b'u' => {
                self.u = false;
                self.sort_by = if self.c { SortBy::Ctime } else { SortBy::Mtime };
            }
            _ => {}
        }
    }
}

/// C's isspace in the C locale.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

fn skip_spaces(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    i
}

/// One run of option words led by `lead` (`-` or `+`) starting at `pos`;
/// returns where the rest begins. Mirrors 1.3.8's pointer walk exactly,
/// including its quirks: after the last word, two spaces leave the second
/// one in the path (`LIST -a  x` names ` x`), and a non-alphanumeric
/// character ends a word (`LIST -a/x` names `/x`).
fn run(s: &[u8], mut pos: usize, lead: u8, mut apply: impl FnMut(u8)) -> usize {
    while at(s, pos) == lead {
        loop {
            pos += 1;
            let c = at(s, pos);
            if !c.is_ascii_alphanumeric() {
                break;
            }
            apply(c);
        }
        let ptr = skip_spaces(s, pos);
        if at(s, ptr) == lead {
            pos = ptr;
        } else if at(s, pos) != 0 && at(s, pos + 1) == b' ' {
            pos += 1;
            break;
        } else {
            pos = ptr;
            break;
        }
    }
    pos
}

/// Parses leading `-x` words of `s` into `flags`, then (with `plus`, as
/// for ListOptions) `+x` words that turn flags off. Returns the offset of
/// the rest (the path).
pub fn parse(s: &[u8], flags: &mut Flags, verb: Verb, plus: bool) -> usize {
    let mut pos = 0;
    let ptr = skip_spaces(s, 0);
    if at(s, ptr) == b'-' {
        pos = ptr;
    }
    pos = run(s, pos, b'-', |c| flags.set(c, verb));
    if plus {
        pos = run(s, pos, b'+', |c| flags.unset(c));
    }
    pos
}

/// `ListOptions ... strict`: the client's option words are skipped
/// without being applied. Returns the offset of the path.
pub fn skip_strict(s: &[u8]) -> usize {
    let mut pos = 0;
    let ptr = skip_spaces(s, 0);
    if at(s, ptr) == b'-' {
        pos = ptr;
    }
    while at(s, pos) == b'-' {
        while pos < s.len() && !is_space(s[pos]) {
            pos += 1;
        }
        let ptr = skip_spaces(s, pos);
        if at(s, ptr) == b'-' {
            pos = ptr;
        } else if at(s, pos + 1) == b' ' {
            pos += 1;
            break;
        } else {
            pos = ptr;
            break;
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, verb: Verb) -> (Flags, String) {
        let mut f = Flags::default();
        let off = parse(s.as_bytes(), &mut f, verb, false);
        (
            f,
            String::from_utf8_lossy(&s.as_bytes()[off..]).into_owned(),
        )
    }

    #[test]
    fn words_and_the_path_after_them() {
        let table: &[(&str, &str)] = &[
            ("-la", ""),
            ("-l -a sub", "sub"),
            ("   -a emptyd", "emptyd"),
            ("-a  emptyd", " emptyd"),
            ("-a/emptyd", "/emptyd"),
            ("-- emptyd", "emptyd"),
            ("-", ""),
            ("sub", "sub"),
            ("  sub", "  sub"),
            ("-x", ""),
            ("-l\tsub", "sub"),
        ];
        for (arg, rest) in table {
            assert_eq!(p(arg, Verb::List).1, *rest, "arg {arg:?}");
        }
        let (f, _) = p("-laR", Verb::List);
        assert!(f.l && f.a && f.big_r && !f.one);
    }

    #[test]
    fn letters_depend_on_the_command() {
        let (f, _) = p("-lhnFC", Verb::Nlst);
        assert!(!f.l && !f.h && !f.n && !f.big_f && !f.big_c);
        let (f, _) = p("-1", Verb::Stat);
        assert!(!f.one);
        let (f, _) = p("-l1", Verb::List);
        assert!(f.one && !f.l);
        let (f, _) = p("-1l", Verb::List);
        assert!(f.l && !f.one);
        let (f, _) = p("-tU", Verb::List);
        assert!(f.big_u && !f.t);
        let (f, _) = p("-cu", Verb::List);
        assert_eq!(f.sort_by, SortBy::Atime);
    }

    #[test]
    fn plus_words_turn_flags_off() {
        let mut f = Flags::default();
        let s = b"-laR +R";
        let off = parse(s, &mut f, Verb::List, true);
        assert_eq!(off, s.len());
        assert!(f.l && f.a && !f.big_r);
        let mut f = Flags {
            c: true,
            u: true,
            sort_by: SortBy::Atime,
            ..Flags::default()
        };
        parse(b"+u", &mut f, Verb::List, true);
        assert_eq!(f.sort_by, SortBy::Ctime);
    }

    #[test]
    fn clears_keep_what_1_3_8_keeps() {
        let mut f = Flags {
            a: true,
            h: true,
            n: true,
            big_u: true,
            c: true,
            sort_by: SortBy::Ctime,
            ..Flags::default()
        };
        let mut g = f;
        f.clear_for_list();
        assert!(!f.a && !f.h && !f.n && f.big_u && f.c && f.sort_by == SortBy::Ctime);
        g.clear_for_nlst();
        assert!(!g.a && g.h && !g.n && g.big_u);
    }

    #[test]
    fn strict_skips_words() {
        let table: &[(&str, &str)] = &[
            ("-la sub", "sub"),
            ("-l -a sub", "sub"),
            ("-la", ""),
            ("sub", "sub"),
            ("-a  x", " x"),
        ];
        for (arg, rest) in table {
            let off = skip_strict(arg.as_bytes());
            assert_eq!(&arg[off..], *rest, "arg {arg:?}");
        }
    }
}
