//! The languages LANG accepts and FEAT lists, as mod_lang/1.1 finds them:
//! every directory of `LangPath` (default `/usr/share/locale`) holding an
//! `LC_MESSAGES/proftpd.mo` whose name is an installed locale, or whose
//! name plus `.UTF-8` is (then both names are listed, the short one an
//! alias), in directory order. With none, the session's own language is
//! the list (observed on 1.3.8 with no locales installed: `LANG
//! C.UTF-8*` under `LANG=C.UTF-8`, `LANG en-US*` under `LANG=C`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Debian's `PR_LOCALE_DIR`.
pub const DEFAULT_LANG_PATH: &str = "/usr/share/locale";

/// The supported languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LangTable {
    /// Locale names, in scan order.
    pub list: Vec<String>,
    /// Short name -> the `.UTF-8` name setlocale accepted for it.
    pub aliases: Vec<(String, String)>,
}

/// Scans `dir`; `None` when it cannot be read (1.3.8 then has no list).
pub fn scan(dir: &Path, installed: &dyn Fn(&str) -> bool) -> Option<LangTable> {
    let rd = std::fs::read_dir(dir).ok()?;
    let mut t = LangTable::default();
    for ent in rd.flatten() {
        let Ok(name) = ent.file_name().into_string() else {
            continue;
        };
        if !dir.join(&name).join("LC_MESSAGES/proftpd.mo").exists() {
            continue;
        }
        if installed(&name) {
            t.list.push(name);
        } else {
            let utf8 = format!("{name}.UTF-8");
            if installed(&utf8) {
                t.list.push(utf8.clone());
                t.aliases.push((name.clone(), utf8));
                t.list.push(name);
            }
        }
    }
    Some(t)
}

/// Tables already scanned, by LangPath: the master scans at startup (and
/// again on restart), so sessions inherit the result.
static CACHE: Mutex<Vec<(PathBuf, Option<LangTable>)>> = Mutex::new(Vec::new());

/// The table for `dir`, scanned once per process (and per restart).
pub fn table_for(dir: &Path) -> Option<LangTable> {
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, t)) = cache.iter().find(|(p, _)| p == dir) {
        return t.clone();
    }
    let t = scan(dir, &crate::locale::installed);
    cache.push((dir.to_path_buf(), t.clone()));
    t
}

/// Forgets every scan (a restart re-reads LangPath).
pub fn forget() {
    CACHE.lock().unwrap_or_else(|p| p.into_inner()).clear();
}

impl LangTable {
    /// Whether a client's language tag is in the list: aliases first, then
    /// `en-US` matches `en_US` (a `-` at index 2 of a tag longer than 4),
    /// case-insensitively.
    pub fn supports(&self, tag: &[u8]) -> bool {
        let tag = String::from_utf8_lossy(tag);
        let mut t: Vec<u8> = match self.aliases.iter().find(|(a, _)| *a == tag) {
            Some((_, real)) => real.clone().into_bytes(),
            None => tag.as_bytes().to_vec(),
        };
        if t.len() > 4 && t[2] == b'-' {
            t[2] = b'_';
        }
        self.list
            .iter()
            .any(|l| l.as_bytes().eq_ignore_ascii_case(&t))
    }

    /// The FEAT line: each language with its first `_` as `-`, `*` on the
    /// current one, `;` between (`LANG en-US*`).
    pub fn feat_line(&self, current: &str) -> String {
        let items: Vec<String> = self
            .list
            .iter()
            .map(|l| {
                let shown = l.replacen('_', "-", 1);
                let star = current.eq_ignore_ascii_case(&shown) || current.eq_ignore_ascii_case(l);
                if star { format!("{shown}*") } else { shown }
            })
            .collect();
        format!("LANG {}", items.join(";"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_catalogs_of_installed_locales() {
        let dir = std::env::temp_dir().join(format!("mod_lang_scan_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for l in ["en_US", "fr_FR", "C.UTF-8", "xx"] {
            let m = dir.join(l).join("LC_MESSAGES");
            std::fs::create_dir_all(&m).expect("mkdir");
            if l != "xx" {
                std::fs::write(m.join("proftpd.mo"), b"").expect("write");
            }
        }
        let installed = |n: &str| matches!(n, "en_US.UTF-8" | "C.UTF-8" | "xx");
        let mut t = scan(&dir, &installed).expect("readable");
        t.list.sort();
        t.aliases.sort();
        assert_eq!(t.list, ["C.UTF-8", "en_US", "en_US.UTF-8"]);
        assert_eq!(
            t.aliases,
            [("en_US".to_string(), "en_US.UTF-8".to_string())]
        );
        assert!(scan(&dir.join("missing"), &installed).is_none());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn tags_and_feat() {
        let t = LangTable {
            list: vec!["en_US".into()],
            aliases: vec![],
        };
        assert!(t.supports(b"en-US") && t.supports(b"en_us") && t.supports(b"EN-us"));
        assert!(!t.supports(b"en") && !t.supports(b"C") && !t.supports(b"en-U"));
        assert_eq!(t.feat_line("en_US"), "LANG en-US*");
        assert_eq!(t.feat_line("en-us"), "LANG en-US*");
        let c = LangTable {
            list: vec!["C.UTF-8".into()],
            aliases: vec![],
        };
        assert!(c.supports(b"C.UTF-8") && c.supports(b"c.utf-8") && !c.supports(b"C.utf8"));
        assert_eq!(c.feat_line("C.UTF-8"), "LANG C.UTF-8*");
        let two = LangTable {
            list: vec!["en_US.UTF-8".into(), "en_US".into()],
            aliases: vec![("en_US".into(), "en_US.UTF-8".into())],
        };
        assert_eq!(two.feat_line("C.UTF-8"), "LANG en-US.UTF-8;en-US");
        assert_eq!(two.feat_line("en_US"), "LANG en-US.UTF-8;en-US*");
        assert!(two.supports(b"en_US"));
    }
}
