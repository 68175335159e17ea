//! The daemon's locale, as `setlocale(LC_ALL, "")` would find it, without
//! calling the C library: mod_lang's default language and the server's
//! character set come from it.
//!
//! glibc takes each category's name from `LC_ALL`, else `LC_<CATEGORY>`,
//! else `LANG`, else `C`; if any of them names a locale that is not
//! installed, the whole call fails and everything stays `C` (observed on
//! 1.3.8: `LC_CTYPE=bogus` next to `LANG=C.UTF-8` gives the default
//! language `en_US`). `POSIX` reads back as `C`.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The categories `setlocale(LC_ALL, "")` sets.
const CATEGORIES: [&str; 12] = [
    "LC_CTYPE",
    "LC_NUMERIC",
    "LC_TIME",
    "LC_COLLATE",
    "LC_MONETARY",
    "LC_MESSAGES",
    "LC_PAPER",
    "LC_NAME",
    "LC_ADDRESS",
    "LC_TELEPHONE",
    "LC_MEASUREMENT",
    "LC_IDENTIFICATION",
];

/// Where glibc keeps compiled locales (unless `LOCPATH` says otherwise).
const LOCALE_DIR: &str = "/usr/lib/locale";
/// The locale archive's magic number.
const ARCHIVE_MAGIC: u32 = 0xde02_0109;
/// Limits for reading the archive's tables (a full archive's are a few
/// hundred KiB).
const MAX_TABLE: u64 = 16 << 20;

/// The locale names in effect for the categories mod_lang reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    /// LC_MESSAGES: the default language.
    pub messages: String,
    /// LC_CTYPE: the character set of file names on this server.
    pub ctype: String,
}

/// What environment variable lookups return (a closure in tests).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The locale `setlocale(LC_ALL, "")` would set, given an environment and
/// a test for installed locales.
pub fn from_env(env: Env<'_>, installed: &dyn Fn(&str) -> bool) -> Locale {
    let get = |v: &str| env(v).filter(|s| !s.is_empty());
    let name_for = |cat: &str| {
        get("LC_ALL")
            .or_else(|| get(cat))
            .or_else(|| get("LANG"))
            .unwrap_or_else(|| "C".to_string())
    };
    let c = Locale {
        messages: "C".into(),
        ctype: "C".into(),
    };
    let mut names = Vec::with_capacity(CATEGORIES.len());
    for cat in CATEGORIES {
        let n = name_for(cat);
        if !installed(&n) {
            return c;
        }
        names.push(if n == "POSIX" { "C".to_string() } else { n });
    }
    Locale {
        ctype: names[0].clone(),
        messages: names[5].clone(),
    }
}

/// glibc's codeset normalisation: letters lower-cased, digits kept, all
/// else dropped; an all-digit result gets `iso` in front (`UTF-8` is
/// `utf8`, `8859-1` is `iso88591`).
pub fn normalize_codeset(cs: &str) -> String {
    let out: String = cs
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if !out.is_empty() && out.chars().all(|c| c.is_ascii_digit()) {
        format!("iso{out}")
    } else {
        out
    }
}

/// `lang_territory`, codeset and `@modifier` of a locale name.
fn split(name: &str) -> (&str, Option<&str>, &str) {
    let (rest, modifier) = match name.find('@') {
        Some(i) => (&name[..i], &name[i..]),
        None => (name, ""),
    };
    match rest.find('.') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..]), modifier),
        None => (rest, None, modifier),
    }
}

/// The character set a locale name uses, normalised: `C` and `POSIX` are
/// ASCII; a name without a codeset is taken as ISO-8859-1 (what glibc's
/// traditional locales use).
pub fn codeset(name: &str) -> String {
    if name == "C" || name == "POSIX" {
        return "ansix341968".into();
    }
    match split(name).1 {
        Some(cs) => normalize_codeset(cs),
        None => "iso88591".into(),
    }
}

/// Whether `setlocale` would accept `name` on this system.
pub fn installed(name: &str) -> bool {
    installed_in(name, process_env("LOCPATH").as_deref())
}

fn installed_in(name: &str, locpath: Option<&str>) -> bool {
    if name == "C" || name == "POSIX" {
        return true;
    }
    if name.is_empty() || name.contains('/') {
        return false;
    }
    let (base, cs, modifier) = split(name);
    // glibc 2.35 and later have C.UTF-8 built in.
    if base == "C" && cs.map(normalize_codeset).as_deref() == Some("utf8") {
        return true;
    }
    let mut candidates = vec![name.to_string()];
    if let Some(cs) = cs {
        candidates.push(format!("{base}.{}{modifier}", normalize_codeset(cs)));
    }
    let dirs: Vec<PathBuf> = match locpath {
        Some(p) => p
            .split(':')
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .collect(),
        None => vec![PathBuf::from(LOCALE_DIR)],
    };
    if candidates
        .iter()
        .any(|c| dirs.iter().any(|d| d.join(c).join("LC_CTYPE").exists()))
    {
        return true;
    }
    locpath.is_none()
        && archive_names(&Path::new(LOCALE_DIR).join("locale-archive"))
            .is_some_and(|names| candidates.iter().any(|c| names.contains(c)))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i + 4)
        .map(|s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

/// The locale names in glibc's locale archive, read from its name hash
/// table (header, table and string area only, never the locale data).
pub fn archive_names(path: &Path) -> Option<Vec<String>> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut head = [0u8; 32];
    f.read_exact(&mut head).ok()?;
    if u32_at(&head, 0)? != ARCHIVE_MAGIC {
        return None;
    }
    let hash_off = u64::from(u32_at(&head, 8)?);
    let hash_size = u64::from(u32_at(&head, 16)?);
    let str_off = u64::from(u32_at(&head, 20)?);
    let str_used = u64::from(u32_at(&head, 24)?);
    if hash_size * 12 > MAX_TABLE || str_used > MAX_TABLE {
        return None;
    }
    let read = |f: &mut std::fs::File, off: u64, len: u64| -> Option<Vec<u8>> {
        f.seek(SeekFrom::Start(off)).ok()?;
        let mut buf = vec![0u8; usize::try_from(len).ok()?];
        f.read_exact(&mut buf).ok()?;
        Some(buf)
    };
    let table = read(&mut f, hash_off, hash_size * 12)?;
    let strings = read(&mut f, str_off, str_used)?;
    let mut names = Vec::new();
    for ent in table.chunks_exact(12) {
        let name_off = u64::from(u32_at(ent, 4)?);
        if u32_at(ent, 8)? == 0 || name_off < str_off {
            continue;
        }
        let start = usize::try_from(name_off - str_off).ok()?;
        let Some(rest) = strings.get(start..) else {
            continue;
        };
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        names.push(String::from_utf8_lossy(&rest[..end]).into_owned());
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Pairs = &'static [(&'static str, &'static str)];

    fn env_of(pairs: Pairs) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn only_c(name: &str) -> bool {
        installed_in(name, Some("/nonexistent"))
    }

    #[test]
    fn environment_as_glibc_reads_it() {
        // (environment, LC_MESSAGES, LC_CTYPE), each observed on 1.3.8 as
        // the default language (C reads as en_US there).
        let table: &[(Pairs, &str, &str)] = &[
            (&[("LANG", "C.UTF-8")], "C.UTF-8", "C.UTF-8"),
            (&[], "C", "C"),
            (&[("LANG", "C")], "C", "C"),
            (&[("LANG", "POSIX")], "C", "C"),
            (&[("LANG", "en_US.UTF-8")], "C", "C"),
            (&[("LANG", "C.utf8")], "C.utf8", "C.utf8"),
            (&[("LANG", "c.utf-8")], "C", "C"),
            (
                &[("LANG", "fr_FR"), ("LC_ALL", "C.UTF-8")],
                "C.UTF-8",
                "C.UTF-8",
            ),
            (&[("LANG", "C.UTF-8"), ("LC_CTYPE", "bogus")], "C", "C"),
            (
                &[("LANG", "C.UTF-8"), ("LC_MESSAGES", "POSIX")],
                "C",
                "C.UTF-8",
            ),
            (&[("LANG", ""), ("LC_MESSAGES", "C.UTF-8")], "C.UTF-8", "C"),
        ];
        for (pairs, messages, ctype) in table {
            let env = env_of(pairs);
            let got = from_env(&env, &only_c);
            assert_eq!(
                (got.messages.as_str(), got.ctype.as_str()),
                (*messages, *ctype),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn codesets() {
        assert_eq!(normalize_codeset("UTF-8"), "utf8");
        assert_eq!(normalize_codeset("8859-1"), "iso88591");
        assert_eq!(normalize_codeset("ISO-8859-15"), "iso885915");
        assert_eq!(codeset("C"), "ansix341968");
        assert_eq!(codeset("C.UTF-8"), "utf8");
        assert_eq!(codeset("de_DE@euro"), "iso88591");
        assert_eq!(codeset("ja_JP.eucJP"), "eucjp");
    }

    #[test]
    fn installed_locales() {
        assert!(only_c("C") && only_c("POSIX") && only_c("C.UTF-8") && only_c("C.utf8"));
        assert!(!only_c("c.utf8") && !only_c("en_US") && !only_c("") && !only_c("../x"));
        let dir = std::env::temp_dir().join(format!("mod_lang_loc_{}", std::process::id()));
        std::fs::create_dir_all(dir.join("xx_XX.utf8")).expect("mkdir");
        std::fs::write(dir.join("xx_XX.utf8/LC_CTYPE"), b"").expect("write");
        let lp = dir.to_string_lossy().into_owned();
        assert!(installed_in("xx_XX.UTF-8", Some(&lp)));
        assert!(installed_in("xx_XX.utf8", Some(&lp)));
        assert!(!installed_in("xx_XX", Some(&lp)));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn archive_table() {
        // A tiny archive: header, a two-slot hash table, one name.
        let mut a = vec![0u8; 32];
        let put =
            |a: &mut Vec<u8>, at: usize, v: u32| a[at..at + 4].copy_from_slice(&v.to_ne_bytes());
        put(&mut a, 0, ARCHIVE_MAGIC);
        put(&mut a, 8, 32); // hash table offset
        put(&mut a, 16, 2); // slots
        put(&mut a, 20, 56); // strings offset
        put(&mut a, 24, 12); // strings used
        a.resize(56, 0);
        put(&mut a, 32, 7);
        put(&mut a, 36, 56);
        put(&mut a, 40, 1);
        a.extend_from_slice(b"en_US.utf8\0\0");
        let p = std::env::temp_dir().join(format!("mod_lang_archive_{}", std::process::id()));
        std::fs::write(&p, &a).expect("write");
        assert_eq!(archive_names(&p), Some(vec!["en_US.utf8".to_string()]));
        std::fs::remove_file(&p).expect("clean up");
    }
}
