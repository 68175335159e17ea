//! ALLO (RFC 959 §4.1.3): reserve storage.
//!
//! ProFTPD 1.3.8 checks the free space of the current directory's
//! filesystem (observed: `ALLO 10` → `200 ALLO command successful`; the
//! spec README's `202` is what it answers when the free space cannot be
//! read). The optional `R <record-size>` part is ignored, but the word
//! count must be one or three (`ALLO 1 R` → `504 'ALLO 1 R' not
//! understood`), all observed on 1.3.8.
//!
//! The size is read as C's `strtoull` in base 10 reads it, the whole word
//! consumed, then taken as a signed `off_t` (probed on 1.3.8): `+5`, `010`
//! and `-1` are accepted; `0x10`, `5x`, `1e5`, `1.5`, `+` and `-` are `504
//! <arg>: Invalid ALLO argument`; a value past 2^64-1 saturates (ERANGE is
//! not checked) and, like `-1` or anything from 2^63 up, becomes a negative
//! size that never exceeds the free space: `ALLO 99999999999999999999` is
//! `200`, while `ALLO 9223372036854775807` is `552`.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

pub fn allo(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    let Some(first) = args.first().filter(|_| args.len() == 1 || args.len() == 3) else {
        let shown = if args.is_empty() {
            "ALLO".to_string()
        } else {
            format!(
                "ALLO {}",
                args.iter()
                    .map(|a| String::from_utf8_lossy(a))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        ctx.reply_err(504, format!("'{shown}' not understood"));
        return ModRet::Error;
    };
    let raw = first.to_vec();
    let Some(wanted) = parse_size(first) else {
        ctx.reply_err(504, [&raw[..], b": Invalid ALLO argument"].concat());
        return ModRet::Error;
    };
    match free_bytes(&ctx.session.cwd) {
        None => ctx.reply(202, "No storage allocation necessary"),
        Some(free) if wanted > 0 && wanted.unsigned_abs() > free => {
            ctx.reply_err(552, [&raw[..], b": No space left on device"].concat());
            return ModRet::Error;
        }
        Some(_) => ctx.reply(200, "ALLO command successful"),
    }
    ModRet::Handled
}

/// A byte count as `strtoull(raw, &end, 10)` with `*end == 0` reads it,
/// cast to `off_t`: leading C whitespace and one sign allowed, at least one
/// digit, nothing after; overflow saturates at 2^64-1 (for a negative
/// number too), and `-n` is the unsigned negation of `n`.
fn parse_size(raw: &[u8]) -> Option<i64> {
    let mut rest = raw;
    while let [b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r', tail @ ..] = rest {
        rest = tail;
    }
    let negative = rest.first() == Some(&b'-');
    if let [b'-' | b'+', tail @ ..] = rest {
        rest = tail;
    }
    if rest.is_empty() || !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = rest.iter().try_fold(0u64, |n, &d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    });
    let value = match value {
        None => u64::MAX,
        Some(n) if negative => n.wrapping_neg(),
        Some(n) => n,
    };
    Some(value as i64)
}

/// Bytes available to unprivileged users on the filesystem holding `dir`.
fn free_bytes(dir: &[u8]) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let st = nix::sys::statvfs::statvfs(std::ffi::OsStr::from_bytes(dir)).ok()?;
    Some((st.blocks_available() as u64).saturating_mul(st.fragment_size() as u64))
}

#[cfg(test)]
mod tests {
    use super::parse_size;
    use crate::testutil::{run, session};

    #[test]
    fn sizes_as_strtoull_reads_them() {
        let table: &[(&[u8], Option<i64>)] = &[
            (b"10", Some(10)),
            (b"+5", Some(5)),
            (b"010", Some(10)),
            (b"\t7", Some(7)),
            (b"-1", Some(-1)),
            (b"-0", Some(0)),
            (b"18446744073709551615", Some(-1)),
            (b"18446744073709551616", Some(-1)),
            (b"99999999999999999999", Some(-1)),
            (b"-99999999999999999999", Some(-1)),
            (b"9223372036854775807", Some(i64::MAX)),
            (b"9223372036854775808", Some(i64::MIN)),
            (b"", None),
            (b"+", None),
            (b"+-1", None),
            (b"0x10", None),
            (b"5 ", None),
            (b"\xff", None),
        ];
        for (raw, want) in table {
            assert_eq!(
                parse_size(raw),
                *want,
                "{:?}",
                raw.escape_ascii().to_string()
            );
        }
    }

    #[test]
    fn table() {
        let mut s = session();
        s.cwd = "/".into();
        assert_eq!(
            run(&mut s, super::allo, "ALLO 10").1,
            "200 ALLO command successful\r\n"
        );
        assert_eq!(
            run(&mut s, super::allo, "ALLO 10 R 5").1,
            "200 ALLO command successful\r\n"
        );
        assert_eq!(
            run(&mut s, super::allo, "ALLO").1,
            "504 'ALLO' not understood\r\n"
        );
        assert_eq!(
            run(&mut s, super::allo, "ALLO x").1,
            "504 x: Invalid ALLO argument\r\n"
        );
        assert_eq!(
            run(&mut s, super::allo, "ALLO 99999999999999999999").1,
            "200 ALLO command successful\r\n"
        );
        assert_eq!(
            run(&mut s, super::allo, "ALLO 9223372036854775807").1,
            "552 9223372036854775807: No space left on device\r\n"
        );
        for bad in ["0x10", "5x", "1e5", "1.5", "+", "-", "0x"] {
            assert_eq!(
                run(&mut s, super::allo, &format!("ALLO {bad}")).1,
                format!("504 {bad}: Invalid ALLO argument\r\n")
            );
        }
        for ok in [
            "+5",
            "010",
            "00",
            "-1",
            "-99999999999999999999",
            "9223372036854775808",
        ] {
            assert_eq!(
                run(&mut s, super::allo, &format!("ALLO {ok}")).1,
                "200 ALLO command successful\r\n",
                "{ok}"
            );
        }
        s.cwd = "/nonexistent-dir-for-allo".into();
        assert_eq!(
            run(&mut s, super::allo, "ALLO 10").1,
            "202 No storage allocation necessary\r\n"
        );
    }
}
