//! Bounded globbing with the results, order and limits of the glob(3)
//! that ProFTPD 1.3.8 bundles (an old glibc copy):
//!
//! - each directory's matches come back in reverse directory order; the
//!   whole result is sorted by bytes unless `nosort` (NLST, `LIST -t`);
//! - a pattern directory part (`*/x`) is globbed for directories only
//!   (entries whose type is known and not a directory are skipped), then
//!   each is searched;
//! - a last part without metacharacters is a stat, not a scan;
//! - at most [`MAX_RECURSION`] nested directory parts ([`GlobError::NoSpace`]
//!   beyond), and at most [`MAX_RESULTS`] directory entries read per call
//!   (reading stops silently there), as 1.3.8's tunables say;
//! - ours: matching work is charged against [`MAX_STEPS`], so a pattern
//!   built to backtrack cannot run long (past it: `NoSpace`).
//!
//! Relative patterns are looked up below `cwd`; the returned paths keep
//! the pattern's own (relative or absolute) spelling.

use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use nix::dir::{Dir, Type};
use nix::fcntl::OFlag;
use nix::sys::stat::Mode;

use crate::fnmatch::{fnmatch, has_meta};

/// `PR_TUNABLE_GLOBBING_MAX_RECURSION` of the 1.3.8 build.
pub const MAX_RECURSION: u32 = 8;
/// `PR_TUNABLE_GLOBBING_MAX_MATCHES`: directory entries read per glob.
pub const MAX_RESULTS: u64 = 100_000;
/// Matching work (pattern/name comparisons) allowed per glob.
pub const MAX_STEPS: u64 = 50_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobError {
    NoMatch,
    /// Too deep, or too much work (`GLOB_NOSPACE`).
    NoSpace,
}

struct Globber<'a> {
    cwd: &'a [u8],
    entries: u64,
    steps: u64,
}

/// Expands `pattern` below `cwd`.
pub fn glob(cwd: &[u8], pattern: &[u8], nosort: bool) -> Result<Vec<Vec<u8>>, GlobError> {
    let mut g = Globber {
        cwd,
        entries: 0,
        steps: 0,
    };
    let mut out = Vec::new();
    g.glob(0, pattern, nosort, false, false, &mut out)?;
    Ok(out)
}

impl Globber<'_> {
    fn fs(&self, p: &[u8]) -> PathBuf {
        proftpd_api::path::fs_path(&proftpd_api::path::join(self.cwd, p))
    }

    fn glob(
        &mut self,
        depth: u32,
        pattern: &[u8],
        nosort: bool,
        onlydir: bool,
        mark: bool,
        out: &mut Vec<Vec<u8>>,
    ) -> Result<(), GlobError> {
        if depth > MAX_RECURSION {
            return Err(GlobError::NoSpace);
        }
        let old = out.len();
        let (dirname, filename): (&[u8], &[u8]) = match pattern.iter().rposition(|&b| b == b'/') {
            None => (b"", pattern),
            Some(0) => (b"/", &pattern[1..]),
            Some(i) => {
                let (d, f) = (&pattern[..i], &pattern[i + 1..]);
                if f.is_empty() && d.len() > 1 {
                    // "pattern/": the directories it names, slash added.
                    return self.glob(depth + 1, d, nosort, onlydir, true, out);
                }
                (d, f)
            }
        };
        if has_meta(dirname) {
            let mut dirs = Vec::new();
            self.glob(depth + 1, dirname, true, true, false, &mut dirs)?;
            for d in &dirs {
                let before = out.len();
                self.in_dir(filename, d, onlydir, out)?;
                for name in &mut out[before..] {
                    *name = prefixed(d, name);
                }
            }
            if out.len() == old {
                return Err(GlobError::NoMatch);
            }
        } else {
            let dir: &[u8] = if dirname.is_empty() { b"." } else { dirname };
            self.in_dir(filename, dir, onlydir, out)?;
            if out.len() == old {
                return Err(GlobError::NoMatch);
            }
            if !dirname.is_empty() {
                for name in &mut out[old..] {
                    *name = prefixed(dirname, name);
                }
            }
        }
        if mark {
            for name in &mut out[old..] {
                if std::fs::metadata(self.fs(name)).is_ok_and(|m| m.is_dir()) {
                    name.push(b'/');
                }
            }
        }
        if !nosort {
            out[old..].sort_unstable();
        }
        Ok(())
    }

    /// The names in `dir` matching `pattern` (one path part), appended in
    /// reverse directory order.
    fn in_dir(
        &mut self,
        pattern: &[u8],
        dir: &[u8],
        onlydir: bool,
        out: &mut Vec<Vec<u8>>,
    ) -> Result<(), GlobError> {
        let unescaped = !pattern.contains(&b'\\');
        if !has_meta(pattern) && unescaped {
            let mut full = dir.to_vec();
            full.push(b'/');
            full.extend_from_slice(pattern);
            if std::fs::metadata(self.fs(&full)).is_ok() {
                out.push(pattern.to_vec());
            }
            return Ok(());
        }
        if pattern.is_empty() {
            out.push(Vec::new());
            return Ok(());
        }
        let path = self.fs(dir);
        let Ok(mut d) = Dir::open(
            path.as_os_str().as_bytes(),
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        ) else {
            return Ok(());
        };
        let start = out.len();
        for entry in d.iter() {
            let Ok(entry) = entry else { break };
            if self.entries > MAX_RESULTS {
                break;
            }
            self.entries += 1;
            if onlydir && entry.file_type().is_some_and(|t| t != Type::Directory) {
                continue;
            }
            let name = entry.file_name().to_bytes();
            if fnmatch(pattern, name, &mut self.steps) {
                out.push(name.to_vec());
            }
            if self.steps > MAX_STEPS {
                return Err(GlobError::NoSpace);
            }
        }
        out[start..].reverse();
        Ok(())
    }
}

/// `dir/name`, or `/name` for the root (glob's prefix_array).
fn prefixed(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(dir.len() + 1 + name.len());
    if dir != b"/" {
        v.extend_from_slice(dir);
    }
    v.push(b'/');
    v.extend_from_slice(name);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, Vec<u8>) {
        let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let base = t.path();
        for d in ["sub/deep", "emptyd", ".hid"] {
            std::fs::create_dir_all(base.join(d)).unwrap_or_else(|e| panic!("{e}"));
        }
        for f in [
            "a.txt",
            "b.txt",
            "big.dat",
            ".dot",
            "sub/z.txt",
            "sub/deep/y.txt",
        ] {
            std::fs::write(base.join(f), b"x").unwrap_or_else(|e| panic!("{e}"));
        }
        std::os::unix::fs::symlink("a.txt", base.join("link")).unwrap_or_else(|e| panic!("{e}"));
        let cwd = base.as_os_str().as_bytes().to_vec();
        (t, cwd)
    }

    fn g(cwd: &[u8], p: &str, nosort: bool) -> Result<Vec<String>, GlobError> {
        glob(cwd, p.as_bytes(), nosort).map(|v| {
            v.into_iter()
                .map(|s| String::from_utf8_lossy(&s).into_owned())
                .collect()
        })
    }

    #[test]
    fn sorted_results_and_hidden_names() {
        let (_t, cwd) = tree();
        assert_eq!(
            g(&cwd, "*.txt", false),
            Ok(vec!["a.txt".into(), "b.txt".into()])
        );
        assert_eq!(
            g(&cwd, "*", false),
            Ok(["a.txt", "b.txt", "big.dat", "emptyd", "link", "sub"]
                .map(String::from)
                .to_vec())
        );
        assert_eq!(g(&cwd, ".d*", false), Ok(vec![".dot".into()]));
        assert_eq!(
            g(&cwd, "*/*", false),
            Ok(vec!["sub/deep".into(), "sub/z.txt".into()])
        );
        assert_eq!(g(&cwd, "*/z.txt", false), Ok(vec!["sub/z.txt".into()]));
        assert_eq!(g(&cwd, "s*/", false), Ok(vec!["sub/".into()]));
        assert_eq!(g(&cwd, "*.nomatch", false), Err(GlobError::NoMatch));
        let abs = format!("{}/s*", String::from_utf8_lossy(&cwd));
        assert_eq!(
            g(b"/", &abs, false),
            Ok(vec![format!("{}/sub", String::from_utf8_lossy(&cwd))])
        );
    }

    #[test]
    fn unsorted_results_reverse_directory_order() {
        let (t, cwd) = tree();
        let mut order: Vec<String> = std::fs::read_dir(t.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        order.reverse();
        assert_eq!(g(&cwd, "*", true), Ok(order));
    }

    #[test]
    fn hostile_patterns_stay_bounded() {
        let (_t, cwd) = tree();
        let deep = ["*"; 12].join("/");
        assert_eq!(g(&cwd, &deep, false), Err(GlobError::NoSpace));
        let seven = ["*"; 7].join("/");
        assert_eq!(g(&cwd, &seven, false), Err(GlobError::NoMatch));
        let start = std::time::Instant::now();
        let p = "*a".repeat(1000) + "b";
        assert_eq!(g(&cwd, &p, false), Err(GlobError::NoMatch));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }
}
