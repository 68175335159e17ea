//! `Include` path resolution over an [`IncludeLoader`], so that the rules
//! (absolute path, directory = every entry sorted, globs in any component,
//! no match = nothing) are pure and testable with an in-memory tree.

use std::io;

/// What the parser needs from the world outside the text: files for
/// `Include`, and name resolution for `<VirtualHost>` (1.3.8 resolves the
/// addresses while parsing and fails on a name it cannot resolve).
pub trait IncludeLoader {
    /// The whole content of a file.
    fn read(&mut self, path: &str) -> io::Result<Vec<u8>>;
    /// Whether `path` is a directory (`Err` when it does not exist).
    fn is_dir(&mut self, path: &str) -> io::Result<bool>;
    /// The entry names of a directory (without `.` and `..`), any order.
    fn list(&mut self, path: &str) -> io::Result<Vec<String>>;
    /// Whether a `<VirtualHost>` address resolves. The default accepts
    /// everything, so tests and fuzzing never touch DNS.
    fn resolve_host(&mut self, host: &str) -> bool {
        let _ = host;
        true
    }
}

/// A loader with no files at all (every `Include` finds nothing) and no
/// name resolution: for fuzzing and for parsing text that must not reach
/// the file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoFiles;

impl IncludeLoader for NoFiles {
    fn read(&mut self, _path: &str) -> io::Result<Vec<u8>> {
        Err(io::ErrorKind::NotFound.into())
    }

    fn is_dir(&mut self, _path: &str) -> io::Result<bool> {
        Err(io::ErrorKind::NotFound.into())
    }

    fn list(&mut self, _path: &str) -> io::Result<Vec<String>> {
        Err(io::ErrorKind::NotFound.into())
    }
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct FsLoader;

impl IncludeLoader for FsLoader {
    fn read(&mut self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn is_dir(&mut self, path: &str) -> io::Result<bool> {
        // lstat, as 1.3.8: a symlink to a directory is not read as one
        // (`Include /link-to-dir` warns "Is a directory").
        std::fs::symlink_metadata(path).map(|m| m.is_dir())
    }

    fn list(&mut self, path: &str) -> io::Result<Vec<String>> {
        std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect()
    }

    fn resolve_host(&mut self, host: &str) -> bool {
        use std::net::ToSocketAddrs;
        // Port 0: only the address matters. A bracketed IPv6 literal is not
        // how ProFTPD spells them, but accept it rather than fail on DNS.
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        (bare, 0u16)
            .to_socket_addrs()
            .is_ok_and(|mut a| a.next().is_some())
    }
}

/// The C `strerror` text of an I/O error, as ProFTPD prints it.
pub fn strerror(e: &io::Error) -> String {
    if e.raw_os_error().is_some() {
        // std formats OS errors as "<strerror> (os error N)".
        let s = e.to_string();
        return match s.rfind(" (os error ") {
            Some(i) => s.get(..i).unwrap_or(&s).to_string(),
            None => s,
        };
    }
    match e.kind() {
        io::ErrorKind::NotFound => "No such file or directory".into(),
        io::ErrorKind::PermissionDenied => "Permission denied".into(),
        io::ErrorKind::NotADirectory => "Not a directory".into(),
        io::ErrorKind::IsADirectory => "Is a directory".into(),
        _ => e.to_string(),
    }
}

/// Whether a path component holds glob characters.
pub fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn fnmatch(pattern: &str, name: &str) -> bool {
    // As glob(3): `*` does not match a leading dot (1.3.8's `Include
    // /dir/*` skips dotfiles, while `Include /dir` reads them). An invalid
    // pattern (unbalanced `[`) matches only itself.
    match glob::Pattern::new(pattern) {
        Ok(p) => p.matches_with(
            name,
            glob::MatchOptions {
                case_sensitive: true,
                require_literal_separator: true,
                require_literal_leading_dot: true,
            },
        ),
        Err(_) => pattern == name,
    }
}

/// One file to parse, or a problem to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    File(String),
    /// A warning line (full text, `warning: ...` / `error: ...`); parsing
    /// goes on.
    Warning(String),
    /// A glob in a directory component under `IncludeOptions
    /// IgnoreWildcards`: fatal; holds the offending directory name.
    WildcardDir(String),
}

/// `IncludeOptions` (server config only; each use replaces the last).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// `IgnoreTempFiles`: entries ending in `~` or `.swp` are skipped when
    /// a directory or a glob is read (an explicitly named file is not).
    pub ignore_temp_files: bool,
    /// `IgnoreWildcards`: globs in directory components are an error.
    pub ignore_wildcards: bool,
}

impl Options {
    /// The option words, exact case as 1.3.8 wants; `Err` names the first
    /// unknown one. `AllowSymlinks` is accepted and changes nothing: 1.3.8
    /// reads symlinked files either way, and never treats a symlink to a
    /// directory as a directory.
    pub fn parse(words: &[String]) -> Result<Options, String> {
        let mut o = Options::default();
        for w in words {
            match w.as_str() {
                "AllowSymlinks" => {}
                "IgnoreTempFiles" => o.ignore_temp_files = true,
                "IgnoreWildcards" => o.ignore_wildcards = true,
                _ => return Err(w.clone()),
            }
        }
        Ok(o)
    }
}

fn is_temp_file(name: &str) -> bool {
    name.ends_with('~') || name.ends_with(".swp")
}

/// Expands an absolute `Include` argument into the files to parse, in
/// order, plus the warnings ProFTPD 1.3.8 logs for the ones it skips.
pub fn resolve(arg: &str, opts: Options, loader: &mut dyn IncludeLoader) -> Vec<Item> {
    let comps: Vec<&str> = arg.split('/').filter(|c| !c.is_empty()).collect();
    let Some((last, dirs)) = comps.split_last() else {
        // "/" itself: a directory include of the root.
        return dir_entries("/", opts, loader);
    };
    if dirs.iter().any(|c| has_glob(c)) {
        if opts.ignore_wildcards {
            return vec![Item::WildcardDir(join("", dirs))];
        }
        return glob_dirs(arg, dirs, last, opts, loader);
    }
    let parent = join("", dirs);
    if has_glob(last) {
        return glob_files(arg, &parent, last, opts, loader);
    }
    let path = join(&parent, &[last]);
    // A trailing slash makes lstat follow a symlinked directory.
    let stat_path = if arg.ends_with('/') {
        format!("{path}/")
    } else {
        path.clone()
    };
    match loader.is_dir(&stat_path) {
        Ok(true) => dir_entries(&path, opts, loader),
        Ok(false) => vec![Item::File(path)],
        Err(e) => vec![Item::Warning(format!(
            "warning: unable to include '{arg}': {}",
            strerror(&e)
        ))],
    }
}

fn join(base: &str, comps: &[&str]) -> String {
    let mut s = base.to_string();
    for c in comps {
        s.push('/');
        s.push_str(c);
    }
    s
}

fn sorted_list(
    dir: &str,
    opts: Options,
    loader: &mut dyn IncludeLoader,
) -> io::Result<Vec<String>> {
    let mut names: Vec<String> = loader
        .list(dir)?
        .into_iter()
        .filter(|n| n != "." && n != "..")
        .filter(|n| !(opts.ignore_temp_files && is_temp_file(n)))
        .collect();
    // strcmp order, as ProFTPD sorts.
    names.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    Ok(names)
}

/// Every entry of a directory, sorted; subdirectories are reported, not
/// descended into.
fn dir_entries(dir: &str, opts: Options, loader: &mut dyn IncludeLoader) -> Vec<Item> {
    let names = match sorted_list(dir, opts, loader) {
        Ok(n) => n,
        Err(e) => {
            return vec![Item::Warning(format!(
                "warning: unable to include '{dir}': {}",
                strerror(&e)
            ))];
        }
    };
    let base = dir.trim_end_matches('/');
    names
        .into_iter()
        .map(|n| file_or_dir(format!("{base}/{n}"), loader))
        .collect()
}

fn file_or_dir(path: String, loader: &mut dyn IncludeLoader) -> Item {
    match loader.is_dir(&path) {
        Ok(true) => Item::Warning(format!(
            "error: unable to open parse file '{path}': Is a directory"
        )),
        _ => Item::File(path),
    }
}

/// A glob in the last component: matching entries, sorted; none = nothing.
fn glob_files(
    arg: &str,
    dir: &str,
    pattern: &str,
    opts: Options,
    loader: &mut dyn IncludeLoader,
) -> Vec<Item> {
    let list_dir = if dir.is_empty() { "/" } else { dir };
    match sorted_list(list_dir, opts, loader) {
        Ok(names) => names
            .into_iter()
            .filter(|n| fnmatch(pattern, n))
            .map(|n| file_or_dir(format!("{dir}/{n}"), loader))
            .collect(),
        Err(e) => vec![
            Item::Warning(format!(
                "error: failed to check configuration path '{list_dir}': {}",
                strerror(&e)
            )),
            Item::Warning(format!(
                "warning: unable to include '{arg}': {}",
                strerror(&e)
            )),
        ],
    }
}

/// Globs in directory components (1.3.6+): every matching directory, in
/// sorted order, each with the rest of the path applied. As in 1.3.8, a
/// match that is not a directory fails the whole Include, and no match at
/// all is reported.
fn glob_dirs(
    arg: &str,
    dirs: &[&str],
    last: &str,
    opts: Options,
    loader: &mut dyn IncludeLoader,
) -> Vec<Item> {
    // Expand the directory components one level at a time.
    let mut bases: Vec<String> = vec![String::new()];
    for comp in dirs {
        let mut next = Vec::new();
        for base in &bases {
            if !has_glob(comp) {
                next.push(format!("{base}/{comp}"));
                continue;
            }
            let list_dir = if base.is_empty() { "/" } else { base.as_str() };
            let names = match sorted_list(list_dir, opts, loader) {
                Ok(n) => n,
                Err(e) => {
                    return vec![Item::Warning(format!(
                        "warning: unable to include '{arg}': {}",
                        strerror(&e)
                    ))];
                }
            };
            for n in names.into_iter().filter(|n| fnmatch(comp, n)) {
                let p = format!("{base}/{n}");
                if !matches!(loader.is_dir(&p), Ok(true)) {
                    return vec![Item::Warning(format!(
                        "warning: unable to include '{arg}': Not a directory"
                    ))];
                }
                next.push(p);
            }
        }
        bases = next;
    }
    if bases.is_empty() {
        return vec![
            Item::Warning(format!(
                "error: no matches found for wildcard directory '{arg}'"
            )),
            Item::Warning(format!(
                "warning: unable to include '{arg}': No such file or directory"
            )),
        ];
    }
    let mut out = Vec::new();
    for base in bases {
        if has_glob(last) {
            // Missing files in one of the directories are simply absent.
            if let Ok(names) = sorted_list(&base, opts, loader) {
                out.extend(
                    names
                        .into_iter()
                        .filter(|n| fnmatch(last, n))
                        .map(|n| file_or_dir(format!("{base}/{n}"), loader)),
                );
            }
        } else {
            let p = format!("{base}/{last}");
            match loader.is_dir(&p) {
                Ok(true) => out.extend(dir_entries(&p, opts, loader)),
                Ok(false) => out.push(Item::File(p)),
                Err(_) => {}
            }
        }
    }
    out
}

#[cfg(test)]
pub mod fake {
    //! An in-memory file tree for tests.
    use super::IncludeLoader;
    use std::collections::BTreeMap;
    use std::io;

    /// Paths to contents; a directory exists when some path lies below it.
    #[derive(Debug, Default, Clone)]
    pub struct FakeFs {
        pub files: BTreeMap<String, Vec<u8>>,
        /// Empty directories.
        pub dirs: Vec<String>,
    }

    impl FakeFs {
        pub fn new(files: &[(&str, &str)]) -> FakeFs {
            FakeFs {
                files: files
                    .iter()
                    .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
                    .collect(),
                dirs: Vec::new(),
            }
        }

        fn dir_exists(&self, path: &str) -> bool {
            let prefix = format!("{}/", path.trim_end_matches('/'));
            path == "/"
                || self.dirs.iter().any(|d| d == path.trim_end_matches('/'))
                || self.dirs.iter().any(|d| d.starts_with(&prefix))
                || self.files.keys().any(|f| f.starts_with(&prefix))
        }
    }

    impl IncludeLoader for FakeFs {
        fn read(&mut self, path: &str) -> io::Result<Vec<u8>> {
            if let Some(c) = self.files.get(path) {
                return Ok(c.clone());
            }
            if self.dir_exists(path) {
                return Err(io::Error::from(io::ErrorKind::IsADirectory));
            }
            Err(io::Error::from(io::ErrorKind::NotFound))
        }

        fn is_dir(&mut self, path: &str) -> io::Result<bool> {
            if self.files.contains_key(path) {
                Ok(false)
            } else if self.dir_exists(path) {
                Ok(true)
            } else {
                Err(io::Error::from(io::ErrorKind::NotFound))
            }
        }

        /// Names under the reserved `.invalid` TLD do not resolve.
        fn resolve_host(&mut self, host: &str) -> bool {
            !host.ends_with(".invalid")
        }

        fn list(&mut self, path: &str) -> io::Result<Vec<String>> {
            if self.files.contains_key(path) {
                return Err(io::Error::from(io::ErrorKind::NotADirectory));
            }
            if !self.dir_exists(path) {
                return Err(io::Error::from(io::ErrorKind::NotFound));
            }
            let prefix = if path == "/" {
                "/".to_string()
            } else {
                format!("{}/", path.trim_end_matches('/'))
            };
            let mut names: Vec<String> = self
                .files
                .keys()
                .chain(self.dirs.iter())
                .filter_map(|f| f.strip_prefix(&prefix))
                .filter_map(|rest| rest.split('/').next())
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect();
            names.sort();
            names.dedup();
            // Reverse, so nothing relies on the loader's order.
            names.reverse();
            Ok(names)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::FakeFs;
    use super::*;

    fn fs() -> FakeFs {
        let mut fs = FakeFs::new(&[
            ("/etc/p/main.conf", ""),
            ("/etc/p/conf.d/b.conf", ""),
            ("/etc/p/conf.d/a.conf", ""),
            ("/etc/p/conf.d/.hidden", ""),
            ("/etc/p/conf.d/sub/x.conf", ""),
            ("/etc/p/vh/one/site.conf", ""),
            ("/etc/p/vh/two/site.conf", ""),
            ("/etc/p/vh/three/other.conf", ""),
            ("/etc/p/mixed/d1/site.conf", ""),
            ("/etc/p/mixed/file", ""),
        ]);
        fs.dirs.push("/etc/p/empty".into());
        fs
    }

    fn f(p: &str) -> Item {
        Item::File(p.into())
    }
    fn w(s: &str) -> Item {
        Item::Warning(s.into())
    }

    #[test]
    fn resolve_table() {
        let table: Vec<(&str, Vec<Item>)> = vec![
            ("/etc/p/main.conf", vec![f("/etc/p/main.conf")]),
            ("/etc/p//main.conf", vec![f("/etc/p/main.conf")]),
            (
                "/etc/p/missing.conf",
                vec![w(
                    "warning: unable to include '/etc/p/missing.conf': No such file or directory",
                )],
            ),
            (
                "/etc/p/conf.d",
                vec![
                    f("/etc/p/conf.d/.hidden"),
                    f("/etc/p/conf.d/a.conf"),
                    f("/etc/p/conf.d/b.conf"),
                    w("error: unable to open parse file '/etc/p/conf.d/sub': Is a directory"),
                ],
            ),
            (
                "/etc/p/conf.d/",
                vec![
                    f("/etc/p/conf.d/.hidden"),
                    f("/etc/p/conf.d/a.conf"),
                    f("/etc/p/conf.d/b.conf"),
                    w("error: unable to open parse file '/etc/p/conf.d/sub': Is a directory"),
                ],
            ),
            ("/etc/p/empty", vec![]),
            (
                "/etc/p/conf.d/*.conf",
                vec![f("/etc/p/conf.d/a.conf"), f("/etc/p/conf.d/b.conf")],
            ),
            ("/etc/p/conf.d/*.nomatch", vec![]),
            (
                "/etc/p/conf.d/[ab].conf",
                vec![f("/etc/p/conf.d/a.conf"), f("/etc/p/conf.d/b.conf")],
            ),
            (
                "/etc/p/nodir/*.conf",
                vec![
                    w(
                        "error: failed to check configuration path '/etc/p/nodir': No such file or directory",
                    ),
                    w(
                        "warning: unable to include '/etc/p/nodir/*.conf': No such file or directory",
                    ),
                ],
            ),
            (
                "/etc/p/vh/*/site.conf",
                vec![f("/etc/p/vh/one/site.conf"), f("/etc/p/vh/two/site.conf")],
            ),
            (
                "/etc/p/vh/t*/*.conf",
                vec![
                    f("/etc/p/vh/three/other.conf"),
                    f("/etc/p/vh/two/site.conf"),
                ],
            ),
            (
                "/etc/p/nod*/a.conf",
                vec![
                    w("error: no matches found for wildcard directory '/etc/p/nod*/a.conf'"),
                    w("warning: unable to include '/etc/p/nod*/a.conf': No such file or directory"),
                ],
            ),
            (
                "/etc/p/mixed/*/site.conf",
                vec![w(
                    "warning: unable to include '/etc/p/mixed/*/site.conf': Not a directory",
                )],
            ),
        ];
        for (arg, want) in table {
            assert_eq!(resolve(arg, Options::default(), &mut fs()), want, "{arg}");
        }
    }

    #[test]
    fn fs_loader_resolves_literals() {
        assert!(FsLoader.resolve_host("127.0.0.1"));
        assert!(FsLoader.resolve_host("::1"));
        assert!(NoFiles.resolve_host("anything"));
        assert!(NoFiles.read("/etc/passwd").is_err());
    }

    #[test]
    fn strerror_texts() {
        assert_eq!(
            strerror(&io::Error::from_raw_os_error(2)),
            "No such file or directory"
        );
        assert_eq!(
            strerror(&io::Error::from(io::ErrorKind::IsADirectory)),
            "Is a directory"
        );
    }
}
