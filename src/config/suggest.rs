//! "Did you mean" for unknown directives.
//!
//! The ranking reproduces ProFTPD 1.3.8 (checked against its output):
//! - a candidate that starts with the unknown name (case-insensitively)
//!   scores 0;
//! - any other scores 1 + a weighted edit distance from the unknown name to
//!   the candidate, case-insensitive, where inserting a character costs 1,
//!   substituting 2, deleting 3 and swapping two neighbours 0. ProFTPD's
//!   distance routine reads its result from the wrong row of its table:
//!   what it returns is the distance from the unknown name *minus its last
//!   two bytes* (0 for names shorter than two bytes). The suggestions users
//!   see come from that, so we compute the same (see [`proftpd_distance`]);
//! - candidates scoring more than 7 are dropped; the rest are ordered by
//!   score, then by case-insensitive name; ProFTPD shows at most 4.

/// Scores above this are not suggested.
pub const MAX_SCORE: usize = 7;
/// How many suggestions are shown.
pub const MAX_SUGGESTIONS: usize = 4;

const INSERT: usize = 1;
const SUBST: usize = 2;
const DELETE: usize = 3;
const SWAP: usize = 0;

/// The distance 1.3.8 computes: [`distance`] from `a` without its last two
/// bytes (the row its rolling-buffer loop ends up reading), 0 when `a` is
/// shorter than two bytes.
pub fn proftpd_distance(a: &str, b: &str) -> usize {
    match a.len().checked_sub(2) {
        Some(n) => distance(a.as_bytes().get(..n).unwrap_or(b""), b.as_bytes()),
        None => 0,
    }
}

/// Weighted edit distance turning `a` into `b` (ASCII case folded).
pub fn distance(a: &[u8], b: &[u8]) -> usize {
    let a: Vec<u8> = a.iter().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.iter().map(|c| c.to_ascii_lowercase()).collect();
    // Three rolling rows: two back (for swaps), previous, current.
    let mut back2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).map(|j| j * INSERT).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for (i, &ac) in a.iter().enumerate() {
        let a_prev = i.checked_sub(1).and_then(|k| a.get(k)).copied();
        if let Some(c0) = cur.first_mut() {
            *c0 = (i + 1) * DELETE;
        }
        for (j, &bc) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + if ac == bc { 0 } else { SUBST };
            let mut best = sub;
            let b_prev = j.checked_sub(1).and_then(|k| b.get(k)).copied();
            if a_prev == Some(bc) && b_prev == Some(ac) {
                if let Some(v) = j.checked_sub(1).and_then(|k| back2.get(k)) {
                    best = best.min(v + SWAP);
                }
            }
            if let Some(v) = prev.get(j + 1) {
                best = best.min(v + DELETE);
            }
            if let Some(v) = cur.get(j) {
                best = best.min(v + INSERT);
            }
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = best;
            }
        }
        std::mem::swap(&mut back2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// The score of `candidate` for the unknown `name` (lower is closer).
pub fn score(name: &str, candidate: &str) -> usize {
    let is_prefix = candidate
        .get(..name.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(name));
    if is_prefix {
        0
    } else {
        proftpd_distance(name, candidate) + 1
    }
}

/// Up to [`MAX_SUGGESTIONS`] names close to `name`, best first.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(usize, String, &str)> = candidates
        .into_iter()
        .map(|c| (score(name, c), c.to_ascii_lowercase(), c))
        .filter(|(s, _, _)| *s <= MAX_SCORE)
        .collect();
    scored.sort();
    // Two modules may claim one name; show it once.
    scored.dedup_by(|x, y| x.1 == y.1);
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, _, c)| c.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real ProFTPD names; every expectation below was printed by 1.3.8
    /// with its full directive set, and each subset here holds all of the
    /// names it printed, so the same ranking must come out.
    const NAMES: &[&str] = &[
        "Allow",
        "AllowOverwrite",
        "From",
        "Group",
        "Port",
        "ServerAdmin",
        "ServerAlias",
        "ServerIdent",
        "ServerLog",
        "ServerName",
        "ServerType",
        "TraceLog",
        "<Directory>",
        "</Directory>",
        "<Anonymous>",
        "</Anonymous>",
        "User",
        "Umask",
    ];

    #[test]
    fn matches_proftpd_138() {
        let table: &[(&str, &[&str])] = &[
            ("ServrIdent", &["ServerIdent", "ServerName", "ServerType"]),
            ("Fooxyz", &["From", "Port"]),
            ("bogus", &["From", "Port", "Allow", "Group"]),
            ("Bogus1", &["Port"]),
            (
                "Serv",
                &["ServerAdmin", "ServerAlias", "ServerIdent", "ServerLog"],
            ),
            (
                "ServerNam",
                &["ServerName", "ServerAdmin", "ServerIdent", "ServerLog"],
            ),
            ("<Directoryy>", &["<Directory>", "</Directory>"]),
            ("<Directory", &["<Directory>", "</Directory>"]),
            ("</directoryx>", &["</Directory>", "<Directory>"]),
            ("</Directory", &["</Directory>", "<Directory>"]),
            ("<Foo>", &["From", "Allow", "Group"]),
            ("</Foo>", &[]),
            ("xyzzyxyzzy", &[]),
            ("barBogus", &["TraceLog"]),
            ("Bogus x", &[]),
        ];
        for (name, want) in table {
            assert_eq!(suggest(name, NAMES.iter().copied()), *want, "{name}");
        }
    }

    #[test]
    fn distance_weights() {
        let d = |a: &str, b: &str| distance(a.as_bytes(), b.as_bytes());
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", "ABC"), 0);
        assert_eq!(d("ab", "abc"), INSERT);
        assert_eq!(d("abc", "ab"), DELETE);
        assert_eq!(d("abc", "abd"), SUBST);
        assert_eq!(d("abdc", "abcd"), SWAP);
        assert_eq!(d("", "abcd"), 4 * INSERT);
        assert_eq!(d("abcd", ""), 4 * DELETE);
        // 1.3.8's reading drops the last two bytes of the unknown name.
        assert_eq!(proftpd_distance("abcxy", "abc"), 0);
        assert_eq!(proftpd_distance("x", "abc"), 0);
        assert_eq!(proftpd_distance("xyz", "abc"), SUBST + 2 * INSERT);
    }

    #[test]
    fn duplicates_shown_once() {
        assert_eq!(suggest("Por", ["Port", "port", "Port"]), ["Port"]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for name in ["", "\u{e9}", "a\u{e9}", "\u{fffd}\u{fffd}"] {
            let _ = suggest(name, NAMES.iter().copied());
        }
    }
}
