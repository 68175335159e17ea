//! Pure parsers: the directive arguments and the file formats.

use std::path::PathBuf;

use proftpd_api::auth::{Group, Passwd};
use regex::Regex;

use crate::{GroupFileSpec, UserFileSpec};

/// An inclusive id range (`id 1000-1999`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdRange {
    pub min: u32,
    pub max: u32,
}

impl IdRange {
    pub fn contains(&self, id: u32) -> bool {
        (self.min..=self.max).contains(&id)
    }
}

/// A regex filter; `!regex` keeps the entries that do *not* match.
#[derive(Debug, Clone)]
pub struct Filter {
    pub re: Regex,
    pub negate: bool,
}

impl Filter {
    pub fn passes(&self, text: &str) -> bool {
        self.re.is_match(text) != self.negate
    }
}

fn parse_range(raw: &str) -> Result<IdRange, String> {
    let bad = || format!("badly formatted ID range parameter: '{raw}'");
    let (lo, hi) = raw.split_once('-').ok_or_else(bad)?;
    let min: u32 = lo.trim().parse().map_err(|_| bad())?;
    let max: u32 = hi.trim().parse().map_err(|_| bad())?;
    if min > max {
        return Err(bad());
    }
    Ok(IdRange { min, max })
}

fn parse_filter(raw: &str) -> Result<Filter, String> {
    let (negate, pat) = match raw.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let re = Regex::new(pat).map_err(|e| format!("error compiling regex '{pat}': {e}"))?;
    Ok(Filter { re, negate })
}

fn file_path(raw: &str) -> Result<PathBuf, String> {
    if !raw.starts_with('/') {
        return Err(format!("unable to use relative path for '{raw}'"));
    }
    Ok(PathBuf::from(raw))
}

/// The options after the path, as keyword/value pairs in any order.
fn options<'a>(
    args: &'a [String],
    allowed: &[&str],
) -> Result<Vec<(&'static str, &'a str)>, String> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(key) = it.next() {
        let k = ["id", "home", "name"]
            .into_iter()
            .find(|k| k.eq_ignore_ascii_case(key) && allowed.contains(k))
            .ok_or_else(|| format!("unknown restriction '{key}'"))?;
        let v = it
            .next()
            .ok_or_else(|| format!("missing value for '{key}'"))?;
        out.push((k, v.as_str()));
    }
    Ok(out)
}

/// `AuthUserFile path [id min-max] [home regex] [name regex]`.
pub fn user_file_spec(args: &[String]) -> Result<UserFileSpec, String> {
    let (first, rest) = args.split_first().ok_or("missing parameters")?;
    let mut spec = UserFileSpec {
        path: file_path(first)?,
        ids: None,
        home: None,
        name: None,
    };
    for (k, v) in options(rest, &["id", "home", "name"])? {
        match k {
            "id" => spec.ids = Some(parse_range(v)?),
            "home" => spec.home = Some(parse_filter(v)?),
            _ => spec.name = Some(parse_filter(v)?),
        }
    }
    Ok(spec)
}

/// `AuthGroupFile path [id min-max] [name regex]`.
pub fn group_file_spec(args: &[String]) -> Result<GroupFileSpec, String> {
    let (first, rest) = args.split_first().ok_or("missing parameters")?;
    let mut spec = GroupFileSpec {
        path: file_path(first)?,
        ids: None,
        name: None,
    };
    for (k, v) in options(rest, &["id", "name"])? {
        match k {
            "id" => spec.ids = Some(parse_range(v)?),
            _ => spec.name = Some(parse_filter(v)?),
        }
    }
    Ok(spec)
}

/// Whether an entry survives the AuthUserFile's restrictions.
pub fn user_passes(spec: &UserFileSpec, u: &Passwd) -> bool {
    spec.ids.is_none_or(|r| r.contains(u.uid))
        && spec.home.as_ref().is_none_or(|f| f.passes(&u.dir))
        && spec.name.as_ref().is_none_or(|f| f.passes(&u.name))
}

/// Whether an entry survives the AuthGroupFile's restrictions.
pub fn group_passes(spec: &GroupFileSpec, g: &Group) -> bool {
    spec.ids.is_none_or(|r| r.contains(g.gid))
        && spec.name.as_ref().is_none_or(|f| f.passes(&g.name))
}

/// The usable lines of a file: text lines, blank and `#` lines skipped.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &str)> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter_map(|(i, raw)| {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            match std::str::from_utf8(raw) {
                Ok(s) => Some((i + 1, s)),
                Err(_) => {
                    log::warn!("mod_auth_file: line {} is not UTF-8, skipped", i + 1);
                    None
                }
            }
        })
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

/// One passwd(5) line: `name:hash:uid:gid:gecos:home:shell`.
pub fn parse_user_line(line: &str) -> Option<Passwd> {
    let f: Vec<&str> = line.split(':').collect();
    let [name, hash, uid, gid, gecos, dir, shell] = f.as_slice() else {
        return None;
    };
    if name.is_empty() {
        return None;
    }
    Some(Passwd {
        name: (*name).to_string(),
        passwd: Some((*hash).to_string()),
        uid: uid.parse().ok()?,
        gid: gid.parse().ok()?,
        gecos: (*gecos).to_string(),
        dir: (*dir).to_string(),
        shell: (*shell).to_string(),
    })
}

/// One group(5) line: `name:passwd:gid:member,member`.
pub fn parse_group_line(line: &str) -> Option<Group> {
    let f: Vec<&str> = line.split(':').collect();
    let [name, _pw, gid, members] = f.as_slice() else {
        return None;
    };
    if name.is_empty() {
        return None;
    }
    Some(Group {
        name: (*name).to_string(),
        gid: gid.parse().ok()?,
        members: members
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// Every valid entry of an AuthUserFile; bad lines are logged and skipped.
pub fn parse_users(bytes: &[u8]) -> Vec<Passwd> {
    lines(bytes)
        .filter_map(|(n, l)| {
            let u = parse_user_line(l);
            if u.is_none() {
                log::warn!("mod_auth_file: malformed AuthUserFile entry on line {n}, skipped");
            }
            u
        })
        .collect()
}

/// Every valid entry of an AuthGroupFile; bad lines are logged and skipped.
pub fn parse_groups(bytes: &[u8]) -> Vec<Group> {
    lines(bytes)
        .filter_map(|(n, l)| {
            let g = parse_group_line(l);
            if g.is_none() {
                log::warn!("mod_auth_file: malformed AuthGroupFile entry on line {n}, skipped");
            }
            g
        })
        .collect()
}
