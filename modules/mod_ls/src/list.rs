//! LIST and `STAT <path>`: ls-style lines, as ProFTPD 1.3.8's mod_ls
//! produces them (its `dolist`, `listdir` and `listfile`).
//!
//! Measured on 1.3.8 and kept: entries sorted by name bytes (strcmp, the
//! C locale); dot files only with `-a`/`-A`; no `total` line; symlinks
//! pointing at `.`/`..` (or up the listed path) are left out; glob
//! matches that are directories are listed as entries, not entered,
//! unless `-R`; several directories get a `\r\n<dir>:\r\n` header each;
//! `-R` recurses only into entries listed as directories.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::engine::{Engine, MAX_RECURSION_DEPTH};
use crate::fnmatch::is_pattern;
use crate::fsx::{self, DirList, Stat};
use crate::glob::{GlobError, glob};
use crate::keys::ListStyle;
use crate::opts::SortBy;

/// How a listing ended (the handler turns it into replies).
#[derive(Debug)]
pub enum Outcome {
    /// Listed; extra `226` lines (glob trouble) come before `Transfer
    /// complete`.
    Done { notes: Vec<Vec<u8>> },
    /// The data connection could not be opened (425).
    OpenFailed(std::io::Error),
    /// `450 <text>`.
    Fail450(Vec<u8>),
    /// The data connection failed while sending.
    XferFailed,
}

/// Where an entry is: in a directory being listed, or at a path.
enum Loc<'d> {
    In(&'d DirList, &'d [u8]),
    At(PathBuf),
}

impl Loc<'_> {
    fn lstat(&self) -> Option<Stat> {
        match self {
            Loc::In(d, n) => d.lstat(n).ok(),
            Loc::At(p) => fsx::lstat(p).ok(),
        }
    }
    fn stat(&self) -> Option<Stat> {
        match self {
            Loc::In(d, n) => d.stat(n).ok(),
            Loc::At(p) => fsx::stat(p).ok(),
        }
    }
    fn readlink(&self) -> Option<Vec<u8>> {
        match self {
            Loc::In(d, n) => d.readlink(n).ok(),
            Loc::At(p) => fsx::readlink(p).ok(),
        }
    }
}

fn is_dotdir(name: &[u8]) -> bool {
    name == b"." || name == b".."
}

/// ProFTPD's pdircat for two parts.
pub fn dircat(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(dir.len() + 1 + name.len());
    v.extend_from_slice(dir);
    if !dir.is_empty() && !dir.ends_with(b"/") {
        v.push(b'/');
    }
    v.extend_from_slice(name);
    v
}

/// Whether a symlink target may be listed: 1.3.8 drops links to `.`,
/// `..`, `./`, `../`, and dotted targets ending in `/` or `.` that point
/// at the listed directory or above it (its Bug#3719 check, a byte-prefix
/// comparison with the directory's path).
fn is_safe_symlink(target: &[u8], vdir: &[u8]) -> bool {
    if matches!(target, b"." | b".." | b"./" | b"../") {
        return false;
    }
    let n = target.len();
    if n >= 2 && target[0] == b'.' && (target[n - 1] == b'/' || target[n - 1] == b'.') {
        let full = proftpd_api::path::join(vdir, target);
        if vdir.starts_with(&full) {
            return false;
        }
    }
    true
}

/// The last path part of `name`, trailing slashes ignored.
fn file_name(name: &[u8]) -> &[u8] {
    let mut end = name.len();
    while end > 1 && name[end - 1] == b'/' {
        end -= 1;
    }
    let trimmed = &name[..end];
    match trimmed.iter().rposition(|&b| b == b'/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

const MAX_LINK: usize = 4096;

impl Engine<'_, '_> {
    fn pick_time(&self, st: &Stat) -> i64 {
        match self.flags.sort_by {
            SortBy::Mtime => st.mtime,
            SortBy::Ctime => st.ctime,
            SortBy::Atime => st.atime,
        }
    }

    /// One entry (`listfile`): 0 listed or skipped, 1 listed and is a
    /// directory (a `-R` candidate), 2 the maxfiles limit is reached.
    fn list_file(&mut self, loc: &Loc<'_>, display: &[u8], vdir: &[u8]) -> i32 {
        let fname = file_name(display);
        if self.files.reached() {
            return 2;
        }
        self.files.curr += 1;
        let Some(mut st) = loc.lstat() else {
            return 0;
        };
        let mut link: Option<Vec<u8>> = None;
        if st.is_link() && (self.flags.big_l || !self.env.show_symlinks) {
            let Some(target_st) = loc.stat() else {
                return 0;
            };
            st = target_st;
            match loc.readlink() {
                Some(t) if t.len() <= MAX_LINK && is_safe_symlink(&t, vdir) => {}
                _ => return 0,
            }
        } else if st.is_link() {
            match loc.readlink() {
                Some(t) if t.len() <= MAX_LINK && is_safe_symlink(&t, vdir) => link = Some(t),
                _ => return 0,
            }
        }
        let windows = self.env.style == ListStyle::Windows;
        if fname.first() == Some(&b'.')
            && ((!self.flags.a && (!self.flags.big_a || is_dotdir(fname))) || windows)
        {
            return 0;
        }
        let time = self.pick_time(&st);
        let mut rval = 0;
        if windows {
            let line = self.windows_line(&st, time, display);
            self.add_file(&line, b"", time, st.size);
            self.give_scratch(line);
            return i32::from(st.is_dir());
        }
        let mut suffix: &[u8] = b"";
        if self.flags.big_f {
            if st.is_link() {
                suffix = b"@";
            } else if st.is_dir() {
                suffix = b"/";
                rval = 1;
            } else if st.mode & 0o111 != 0 {
                suffix = b"*";
            }
        }
        if self.flags.l {
            if st.is_dir() {
                rval = 1;
            }
            let shown_link = if !self.flags.big_l && self.env.show_symlinks {
                link.as_deref()
            } else {
                None
            };
            let Some(line) = self.long_line(&st, time, display, shown_link) else {
                return rval;
            };
            if st.is_link() {
                suffix = b"";
                if self.flags.big_f
                    && let Some(t) = loc.stat()
                {
                    if t.is_dir() {
                        suffix = b"/";
                    } else if t.mode & 0o111 != 0 {
                        suffix = b"*";
                    }
                }
            }
            if self.flags.stat {
                let mut l = line.clone();
                l.extend_from_slice(suffix);
                self.stat_lines.push(l);
            } else {
                self.add_file(&line, suffix, time, st.size);
            }
            self.give_scratch(line);
        } else if st.is_reg() || st.is_dir() || st.is_link() {
            if self.flags.stat {
                let mut l = display.to_vec();
                l.extend_from_slice(suffix);
                self.stat_lines.push(l);
            } else {
                self.add_file(display, suffix, time, st.size);
            }
        }
        rval
    }

    /// A header before a directory's listing (`\r\n<dir>:\r\n`).
    fn header(&mut self, dir: &[u8]) {
        if self.flags.stat {
            self.stat_lines.push(Vec::new());
            let mut l = dir.to_vec();
            l.push(b':');
            self.stat_lines.push(l);
        } else {
            self.sendline(&[b"\r\n", dir, b":\r\n"]);
        }
    }

    /// Lists a directory (`listdir`): `name` is how paths below it are
    /// shown. 1 when a limit stops the listing, -1 when the transfer
    /// failed.
    fn list_dir(&mut self, name: &[u8], fsdir: &Path, vdir: &[u8]) -> i32 {
        if self.depth.reached() || self.dirs.reached() {
            return 1;
        }
        self.dirs.curr += 1;
        if self.failed {
            return -1;
        }
        let Ok(mut dl) = DirList::read(fsdir) else {
            return 0;
        };
        if !self.flags.big_u {
            dl.names.sort_unstable();
        }
        let mut candidates: Vec<Vec<u8>> = Vec::new();
        let names = std::mem::take(&mut dl.names);
        for n in &names {
            let d =
                if n.first() == Some(&b'.') && !self.flags.a && (!self.flags.big_a || is_dotdir(n))
                {
                    0
                } else {
                    self.list_file(&Loc::In(&dl, n), n, vdir)
                };
            if d == 2 {
                break;
            }
            if self.flags.big_r && d == 1 && !is_dotdir(n) {
                candidates.push(n.clone());
            }
        }
        drop(dl);
        if !self.output_files() {
            return -1;
        }
        for c in candidates {
            if self.dirs.reached() || self.files.reached() {
                break;
            }
            if self.depth.curr >= MAX_RECURSION_DEPTH {
                log::debug!("mod_ls: recursion deeper than {MAX_RECURSION_DEPTH} levels stopped");
                break;
            }
            let sub_fs = fsdir.join(std::ffi::OsStr::from_bytes(&c));
            if !fsx::can_enter(&sub_fs) {
                continue;
            }
            let subdir = if name == b"." {
                c.clone()
            } else {
                dircat(name, &c)
            };
            let sub_v = dircat(vdir, &c);
            self.header(&subdir);
            self.depth.curr += 1;
            let res = self.list_dir(&subdir, &sub_fs, &sub_v);
            self.depth.curr -= 1;
            if res > 0 {
                break;
            }
            if res < 0 || self.failed {
                return -1;
            }
        }
        0
    }

    /// LIST/STAT without a path: the current directory.
    pub fn list_cwd(&mut self) -> Outcome {
        if !self.flags.stat
            && let Err(e) = self.open()
        {
            return Outcome::OpenFailed(e);
        }
        let cwd = self.env.cwd.to_vec();
        if self.flags.d {
            // 1.3.8's session dies here (a NULL pool); we list `.` itself,
            // which, being a dot name, shows only with -a.
            self.list_file(&Loc::At(self.env.fs(b".")), b".", &cwd);
        } else {
            self.depth.curr += 1;
            self.list_dir(b".", &self.env.fs(b"."), &cwd);
            self.depth.curr -= 1;
        }
        self.finish(Vec::new())
    }

    fn finish(&mut self, notes: Vec<Vec<u8>>) -> Outcome {
        if !self.output_files() || self.failed {
            return Outcome::XferFailed;
        }
        Outcome::Done { notes }
    }

    /// LIST/STAT of `target` (options removed, `~` expanded); `arg` is the
    /// argument as the client gave it after the options, for messages.
    pub fn list_target(&mut self, target: &[u8], arg: &[u8]) -> Outcome {
        if !self.flags.stat
            && let Err(e) = self.open()
        {
            return Outcome::OpenFailed(e);
        }
        let pattern = is_pattern(target);
        if !pattern && let Err(e) = fsx::stat(&self.env.fs(target)) {
            if e == nix::errno::Errno::ENOENT && self.env.no_error_if_absent() {
                return self.finish(Vec::new());
            }
            return Outcome::Fail450(proftpd_api::reply::path_reason(target, &fsx::errno_text(e)));
        }
        let paths = if self.env.globbing && pattern {
            match glob(self.env.cwd, target, self.flags.glob_nosort) {
                Ok(v) => v,
                Err(GlobError::NoMatch) => vec![target.to_vec()],
                Err(GlobError::NoSpace) => {
                    let mut note = b"Out of memory during globbing of ".to_vec();
                    note.extend_from_slice(arg);
                    return self.finish(vec![note]);
                }
            }
        } else {
            vec![target.to_vec()]
        };
        let justone = paths.len() <= 1;
        let cwd = self.env.cwd.to_vec();
        let mut dirs = Vec::new();
        for p in paths {
            let fs = self.env.fs(&p);
            let Ok(st) = fsx::lstat(&fs) else { continue };
            let mut target_mode = st.mode;
            if st.is_link()
                && let Ok(t) = fsx::stat(&fs)
            {
                target_mode = t.mode;
            }
            let is_dir = target_mode & fsx::S_IFMT == fsx::S_IFDIR;
            if self.flags.d || !is_dir || (!self.flags.big_r && p != target) {
                self.list_file(&Loc::At(fs), &p, &cwd);
            } else {
                dirs.push(p);
            }
            if self.failed {
                return Outcome::XferFailed;
            }
        }
        if !self.output_files() {
            return Outcome::XferFailed;
        }
        for p in dirs {
            if !justone {
                self.header(&p);
            }
            let fs = self.env.fs(&p);
            if fsx::can_enter(&fs) {
                let v = self.env.virt(&p);
                self.depth.curr += 1;
                let res = self.list_dir(&p, &fs, &v);
                self.depth.curr -= 1;
                if res > 0 {
                    break;
                }
            }
            if self.failed {
                return Outcome::XferFailed;
            }
        }
        self.finish(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_symlinks() {
        for t in [".", "..", "./", "../"] {
            assert!(!is_safe_symlink(t.as_bytes(), b"/a/b"), "{t}");
        }
        assert!(!is_safe_symlink(b"../../", b"/a/b"));
        assert!(!is_safe_symlink(b"./.", b"/a/b"));
        assert!(is_safe_symlink(b"../x/", b"/a/b"));
        assert!(is_safe_symlink(b"a.txt", b"/a/b"));
        assert!(is_safe_symlink(b".hidden", b"/a/b"));
        assert!(is_safe_symlink(b"/", b"/a/b"));
    }

    #[test]
    fn names_and_joins() {
        assert_eq!(file_name(b"sub/z.txt"), b"z.txt");
        assert_eq!(file_name(b"sub/"), b"sub");
        assert_eq!(file_name(b"."), b".");
        assert_eq!(file_name(b"/"), b"");
        assert_eq!(dircat(b"sub", b"deep"), b"sub/deep");
        assert_eq!(dircat(b"/", b"x"), b"/x");
        assert_eq!(dircat(b"", b"x"), b"x");
    }
}
