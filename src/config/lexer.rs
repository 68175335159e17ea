//! The proftpd.conf lexer: bytes in, logical lines of words out.
//!
//! Pure functions, no I/O, never panics (fuzzed): every access is through
//! iterators or `get`, never by index.
//!
//! The rules, as measured against ProFTPD 1.3.8:
//! - Physical lines end at `\n`; one trailing `\r` is dropped (CRLF files).
//! - A physical line whose *last* byte is `\` continues on the next one: the
//!   backslash and the newline vanish and the next line's text (leading
//!   blanks included) is appended. `x\ ` (blank after the backslash) does
//!   not continue. A logical line reports the number of the physical line
//!   it *ends* on, as ProFTPD's messages do; ProFTPD numbers lines by the
//!   newlines read, so a last line without a newline gets the number of
//!   the line before it (line 0 in a one-line file without a newline).
//! - Words are separated by ASCII white space. A word that starts with `#`
//!   (outside quotes) ends the line; `a#b` is literal. So a line whose first
//!   word starts with `#` is a comment.
//! - A word starting with `"` runs to the next unescaped `"` (or the end of
//!   the line when unterminated); inside it `\x` is `x` (so `\"` is a quote
//!   and `\\` a backslash). A quote anywhere else is an ordinary byte, and
//!   `\` outside quotes is literal. After a closing quote the next word
//!   starts right away: `"ab"cd` is two words.
//! - `%{env:NAME}` is replaced by the variable's value (empty when unset)
//!   anywhere in a word, any number of times, after the word is cut, so a
//!   value holding blanks stays one word. The value is not scanned again.
//!   `%{ENV:...}` and an unterminated `%{env:` are literal.
//! - Section brackets: if the first word starts with `<` and the last word
//!   ends with `>`, that `>` is removed (and the last word dropped if it
//!   became empty: `<Directory /a >`), and the first word gets a `>`
//!   appended, so `<Directory /a>` is the directive `<Directory>` with the
//!   argument `/a`, and `<Directory /a` stays the unknown `<Directory`.
//!
//! Invalid UTF-8: each word is converted lossily (U+FFFD). The arguments
//! handed to directive handlers are `String`s, so a byte-exact path such as
//! a Latin-1 `<Directory>` cannot be represented anyway; lossy keeps the
//! parse going and any such name still fails visibly later (no file with
//! U+FFFD in its name exists).

/// One logical line: its words and where it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The number (1-based) of the physical line this logical line ends on.
    pub line: u32,
    /// The words after quote removal, env expansion and `<...>` handling;
    /// never empty (blank and comment lines are not returned).
    pub words: Vec<String>,
}

/// The environment lookup used for `%{env:NAME}`; `None` = unset.
pub type EnvFn<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment (what `load` and `parse_bytes` use).
pub fn process_env(name: &str) -> Option<String> {
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
}

/// Splits `text` into logical lines: continuation joined, CR dropped.
/// Returns `(line number it ends on, bytes)`; blank lines are kept (the
/// caller skips lines without words).
pub fn logical_lines(text: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let mut out = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    let mut continuing = false;
    let mut lineno: u32 = 0;
    let mut pieces = text.split(|&b| b == b'\n').peekable();
    while let Some(raw) = pieces.next() {
        // ProFTPD counts newlines: a last line without one keeps the
        // number of the line before it ("line 0" for a one-line file).
        if pieces.peek().is_some() {
            lineno = lineno.saturating_add(1);
        }
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let (body, cont) = match raw.strip_suffix(b"\\") {
            Some(body) => (body, true),
            None => (raw, false),
        };
        cur.extend_from_slice(body);
        continuing = cont;
        if !cont {
            out.push((lineno, std::mem::take(&mut cur)));
        }
    }
    // A continuation on the very last line closes at end of input.
    if continuing {
        out.push((lineno, cur));
    }
    out
}

fn is_space(b: u8) -> bool {
    // C isspace() in the "C" locale, which ProFTPD uses.
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Cuts one logical line into raw words (quotes removed, no expansion).
pub fn split_words(line: &[u8]) -> Vec<Vec<u8>> {
    let mut words = Vec::new();
    let mut it = line.iter().copied().peekable();
    loop {
        while it.next_if(|&b| is_space(b)).is_some() {}
        let Some(&first) = it.peek() else { break };
        if first == b'#' {
            break;
        }
        let quoted = first == b'"';
        if quoted {
            it.next();
        }
        let mut word = Vec::new();
        while let Some(b) = it.next_if(|&b| if quoted { b != b'"' } else { !is_space(b) }) {
            if quoted && b == b'\\' {
                // An escaped byte is taken as is; a backslash at the very
                // end of the line stays itself.
                word.push(it.next().unwrap_or(b'\\'));
            } else {
                word.push(b);
            }
        }
        // Consume the closing quote or the separating blank.
        it.next();
        words.push(word);
    }
    words
}

/// Replaces every `%{env:NAME}` in `word`.
pub fn expand_env(word: &str, env: EnvFn<'_>) -> String {
    const OPEN: &str = "%{env:";
    let mut out = String::with_capacity(word.len());
    let mut rest = word;
    while let Some(start) = rest.find(OPEN) {
        let (before, from) = rest.split_at(start);
        let after_open = from.get(OPEN.len()..).unwrap_or("");
        let Some(end) = after_open.find('}') else {
            break;
        };
        out.push_str(before);
        let name = after_open.get(..end).unwrap_or("");
        if let Some(v) = env(name) {
            out.push_str(&v);
        }
        rest = after_open.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The words of one logical line, fully processed (see the module doc).
pub fn line_words(line: &[u8], env: EnvFn<'_>) -> Vec<String> {
    let mut words: Vec<String> = split_words(line)
        .iter()
        .map(|w| expand_env(&String::from_utf8_lossy(w), env))
        .collect();
    let is_section = words.first().is_some_and(|w| w.starts_with('<'));
    if is_section && words.last().is_some_and(|w| w.ends_with('>')) {
        if let Some(last) = words.last_mut() {
            last.pop();
        }
        if words.len() > 1 && words.last().is_some_and(String::is_empty) {
            words.pop();
        }
        if let Some(first) = words.first_mut() {
            first.push('>');
        }
    }
    words
}

/// The whole text as lines of words; blank and comment lines dropped. The
/// parser does not use it (it expands each line when it reaches it, so a
/// `SetEnv` applies to the lines after it); the tests and fuzzing do.
#[cfg(test)]
pub fn tokenize(text: &[u8], env: EnvFn<'_>) -> Vec<Line> {
    logical_lines(text)
        .into_iter()
        .filter_map(|(line, bytes)| {
            let words = line_words(&bytes, env);
            (!words.is_empty()).then_some(Line { line, words })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "FOO" => Some("bar".into()),
            "SP" => Some("a b".into()),
            "HASH" => Some("#x".into()),
            "SELF" => Some("%{env:FOO}".into()),
            _ => None,
        }
    }

    fn words(s: &str) -> Vec<String> {
        line_words(s.as_bytes(), &env)
    }

    #[test]
    fn words_table() {
        let table: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   \t ", &[]),
            ("ServerName x", &["ServerName", "x"]),
            ("  \tServerName   x  ", &["ServerName", "x"]),
            ("# comment", &[]),
            ("   # indented comment", &[]),
            ("ServerName x #c", &["ServerName", "x"]),
            ("ServerName x#c", &["ServerName", "x#c"]),
            ("ServerName a#b #c d", &["ServerName", "a#b"]),
            ("ServerName \"#b\"", &["ServerName", "#b"]),
            ("ServerName \"a b\" c", &["ServerName", "a b", "c"]),
            ("ServerName \"a\\\"b\"", &["ServerName", "a\"b"]),
            ("ServerName \"a\\qb\"", &["ServerName", "aqb"]),
            ("ServerName \"a\\\\b\"", &["ServerName", "a\\b"]),
            ("ServerName a\\ b", &["ServerName", "a\\", "b"]),
            ("ServerName a\"b c\"d", &["ServerName", "a\"b", "c\"d"]),
            ("ServerName \"ab\"cd", &["ServerName", "ab", "cd"]),
            (
                "ServerName \"unterminated x",
                &["ServerName", "unterminated x"],
            ),
            ("ServerName \"\"", &["ServerName", ""]),
            ("ServerName \"x\\", &["ServerName", "x\\"]),
            ("\"Bogus x\" y", &["Bogus x", "y"]),
            ("ServerName x\r", &["ServerName", "x"]),
        ];
        for (input, want) in table {
            assert_eq!(words(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn env_table() {
        let table: &[(&str, &[&str])] = &[
            ("A %{env:FOO}", &["A", "bar"]),
            ("A x%{env:FOO}y%{env:NOPE}z%{env:FOO}", &["A", "xbaryzbar"]),
            ("%{env:FOO}Bogus", &["barBogus"]),
            ("A %{env:SP}", &["A", "a b"]),
            ("A %{env:HASH}", &["A", "#x"]),
            ("A %{env:NOPE} b", &["A", "", "b"]),
            ("A \"%{env:FOO} q\"", &["A", "bar q"]),
            ("A %{ENV:FOO}", &["A", "%{ENV:FOO}"]),
            ("A %{env:FOO", &["A", "%{env:FOO"]),
            ("A %{env:SELF}", &["A", "%{env:FOO}"]),
            ("A %{env:}", &["A", ""]),
        ];
        for (input, want) in table {
            assert_eq!(words(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn section_brackets_table() {
        let table: &[(&str, &[&str])] = &[
            ("<Global>", &["<Global>"]),
            ("<Directory /a>", &["<Directory>", "/a"]),
            ("<Directory /a >", &["<Directory>", "/a"]),
            ("<Directory \"/a b\">", &["<Directory>", "/a b"]),
            ("<Limit READ WRITE>", &["<Limit>", "READ", "WRITE"]),
            ("<Directory /a", &["<Directory", "/a"]),
            ("</Directory>", &["</Directory>"]),
            ("</Directory", &["</Directory"]),
            ("<Anonymous %{env:NOPE}>", &["<Anonymous>"]),
            ("<Anonymous %{env:NOPE} rel>", &["<Anonymous>", "", "rel"]),
            ("<Anonymous \"\" >", &["<Anonymous>", ""]),
            ("<Anonymous \"x\\>", &["<Anonymous>", "x"]),
            ("<>", &["<>"]),
            (">", &[">"]),
            ("Foo x>", &["Foo", "x>"]),
        ];
        for (input, want) in table {
            assert_eq!(words(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn continuation_and_line_numbers() {
        let text = b"ServerName \"a b\" c\\\n d #e\n\n  # c\nBo\\\ngus\r\nlast";
        let lines = tokenize(text, &env);
        let got: Vec<(u32, Vec<String>)> = lines.into_iter().map(|l| (l.line, l.words)).collect();
        assert_eq!(
            got,
            vec![
                (
                    2,
                    vec!["ServerName".into(), "a b".into(), "c".into(), "d".into()]
                ),
                (6, vec!["Bogus".into()]),
                // No newline after it: numbered like the line before.
                (6, vec!["last".into()]),
            ]
        );
    }

    #[test]
    fn continuation_edge_cases() {
        fn non_blank(text: &[u8]) -> Vec<(u32, Vec<u8>)> {
            logical_lines(text)
                .into_iter()
                .filter(|(_, l)| !l.is_empty())
                .collect()
        }
        // Blank after the backslash: no continuation.
        assert_eq!(
            non_blank(b"a\\ \nb\n"),
            vec![(1, b"a\\ ".to_vec()), (2, b"b".to_vec())]
        );
        // A last line without a newline keeps the previous number.
        assert_eq!(
            non_blank(b"a\nb"),
            vec![(1, b"a".to_vec()), (1, b"b".to_vec())]
        );
        assert_eq!(non_blank(b"a"), vec![(0, b"a".to_vec())]);
        // Continuation at end of file.
        assert_eq!(non_blank(b"a\\"), vec![(0, b"a".to_vec())]);
        assert_eq!(non_blank(b"a\\\n"), vec![(1, b"a".to_vec())]);
        // CRLF continuation.
        assert_eq!(non_blank(b"a\\\r\nb\r\n"), vec![(2, b"ab".to_vec())]);
        assert_eq!(non_blank(b""), Vec::<(u32, Vec<u8>)>::new());
    }

    #[test]
    fn invalid_utf8_is_lossy() {
        let lines = tokenize(b"ServerName caf\xe9 \xff\xfe", &env);
        assert_eq!(lines.len(), 1);
        assert_eq!(
            lines[0].words,
            ["ServerName", "caf\u{fffd}", "\u{fffd}\u{fffd}"]
        );
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        let samples: &[&[u8]] = &[
            b"\"",
            b"\\",
            b"\"\\",
            b"<",
            b">",
            b"<\">",
            b"%{env:",
            b"%{env:}",
            b"%{",
            b"\0\0",
            b"\r",
            b"\r\r\n",
            b"\\\\\\\n",
            b"<a \"b\\",
            b"\xff<\xff>\xff",
            b"#",
            b"\"#",
        ];
        for s in samples {
            let _ = tokenize(s, &env);
        }
        // Every prefix of a busy line.
        let busy = b"<Directory \"/a\\\"b\" %{env:FOO}x # y>\\\n z\r\n";
        for i in 0..=busy.len() {
            let _ = tokenize(busy.get(..i).unwrap_or(b""), &env);
        }
    }
}
