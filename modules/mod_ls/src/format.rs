//! The pieces of an ls line, written straight into the output buffer
//! without per-entry allocations: ProFTPD's
//! `%s %3d %-8s %-8s %s %s %2d %s %s` (mode, links, owner, group, size,
//! month, day, `HH:MM` or ` YYYY`, name).

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Files older than this (seconds before now) show their year instead of
/// the time of day; newer ones, and any in the future, show `HH:MM`
/// (1.3.8's rule: `now - mtime > 180 days`).
pub const SIX_MONTHS: i64 = 180 * 24 * 60 * 60;

/// Appends `n` in decimal.
pub fn push_u64(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn digits(n: u64) -> usize {
    let mut d = 1;
    let mut v = n;
    while v >= 10 {
        v /= 10;
        d += 1;
    }
    d
}

/// `%<width>llu`: right-aligned.
pub fn push_u64_right(out: &mut Vec<u8>, n: u64, width: usize) {
    for _ in digits(n)..width {
        out.push(b' ');
    }
    push_u64(out, n);
}

/// `%<width>d` for a signed value.
pub fn push_i64_right(out: &mut Vec<u8>, n: i64, width: usize) {
    let len = digits(n.unsigned_abs()) + usize::from(n < 0);
    for _ in len..width {
        out.push(b' ');
    }
    if n < 0 {
        out.push(b'-');
    }
    push_u64(out, n.unsigned_abs());
}

/// `%-<width>s`: left-aligned, never truncated.
pub fn push_left(out: &mut Vec<u8>, s: &[u8], width: usize) {
    out.extend_from_slice(s);
    for _ in s.len()..width {
        out.push(b' ');
    }
}

/// `%-8u`.
pub fn push_u64_left(out: &mut Vec<u8>, n: u64, width: usize) {
    push_u64(out, n);
    for _ in digits(n)..width {
        out.push(b' ');
    }
}

/// The file type letter, or `None` for a type ls lines do not show.
pub fn type_char(mode: u32) -> Option<u8> {
    Some(match mode & 0o170000 {
        0o100000 => b'-',
        0o120000 => b'l',
        0o140000 => b's',
        0o060000 => b'b',
        0o020000 => b'c',
        0o010000 => b'p',
        0o040000 => b'd',
        _ => return None,
    })
}

/// The nine permission letters with setuid/setgid/sticky folded in
/// (`s S t T`).
pub fn perm_chars(mode: u32) -> [u8; 9] {
    let bit = |m: u32, c: u8| if mode & m != 0 { c } else { b'-' };
    let special = |x: u32, s: u32, on: u8, off: u8| match (mode & x != 0, mode & s != 0) {
        (true, true) => on,
        (true, false) => b'x',
        (false, true) => off,
        (false, false) => b'-',
    };
    [
        bit(0o400, b'r'),
        bit(0o200, b'w'),
        special(0o100, 0o4000, b's', b'S'),
        bit(0o040, b'r'),
        bit(0o020, b'w'),
        special(0o010, 0o2000, b's', b'S'),
        bit(0o004, b'r'),
        bit(0o002, b'w'),
        special(0o001, 0o1000, b't', b'T'),
    ]
}

/// `DirFakeMode`: the configured bits replace the real ones; a directory
/// gets search permission wherever it is readable.
pub fn fake_mode(real: u32, fake: u32) -> u32 {
    let mut m = fake;
    if real & 0o170000 == 0o040000 {
        if m & 0o004 != 0 {
            m |= 0o001;
        }
        if m & 0o040 != 0 {
            m |= 0o010;
        }
        if m & 0o400 != 0 {
            m |= 0o100;
        }
    }
    m
}

const UNITS: [&[u8]; 6] = [b"", b"k", b"M", b"G", b"T", b"P"];

/// The size column: `%8llu`, or with `-h` from 1000 bytes on
/// `%7.1f<unit>` computed in single precision, as 1.3.8 does.
pub fn push_size(out: &mut Vec<u8>, size: u64, human: bool) {
    if !human || size < 1000 {
        push_u64_right(out, size, 8);
        return;
    }
    let mut v = size as f32;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    // printf promotes the float to double; so does this.
    let text = format!("{:7.1}", f64::from(v));
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(UNITS[i]);
}

/// A broken-down civil time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1..=12
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

/// Seconds since the epoch (already shifted to local time when needed)
/// to a civil date (the proleptic Gregorian calendar of gmtime).
pub fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = proftpd_api::time::civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: ((rem % 3600) / 60) as u32,
    }
}

/// `Mon dd HH:MM` or `Mon dd  YYYY`: `shown` is the time in the listing's
/// zone, `age` is now minus the file time.
pub fn push_time(out: &mut Vec<u8>, shown: i64, age: i64) {
    let c = civil(shown);
    out.extend_from_slice(MONTHS[(c.month as usize).saturating_sub(1) % 12]);
    out.push(b' ');
    push_u64_right(out, u64::from(c.day), 2);
    out.push(b' ');
    if age > SIX_MONTHS {
        push_i64_right(out, c.year, 5);
    } else {
        push_two(out, c.hour);
        out.push(b':');
        push_two(out, c.minute);
    }
}

fn push_two(out: &mut Vec<u8>, v: u32) {
    out.push(b'0' + (v / 10 % 10) as u8);
    out.push(b'0' + (v % 10) as u8);
}

/// ListStyle Windows: `MM-DD-YY  HH:MM` on a 12-hour clock. 1.3.8 asks
/// strftime for `%m-%d-%y  %I:%M%p` in a buffer one byte too small, so
/// the AM/PM never shows (measured).
pub fn push_windows_time(out: &mut Vec<u8>, shown: i64) {
    let c = civil(shown);
    push_two(out, c.month);
    out.push(b'-');
    push_two(out, c.day);
    out.push(b'-');
    push_two(out, c.year.rem_euclid(100) as u32);
    out.extend_from_slice(b"  ");
    let h12 = match c.hour % 12 {
        0 => 12,
        h => h,
    };
    push_two(out, h12);
    out.push(b':');
    push_two(out, c.minute);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8_lossy(&v).into_owned()
    }

    #[test]
    fn numbers_and_padding() {
        assert_eq!(s(|o| push_u64_right(o, 5000, 8)), "    5000");
        assert_eq!(s(|o| push_u64_right(o, 123_456_789_012, 8)), "123456789012");
        assert_eq!(s(|o| push_i64_right(o, 1, 3)), "  1");
        assert_eq!(s(|o| push_i64_right(o, 2020, 5)), " 2020");
        assert_eq!(s(|o| push_left(o, b"demo", 8)), "demo    ");
        assert_eq!(s(|o| push_left(o, b"averylongname", 8)), "averylongname");
        assert_eq!(s(|o| push_u64_left(o, 65534, 8)), "65534   ");
        assert_eq!(s(|o| push_u64(o, 0)), "0");
        assert_eq!(s(|o| push_u64(o, u64::MAX)), "18446744073709551615");
    }

    #[test]
    fn mode_letters() {
        let m = |mode: u32| {
            let mut v = vec![type_char(mode).unwrap_or(b'?')];
            v.extend_from_slice(&perm_chars(mode));
            String::from_utf8_lossy(&v).into_owned()
        };
        assert_eq!(m(0o100644), "-rw-r--r--");
        assert_eq!(m(0o104755), "-rwsr-xr-x");
        assert_eq!(m(0o104644), "-rwSr--r--");
        assert_eq!(m(0o102750), "-rwxr-s---");
        assert_eq!(m(0o041777), "drwxrwxrwt");
        assert_eq!(m(0o041776), "drwxrwxrwT");
        assert_eq!(m(0o120777), "lrwxrwxrwx");
        assert_eq!(m(0o010644), "prw-r--r--");
        assert_eq!(m(0o140755), "srwxr-xr-x");
        assert_eq!(m(0o020620), "crw--w----");
        assert_eq!(m(0o060660), "brw-rw----");
        assert_eq!(type_char(0), None);
        assert_eq!(fake_mode(0o040755, 0o644), 0o755);
        assert_eq!(fake_mode(0o100755, 0o640), 0o640);
        assert_eq!(fake_mode(0o040000, 0o200), 0o200);
    }

    #[test]
    fn sizes() {
        assert_eq!(s(|o| push_size(o, 6, false)), "       6");
        assert_eq!(s(|o| push_size(o, 999, true)), "     999");
        // Measured on 1.3.8: 5000 -> "4.9k", 4096 -> "4.0k".
        assert_eq!(s(|o| push_size(o, 5000, true)), "    4.9k");
        assert_eq!(s(|o| push_size(o, 4096, true)), "    4.0k");
        assert_eq!(s(|o| push_size(o, 1000, true)), " 1000.0");
        assert_eq!(s(|o| push_size(o, 3 << 30, true)), "    3.0G");
        assert_eq!(s(|o| push_size(o, 1_500_000, true)), "    1.4M");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(
            civil(0),
            Civil {
                year: 1970,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0
            }
        );
        // 2020-01-02 03:04:05 UTC
        assert_eq!(
            civil(1_577_934_245),
            Civil {
                year: 2020,
                month: 1,
                day: 2,
                hour: 3,
                minute: 4
            }
        );
        // 2024-02-29 23:59 UTC (leap day)
        assert_eq!(
            civil(1_709_251_140),
            Civil {
                year: 2024,
                month: 2,
                day: 29,
                hour: 23,
                minute: 59
            }
        );
        // Before the epoch: 1969-12-31 23:59.
        assert_eq!(
            civil(-60),
            Civil {
                year: 1969,
                month: 12,
                day: 31,
                hour: 23,
                minute: 59
            }
        );
    }

    #[test]
    fn the_six_month_rule() {
        let t = 1_577_934_245; // Jan  2 03:04 2020
        assert_eq!(s(|o| push_time(o, t, 0)), "Jan  2 03:04");
        assert_eq!(s(|o| push_time(o, t, SIX_MONTHS)), "Jan  2 03:04");
        assert_eq!(s(|o| push_time(o, t, SIX_MONTHS + 1)), "Jan  2  2020");
        // A file from the future shows its time of day.
        assert_eq!(s(|o| push_time(o, t, -400 * 86_400)), "Jan  2 03:04");
        assert_eq!(s(|o| push_windows_time(o, t)), "01-02-20  03:04");
        assert_eq!(
            s(|o| push_windows_time(o, t + 12 * 3600)),
            "01-02-20  03:04"
        );
        assert_eq!(
            s(|o| push_windows_time(o, 1_577_923_200)),
            "01-02-20  12:00"
        );
    }
}
