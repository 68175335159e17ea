//! Replies: queued by handlers, formatted and flushed by the runtime.
//!
//! As in ProFTPD's response layer, a handler queues lines; success lines and
//! error lines go to separate lists and the runtime sends the error list if
//! the command failed, the success list otherwise. Handlers never format
//! continuation lines themselves: [`format_reply`] applies the multi-line
//! rule in one place.

/// The text of a reply line, as bytes.
///
/// Replies echo what the client sent (an unknown verb, a path), and those
/// bytes need not be UTF-8: 1.3.8 sends them back unchanged
/// (`500 \xc3(\xff not understood`), so the text is kept as bytes from the
/// handler to the socket. Plain text converts with `From<&str>`/`From<String>`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ReplyText(pub Vec<u8>);

impl ReplyText {
    /// The text's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The text for logs and tests (invalid UTF-8 shown as U+FFFD).
    pub fn to_string_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
}

impl std::fmt::Debug for ReplyText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0.escape_ascii().to_string())
    }
}

impl std::ops::Deref for ReplyText {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<String> for ReplyText {
    fn from(s: String) -> Self {
        ReplyText(s.into_bytes())
    }
}

impl From<&String> for ReplyText {
    fn from(s: &String) -> Self {
        ReplyText(s.as_bytes().to_vec())
    }
}

impl From<&str> for ReplyText {
    fn from(s: &str) -> Self {
        ReplyText(s.as_bytes().to_vec())
    }
}

impl From<std::borrow::Cow<'_, str>> for ReplyText {
    fn from(s: std::borrow::Cow<'_, str>) -> Self {
        ReplyText(s.into_owned().into_bytes())
    }
}

impl From<Vec<u8>> for ReplyText {
    fn from(b: Vec<u8>) -> Self {
        ReplyText(b)
    }
}

impl From<&[u8]> for ReplyText {
    fn from(b: &[u8]) -> Self {
        ReplyText(b.to_vec())
    }
}

impl PartialEq<str> for ReplyText {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for ReplyText {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

/// One queued reply line: its code and text (no CRLF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyLine {
    pub code: u16,
    pub text: ReplyText,
}

/// How continuation lines of a multi-line reply are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MultilineStyle {
    /// ProFTPD's default: `NNN-first`, ` middle`, `NNN last`.
    #[default]
    Plain,
    /// On TLS-protected control channels (RFC 2228): every line but the
    /// last is `NNN-text`.
    Rfc2228,
}

/// The reply lists of the command being dispatched.
#[derive(Debug, Default, Clone)]
pub struct ReplyQueue {
    ok: Vec<ReplyLine>,
    err: Vec<ReplyLine>,
}

impl ReplyQueue {
    /// Queues a success line.
    pub fn add(&mut self, code: u16, text: impl Into<ReplyText>) {
        self.ok.push(ReplyLine {
            code,
            text: text.into(),
        });
    }

    /// Queues an error line, sent only if the command fails.
    pub fn add_err(&mut self, code: u16, text: impl Into<ReplyText>) {
        self.err.push(ReplyLine {
            code,
            text: text.into(),
        });
    }

    /// Whether any error line is queued.
    pub fn has_err(&self) -> bool {
        !self.err.is_empty()
    }

    /// Whether any success line is queued.
    pub fn has_ok(&self) -> bool {
        !self.ok.is_empty()
    }

    /// Takes the lines to send for a command that succeeded (`failed`
    /// false) or failed, leaving the queue empty.
    pub fn take(&mut self, failed: bool) -> Vec<ReplyLine> {
        let ok = std::mem::take(&mut self.ok);
        let err = std::mem::take(&mut self.err);
        if failed { err } else { ok }
    }

    /// Drops everything queued.
    pub fn clear(&mut self) {
        self.ok.clear();
        self.err.clear();
    }
}

/// Formats reply lines for the wire, CRLF-terminated.
///
/// Consecutive lines with the same code form one (possibly multi-line)
/// reply; a change of code starts a new reply.
pub fn format_reply(lines: &[ReplyLine], style: MultilineStyle) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let code = lines[i].code;
        let mut j = i;
        while j + 1 < lines.len() && lines[j + 1].code == code {
            j += 1;
        }
        for (k, line) in lines[i..=j].iter().enumerate() {
            let last = i + k == j;
            let first = k == 0;
            if last {
                out.extend_from_slice(format!("{code} ").as_bytes());
            } else if first || style == MultilineStyle::Rfc2228 {
                out.extend_from_slice(format!("{code}-").as_bytes());
            } else {
                out.push(b' ');
            }
            out.extend(line.text.iter().map(|&b| sanitize(b)));
            out.extend_from_slice(b"\r\n");
        }
        i = j + 1;
    }
    out
}

/// A reply text must never carry its own line break: a client-supplied
/// argument echoed into a reply could otherwise forge a reply line.
fn sanitize(b: u8) -> u8 {
    if b == b'\r' || b == b'\n' { b' ' } else { b }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(code: u16, text: &str) -> ReplyLine {
        ReplyLine {
            code,
            text: text.into(),
        }
    }

    #[test]
    fn single_line() {
        let out = format_reply(
            &[line(200, "NOOP command successful")],
            MultilineStyle::Plain,
        );
        assert_eq!(out, b"200 NOOP command successful\r\n");
    }

    #[test]
    fn multi_line_plain_uses_space_continuations() {
        let lines = [line(211, "Features:"), line(211, " MDTM"), line(211, "End")];
        let out = format_reply(&lines, MultilineStyle::Plain);
        assert_eq!(out, b"211-Features:\r\n  MDTM\r\n211 End\r\n");
    }

    #[test]
    fn multi_line_rfc2228_repeats_code() {
        let lines = [
            line(230, "welcome"),
            line(230, "more"),
            line(230, "User a logged in"),
        ];
        let out = format_reply(&lines, MultilineStyle::Rfc2228);
        assert_eq!(out, b"230-welcome\r\n230-more\r\n230 User a logged in\r\n");
    }

    #[test]
    fn code_change_starts_a_new_reply() {
        let lines = [line(426, "Transfer aborted"), line(226, "Abort successful")];
        let out = format_reply(&lines, MultilineStyle::Plain);
        assert_eq!(out, b"426 Transfer aborted\r\n226 Abort successful\r\n");
    }

    #[test]
    fn embedded_line_breaks_cannot_forge_replies() {
        let out = format_reply(
            &[line(550, "a\r\n230 x: No such file")],
            MultilineStyle::Plain,
        );
        assert_eq!(out, b"550 a  230 x: No such file\r\n");
    }

    #[test]
    fn text_is_sent_as_bytes() {
        let out = format_reply(
            &[ReplyLine {
                code: 500,
                text: b"\xc3(\xff not understood".to_vec().into(),
            }],
            MultilineStyle::Plain,
        );
        assert_eq!(out, b"500 \xc3(\xff not understood\r\n");
    }

    #[test]
    fn queue_sends_errors_only_on_failure() {
        let mut q = ReplyQueue::default();
        q.add(250, "ok");
        q.add_err(550, "bad");
        assert_eq!(q.clone().take(false), vec![line(250, "ok")]);
        assert_eq!(q.take(true), vec![line(550, "bad")]);
    }
}

/// The text of an OS error as C's `strerror(3)` words it (`No such file or
/// directory`), without std's ` (os error N)` tail: the form every
/// `550 <path>: <errno>` reply and log line uses.
///
/// std's message comes from the C library's own `strerror_r`, so it is
/// glibc's exact wording (nix's table differs: "Quota exceeded").
pub fn errno_text(err: &std::io::Error) -> String {
    let full = err.to_string();
    match full.rfind(" (os error ") {
        Some(i) if err.raw_os_error().is_some() => full[..i].to_string(),
        _ => full,
    }
}

/// `<shown>: <reason>`, the text of every `550 <path>: ...` reply, as bytes:
/// `shown` is the client's argument, unchanged (it need not be UTF-8).
pub fn path_reason(shown: &[u8], reason: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(shown.len() + 2 + reason.len());
    out.extend_from_slice(shown);
    out.extend_from_slice(b": ");
    out.extend_from_slice(reason.as_bytes());
    out
}

#[cfg(test)]
mod errno_tests {
    use super::errno_text;

    #[test]
    fn errno_text_is_plain_strerror() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(errno_text(&e), "No such file or directory");
        let e = std::io::Error::from_raw_os_error(21);
        assert_eq!(errno_text(&e), "Is a directory");
        let e = std::io::Error::other("custom text");
        assert_eq!(errno_text(&e), "custom text");
    }
}
