//! fnmatch(3) for one file name, as glob uses it in ProFTPD: FNM_PERIOD
//! (a leading `.` only matches a literal `.`), backslash escapes, `*`,
//! `?` and bracket expressions (`[!x]`, `[^x]`, ranges, `[:class:]`), on
//! bytes as the C locale does.
//!
//! The matcher backtracks only to the last `*` (linear memory, O(n*m)
//! time); callers charge each call's work against a budget so that a
//! hostile pattern cannot make a listing run for long.

/// Whether `s` holds glob characters (ProFTPD's `pr_str_is_fnmatch`):
/// `*`, `?`, or a `]` after a `[`; a backslash hides the next character.
pub fn is_pattern(s: &[u8]) -> bool {
    let mut bracket = false;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'?' | b'*' => return true,
            b'\\' => {
                if i + 1 >= s.len() {
                    return false;
                }
                i += 1;
            }
            b'[' => bracket = true,
            b']' if bracket => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// glob's own test for metacharacters in a path part (`__glob_pattern_p`
/// with quoting): as [`is_pattern`] but a trailing backslash is plain.
pub fn has_meta(s: &[u8]) -> bool {
    let mut open = false;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'?' | b'*' => return true,
            b'\\' if i + 1 < s.len() => i += 1,
            b'[' => open = true,
            b']' if open => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Matches a bracket expression starting at `p[i] == '['` against `c`.
/// Returns `(matched, index after the expression)`, or `None` when the
/// expression is not closed (then `[` is an ordinary character).
fn bracket(p: &[u8], i: usize, c: u8) -> Option<(bool, usize)> {
    let mut j = i + 1;
    let negate = matches!(p.get(j), Some(b'!' | b'^'));
    if negate {
        j += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let &pc = p.get(j)?;
        if pc == b']' && !first {
            return Some((matched != negate, j + 1));
        }
        first = false;
        if pc == b'[' && p.get(j + 1) == Some(&b':') {
            if let Some(end) = p[j + 2..].windows(2).position(|w| w == b":]") {
                let name = &p[j + 2..j + 2 + end];
                if class_matches(name, c) {
                    matched = true;
                }
                j += 2 + end + 2;
                continue;
            }
        }
        let (lo, next) = if pc == b'\\' {
            (*p.get(j + 1)?, j + 2)
        } else {
            (pc, j + 1)
        };
        if p.get(next) == Some(&b'-') && p.get(next + 1).is_some_and(|&b| b != b']') {
            let (hi, after) = if p[next + 1] == b'\\' {
                (*p.get(next + 2)?, next + 3)
            } else {
                (p[next + 1], next + 2)
            };
            if lo <= c && c <= hi {
                matched = true;
            }
            j = after;
        } else {
            if lo == c {
                matched = true;
            }
            j = next;
        }
    }
}

fn class_matches(name: &[u8], c: u8) -> bool {
    match name {
        b"alnum" => c.is_ascii_alphanumeric(),
        b"alpha" => c.is_ascii_alphabetic(),
        b"blank" => c == b' ' || c == b'\t',
        b"cntrl" => c.is_ascii_control(),
        b"digit" => c.is_ascii_digit(),
        b"graph" => c.is_ascii_graphic(),
        b"lower" => c.is_ascii_lowercase(),
        b"print" => c.is_ascii_graphic() || c == b' ',
        b"punct" => c.is_ascii_punctuation(),
        b"space" => matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
        b"upper" => c.is_ascii_uppercase(),
        b"xdigit" => c.is_ascii_hexdigit(),
        _ => false,
    }
}

/// Matches one pattern element at `p[pi]` (not `*`) against `c`; returns
/// the index after the element, or `None` when it does not match.
fn single(p: &[u8], pi: usize, c: u8) -> Option<usize> {
    match p[pi] {
        b'?' => Some(pi + 1),
        b'[' => match bracket(p, pi, c) {
            Some((true, next)) => Some(next),
            Some((false, _)) => None,
            None => (c == b'[').then_some(pi + 1),
        },
        b'\\' => match p.get(pi + 1) {
            Some(&e) if e == c => Some(pi + 2),
            // A trailing backslash never matches (glibc).
            _ => None,
        },
        b => (b == c).then_some(pi + 1),
    }
}

/// Whether `name` matches `pat` (FNM_PERIOD). `steps` is charged one
/// unit per comparison.
pub fn fnmatch(pat: &[u8], name: &[u8], steps: &mut u64) -> bool {
    // FNM_PERIOD: a leading dot must be matched by a literal dot.
    if name.first() == Some(&b'.') && !matches!(pat.first(), Some(b'.')) {
        let escaped_dot = pat.len() >= 2 && pat[0] == b'\\' && pat[1] == b'.';
        if !escaped_dot {
            return false;
        }
    }
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < name.len() {
        *steps += 1;
        if pi < pat.len() && pat[pi] == b'*' {
            while pi < pat.len() && pat[pi] == b'*' {
                pi += 1;
            }
            star = Some((pi, ni));
            continue;
        }
        if pi < pat.len()
            && let Some(next) = single(pat, pi, name[ni])
        {
            pi = next;
            ni += 1;
            continue;
        }
        match star {
            Some((sp, sn)) => {
                pi = sp;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    while pi < pat.len() && pat[pi] == b'*' {
        pi += 1;
    }
    pi == pat.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> bool {
        let mut steps = 0;
        fnmatch(p.as_bytes(), n.as_bytes(), &mut steps)
    }

    #[test]
    fn wildcards() {
        let table: &[(&str, &str, bool)] = &[
            ("*", "a.txt", true),
            ("*.txt", "a.txt", true),
            ("*.txt", "a.txt.bak", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*", ".hidden", false),
            ("?hidden", ".hidden", false),
            (".*", ".hidden", true),
            (".*", ".", true),
            ("[.]x", ".x", false),
            ("\\.x", ".x", true),
            ("[abc]x", "bx", true),
            ("[!abc]x", "bx", false),
            ("[^abc]x", "dx", true),
            ("[a-c]*", "cat", true),
            ("[a-c]*", "dog", false),
            ("[]]", "]", true),
            ("[!]]", "a", true),
            ("[[:digit:]]*", "9lives", true),
            ("[[:upper:]]*", "lower", false),
            ("[abc", "[abc", true),
            ("a\\*", "a*", true),
            ("a\\*", "ab", false),
            ("a\\", "a\\", false),
            ("*a*a*b", "aaaaaaaaab", true),
            ("*a*a*b", "aaaaaaaaaa", false),
            ("**x", "yx", true),
            ("", "", true),
            ("", "a", false),
        ];
        for (p, n, want) in table {
            assert_eq!(m(p, n), *want, "{p:?} vs {n:?}");
        }
    }

    #[test]
    fn pattern_detection() {
        for (s, want) in [
            ("a*", true),
            ("a?", true),
            ("[ab]", true),
            ("[ab", false),
            ("ab]", false),
            ("a\\*", false),
            ("a\\", false),
            ("plain", false),
        ] {
            assert_eq!(is_pattern(s.as_bytes()), want, "{s}");
        }
        assert!(has_meta(b"*/x"));
        assert!(!has_meta(b"sub"));
    }

    #[test]
    fn work_is_bounded_by_length_product() {
        let pat = "*a".repeat(100) + "b";
        let name = "a".repeat(255);
        let mut steps = 0;
        assert!(!fnmatch(pat.as_bytes(), name.as_bytes(), &mut steps));
        assert!(steps <= 255 * 255, "steps {steps}");
    }
}
