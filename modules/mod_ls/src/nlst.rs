//! NLST: names only, as ProFTPD 1.3.8's `ls_nlst`, `nlstdir` and
//! `nlstfile` send them.
//!
//! Measured on 1.3.8 and kept: a directory's names come in directory
//! order (not sorted, unless `ListOptions ... SortedNLST`), prefixed with
//! the directory as the client named it (`NLST sub` gives `sub/z.txt`;
//! `-1` drops the prefix); broken symlinks are left out; a glob's matches
//! come in reverse directory order; errors (`450`) come before any `150`.

use nix::dir::Type;

use crate::engine::Engine;
use crate::fnmatch::is_pattern;
use crate::fsx::{self, DirList};
use crate::glob::{GlobError, glob};
use crate::list::{Outcome, dircat};

fn is_dotdir(name: &[u8]) -> bool {
    name == b"." || name == b".."
}

/// 1.3.8's cleaning of a relative NLST target: `.` parts and doubled
/// slashes go, `..` is resolved as if the path began at the root (so a
/// leading `../` is dropped: `NLST ../x` looks for `x`, measured).
fn clean_relative(target: &[u8]) -> Vec<u8> {
    let abs = proftpd_api::path::join(b"/", target);
    abs[1..].to_vec()
}

impl Engine<'_, '_> {
    /// One name (`nlstfile`); with `-1` only its last part.
    fn nlst_file(&mut self, file: &[u8]) {
        let mut shown = file;
        if self.flags.one
            && file.len() > 1
            && let Some(i) = file.iter().rposition(|&b| b == b'/')
        {
            shown = &file[i + 1..];
        }
        self.sendline(&[shown, b"\r\n"]);
    }

    /// The names in a directory (`nlstdir`).
    fn nlst_dir(&mut self, dir: &[u8]) {
        if self.depth.reached() || self.dirs.reached() {
            return;
        }
        self.dirs.curr += 1;
        let curdir = dir.is_empty() || dir == b"." || dir == b"./";
        let fs = self.env.fs(if curdir { b"." } else { dir });
        if !curdir && !fsx::can_enter(&fs) {
            return;
        }
        let Ok(mut dl) = DirList::read(&fs) else {
            return;
        };
        if self
            .env
            .list_options
            .as_ref()
            .is_some_and(|l| l.sorted_nlst)
        {
            dl.names.sort_unstable();
        }
        let sorted = self
            .env
            .list_options
            .as_ref()
            .is_some_and(|l| l.sorted_nlst);
        let names = std::mem::take(&mut dl.names);
        for (i, p) in names.iter().enumerate() {
            if self.failed {
                break;
            }
            if p.first() == Some(&b'.') && !self.flags.a && (!self.flags.big_a || is_dotdir(p)) {
                continue;
            }
            // Only names that resolve are listed (a broken link is not);
            // getdents' type spares the stat of anything but a symlink.
            let known = !sorted
                && dl
                    .types
                    .get(i)
                    .copied()
                    .flatten()
                    .is_some_and(|t| t != Type::Symlink);
            if !known && dl.stat(p).is_err() {
                continue;
            }
            if curdir || self.flags.one {
                self.sendline(&[p, b"\r\n"]);
            } else {
                let full = dircat(dir, p);
                self.sendline(&[&full, b"\r\n"]);
            }
            if self.files.reached() {
                break;
            }
            self.files.curr += 1;
        }
    }

    /// The replies when a missing target is not an error: 1.3.8 queues
    /// its own `226 Transfer complete` before the usual one, so the
    /// client gets it twice (measured).
    fn absent_ok(&mut self) -> Outcome {
        match self.open() {
            Ok(()) => Outcome::Done {
                notes: vec![b"Transfer complete".to_vec()],
            },
            Err(e) => Outcome::OpenFailed(e),
        }
    }

    /// NLST of `target` (options removed, `~` expanded, `.` for none);
    /// `raw_arg` is the whole argument as sent, for error replies.
    pub fn nlst(&mut self, target: &[u8], raw_arg: &[u8]) -> Outcome {
        if self.env.globbing && is_pattern(target) {
            let paths = match glob(self.env.cwd, target, true) {
                Ok(v) => v,
                Err(GlobError::NoMatch) if fsx::stat(&self.env.fs(target)).is_ok() => {
                    vec![target.to_vec()]
                }
                Err(_) => {
                    if self.env.no_error_if_absent() {
                        return self.absent_ok();
                    }
                    return Outcome::Fail450(b"No files found".to_vec());
                }
            };
            if let Err(e) = self.open() {
                return Outcome::OpenFailed(e);
            }
            for p in paths {
                if self.failed {
                    break;
                }
                let Ok(st) = fsx::stat(&self.env.fs(&p)) else {
                    continue;
                };
                if st.is_dir() {
                    if self.flags.big_r {
                        self.nlst_dir(&p);
                    } else {
                        self.nlst_file(&p);
                    }
                } else if st.is_reg() {
                    self.nlst_file(&p);
                }
            }
            return self.nlst_done();
        }

        let mut t = target.to_vec();
        while t.len() > 1 && t.ends_with(b"/") {
            t.pop();
        }
        if !is_dotdir(&t) {
            t = if t.starts_with(b"/") {
                proftpd_api::path::join(b"/", &t)
            } else {
                clean_relative(&t)
            };
        }
        let st = match fsx::stat(&self.env.fs(&t)) {
            Ok(st) => st,
            Err(e) => {
                if e == nix::errno::Errno::ENOENT && self.env.no_error_if_absent() {
                    return self.absent_ok();
                }
                return Outcome::Fail450(proftpd_api::reply::path_reason(
                    raw_arg,
                    &fsx::errno_text(e),
                ));
            }
        };
        if st.is_reg() {
            if let Err(e) = self.open() {
                return Outcome::OpenFailed(e);
            }
            self.nlst_file(&t);
        } else if st.is_dir() {
            if let Err(e) = self.open() {
                return Outcome::OpenFailed(e);
            }
            self.nlst_dir(&t);
        } else {
            return Outcome::Fail450(proftpd_api::reply::path_reason(
                raw_arg,
                "Not a regular file",
            ));
        }
        self.nlst_done()
    }

    fn nlst_done(&mut self) -> Outcome {
        if !self.flush() || self.failed {
            return Outcome::XferFailed;
        }
        Outcome::Done { notes: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_targets_are_cleaned_as_1_3_8_does() {
        for (t, want) in [
            ("sub/../sub", "sub"),
            ("../fx/sub", "fx/sub"),
            ("sub//deep", "sub/deep"),
            ("./sub/./deep", "sub/deep"),
            ("sub/deep/..", "sub"),
        ] {
            assert_eq!(clean_relative(t.as_bytes()), want.as_bytes(), "{t}");
        }
    }
}
