//! Path encoding (RFC 2640 §3): which character set the client's path
//! bytes are in, and 1.3.8's check of them.
//!
//! By default the client speaks UTF-8 (FEAT says `UTF8`) and nothing is
//! checked: 1.3.8 passes undecodable bytes through unless `LangOptions
//! RequireValidEncoding` is set, and even then only when the server's
//! own character set (its `LC_CTYPE`) differs from the client's (observed:
//! under `LANG=C.UTF-8` nothing is refused; under the C locale `MKD é`
//! and `CWD \xff` both get `550 <arg>: Illegal character sequence in
//! filename`). Converting paths between two different character sets
//! (`UseEncoding latin1 utf8`) is not done; only the check is.

use crate::locale::normalize_codeset;

/// `UseEncoding on|off|<local> <client> [strict]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UseEncoding {
    Switch(bool),
    Charsets {
        local: String,
        client: String,
        strict: bool,
    },
}

/// `LangOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LangOpts {
    pub prefer_server_encoding: bool,
    pub require_valid_encoding: bool,
}

impl LangOpts {
    pub fn union(self, o: LangOpts) -> LangOpts {
        LangOpts {
            prefer_server_encoding: self.prefer_server_encoding || o.prefer_server_encoding,
            require_valid_encoding: self.require_valid_encoding || o.require_valid_encoding,
        }
    }
}

const UTF8: &str = "utf8";

fn is_ascii_name(cs: &str) -> bool {
    matches!(cs, "ansix341968" | "ascii" | "usascii" | "646")
}

fn is_latin1_name(cs: &str) -> bool {
    matches!(cs, "iso88591" | "latin1" | "l1")
}

/// A session's encoding state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoding {
    /// The client's character set (normalised); `None` when encoding is
    /// off (`OPTS UTF8 OFF`, `UseEncoding off`).
    pub client: Option<String>,
    /// The server's character set (normalised).
    pub local: String,
    /// `UseEncoding on|off`: the client may not switch.
    pub forced: Option<bool>,
    /// `UseEncoding <local> <client>`: what `OPTS UTF8 OFF` returns to.
    pub charsets: Option<(String, String)>,
    pub opts: LangOpts,
}

impl Encoding {
    /// The state a session starts with (and returns to after PASS).
    pub fn configured(
        local_ctype: &str,
        use_enc: Option<&UseEncoding>,
        opts: LangOpts,
    ) -> Encoding {
        let mut e = Encoding {
            client: Some(UTF8.into()),
            local: local_ctype.to_string(),
            forced: None,
            charsets: None,
            opts,
        };
        match use_enc {
            None => {}
            Some(UseEncoding::Switch(on)) => {
                e.forced = Some(*on);
                if !on {
                    e.client = None;
                }
            }
            Some(UseEncoding::Charsets {
                local,
                client,
                strict,
            }) => {
                let (l, c) = (normalize_codeset(local), normalize_codeset(client));
                e.local = l.clone();
                e.client = Some(c.clone());
                e.charsets = Some((l, c));
                e.opts.prefer_server_encoding |= *strict;
            }
        }
        e
    }

    /// Whether the client currently speaks UTF-8.
    pub fn client_is_utf8(&self) -> bool {
        self.client.as_deref() == Some(UTF8)
    }

    /// Whether `path` passes 1.3.8's decoding check.
    pub fn decodes(&self, path: &[u8]) -> bool {
        if !self.opts.require_valid_encoding {
            return true;
        }
        let Some(client) = self.client.as_deref() else {
            return true;
        };
        if client == self.local {
            return true;
        }
        let chars: Vec<u32> = if client == UTF8 {
            match std::str::from_utf8(path) {
                Ok(s) => s.chars().map(u32::from).collect(),
                Err(_) => return false,
            }
        } else if is_ascii_name(client) {
            if !path.is_ascii() {
                return false;
            }
            path.iter().map(|&b| u32::from(b)).collect()
        } else if is_latin1_name(client) {
            path.iter().map(|&b| u32::from(b)).collect()
        } else {
            // Other client character sets are not checked.
            return true;
        };
        if is_ascii_name(&self.local) {
            chars.iter().all(|&c| c < 0x80)
        } else if is_latin1_name(&self.local) {
            chars.iter().all(|&c| c < 0x100)
        } else {
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: LangOpts = LangOpts {
        prefer_server_encoding: false,
        require_valid_encoding: true,
    };

    #[test]
    fn checks_only_when_required_and_charsets_differ() {
        let ascii = Encoding::configured("ansix341968", None, STRICT);
        assert!(ascii.decodes(b"plain.txt"));
        assert!(!ascii.decodes(b"\xff"));
        assert!(!ascii.decodes("é".as_bytes()));
        let utf8 = Encoding::configured("utf8", None, STRICT);
        assert!(utf8.decodes(b"\xff\xfe"));
        let lax = Encoding::configured("ansix341968", None, LangOpts::default());
        assert!(lax.decodes(b"\xff"));
        let latin = Encoding::configured("iso88591", None, STRICT);
        assert!(latin.decodes("é".as_bytes()));
        assert!(!latin.decodes("€".as_bytes()));
        assert!(!latin.decodes(b"\xe9"));
        let mut off = ascii.clone();
        off.client = None;
        assert!(off.decodes(b"\xff"));
    }

    #[test]
    fn configured_states() {
        let e = Encoding::configured(
            "utf8",
            Some(&UseEncoding::Switch(false)),
            LangOpts::default(),
        );
        assert_eq!((e.client, e.forced), (None, Some(false)));
        let e = Encoding::configured(
            "utf8",
            Some(&UseEncoding::Charsets {
                local: "UTF-8".into(),
                client: "ISO-8859-1".into(),
                strict: true,
            }),
            LangOpts::default(),
        );
        assert_eq!(e.client.as_deref(), Some("iso88591"));
        assert_eq!(e.local, "utf8");
        assert!(e.opts.prefer_server_encoding && !e.client_is_utf8());
    }
}
