//! ALLO (RFC 959 §4.1.3): reserve storage.
//!
//! ProFTPD 1.3.8 checks the free space of the current directory's
//! filesystem (observed: `ALLO 10` → `200 ALLO command successful`; the
//! spec README's `202` is what it answers when the free space cannot be
//! read). The optional `R <record-size>` part is ignored, but the word
//! count must be one or three (`ALLO 1 R` → `504 'ALLO 1 R' not
//! understood`), and the size is a signed number (`ALLO -1` → 200), all
//! observed on 1.3.8.

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
    let raw = String::from_utf8_lossy(first).into_owned();
    let Some(wanted) = parse_size(&raw) else {
        ctx.reply_err(504, format!("{raw}: Invalid ALLO argument"));
        return ModRet::Error;
    };
    match free_bytes(&ctx.session.cwd) {
        None => ctx.reply(202, "No storage allocation necessary"),
        Some(free) if wanted > 0 && wanted.unsigned_abs() > free => {
            ctx.reply_err(552, format!("{raw}: No space left on device"));
            return ModRet::Error;
        }
        Some(_) => ctx.reply(200, "ALLO command successful"),
    }
    ModRet::Handled
}

/// A byte count: decimal, optionally signed (as `off_t`).
fn parse_size(raw: &str) -> Option<i64> {
    let digits = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// Bytes available to unprivileged users on the filesystem holding `dir`.
fn free_bytes(dir: &str) -> Option<u64> {
    let st = nix::sys::statvfs::statvfs(dir).ok()?;
    Some((st.blocks_available() as u64).saturating_mul(st.fragment_size() as u64))
}

#[cfg(test)]
mod tests {
    use crate::testutil::{run, session};

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
            "504 99999999999999999999: Invalid ALLO argument\r\n"
        );
        assert_eq!(
            run(&mut s, super::allo, "ALLO 9223372036854775807").1,
            "552 9223372036854775807: No space left on device\r\n"
        );
        s.cwd = "/nonexistent-dir-for-allo".into();
        assert_eq!(
            run(&mut s, super::allo, "ALLO 10").1,
            "202 No storage allocation necessary\r\n"
        );
    }
}
