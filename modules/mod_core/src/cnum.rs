//! C's number conversions, reproduced exactly (glibc, LP64), for the
//! arguments 1.3.8 reads with them: PORT's `sscanf("%u,...")`, EPRT's and
//! PassivePorts' `atoi`, EPSV's `strtol`. Clients and configs in the wild
//! send whatever these accept (`PORT 127,0,0,1,4,1x` is valid on 1.3.8), so
//! a stricter parser would refuse what ProFTPD takes, and a looser one would
//! take what it refuses.
//!
//! Every function works on bytes, never panics and never allocates: the
//! input is whatever arrived on the control connection.

/// C's `isspace` in the C locale.
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The parts of a C integer conversion: how many bytes it consumed
/// (0 when there were no digits, as C's `endptr == nptr`), the sign and the
/// magnitude (saturated at `u64::MAX`, with `overflow` set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scan {
    consumed: usize,
    negative: bool,
    magnitude: u64,
    overflow: bool,
}

/// Leading blanks, an optional sign, decimal digits: the grammar shared by
/// `strtol`, `strtoul` and `atoi` in base 10.
fn scan(s: &[u8]) -> Scan {
    let mut i = s.iter().take_while(|&&b| is_c_space(b)).count();
    let mut negative = false;
    if let Some(&c @ (b'+' | b'-')) = s.get(i) {
        negative = c == b'-';
        i += 1;
    }
    let digits = s[i.min(s.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return Scan {
            consumed: 0,
            negative: false,
            magnitude: 0,
            overflow: false,
        };
    }
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    for &b in &s[i..i + digits] {
        match magnitude
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(b - b'0')))
        {
            Some(m) => magnitude = m,
            None => {
                overflow = true;
                magnitude = u64::MAX;
            }
        }
    }
    Scan {
        consumed: i + digits,
        negative,
        magnitude,
        overflow,
    }
}

/// `strtol(s, &end, 10)`: the value (saturated at `i64::MIN`/`i64::MAX` as
/// glibc does on ERANGE) and the number of bytes consumed (0: no number).
pub fn strtol(s: &[u8]) -> (i64, usize) {
    let sc = scan(s);
    let v = match (sc.negative, sc.overflow) {
        (false, true) => i64::MAX,
        (true, true) => i64::MIN,
        (false, false) => i64::try_from(sc.magnitude).unwrap_or(i64::MAX),
        (true, false) => {
            if sc.magnitude > i64::MAX as u64 + 1 {
                i64::MIN
            } else {
                (sc.magnitude as i128).wrapping_neg() as i64
            }
        }
    };
    (v, sc.consumed)
}

/// `atoi(s)`: glibc's `(int) strtol(s, NULL, 10)`, truncated to 32 bits
/// (so `4294968321` is 1025 and `99999999999` something negative).
pub fn atoi(s: &[u8]) -> i32 {
    strtol(s).0 as i32
}

/// `strtoul(s, &end, 10)`: a leading `-` negates modulo 2^64, overflow
/// gives `u64::MAX`; with the bytes consumed.
pub fn strtoul(s: &[u8]) -> (u64, usize) {
    let sc = scan(s);
    let v = if sc.overflow {
        u64::MAX
    } else if sc.negative {
        sc.magnitude.wrapping_neg()
    } else {
        sc.magnitude
    };
    (v, sc.consumed)
}

/// `sscanf(s, "%u,%u,...")` for `N` numbers: each `%u` is `strtoul`
/// stored into an `unsigned int` (truncated to 32 bits); the commas must
/// follow directly. `None` unless all `N` were converted; bytes after the
/// last number are ignored, as sscanf ignores them.
pub fn scan_u32_list<const N: usize>(s: &[u8]) -> Option<[u32; N]> {
    let mut out = [0u32; N];
    let mut rest = s;
    for (i, slot) in out.iter_mut().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix(b",")?;
        }
        let (v, used) = strtoul(rest);
        if used == 0 {
            return None;
        }
        *slot = v as u32;
        rest = &rest[used..];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtol_matches_glibc() {
        let table: &[(&[u8], i64, usize)] = &[
            (b"1", 1, 1),
            (b"  +42x", 42, 5),
            (b"-7|", -7, 2),
            (b"", 0, 0),
            (b"x", 0, 0),
            (b"-", 0, 0),
            (b"+", 0, 0),
            (b" ", 0, 0),
            (b"9223372036854775807", i64::MAX, 19),
            (b"9223372036854775808", i64::MAX, 19),
            (b"-9223372036854775808", i64::MIN, 20),
            (b"-9223372036854775809", i64::MIN, 20),
            (b"99999999999999999999999", i64::MAX, 23),
            (b"\xff1", 0, 0),
        ];
        for (s, v, n) in table {
            assert_eq!(strtol(s), (*v, *n), "{s:?}");
        }
    }

    #[test]
    fn atoi_truncates_to_int() {
        assert_eq!(atoi(b"4294968321"), 1025);
        assert_eq!(atoi(b"99999999999999999999"), -1);
        assert_eq!(atoi(b"2147483648"), i32::MIN);
        assert_eq!(atoi(b"-1"), -1);
        assert_eq!(atoi(b"12ab"), 12);
        assert_eq!(atoi(b"ab"), 0);
    }

    #[test]
    fn strtoul_negates_and_saturates() {
        assert_eq!(strtoul(b"-1"), (u64::MAX, 2));
        assert_eq!(strtoul(b"-4294967295").0 as u32, 1);
        assert_eq!(strtoul(b"18446744073709551616"), (u64::MAX, 20));
        assert_eq!(strtoul(b"-18446744073709551616"), (u64::MAX, 21));
    }

    #[test]
    fn scan_list_is_sscanf() {
        assert_eq!(scan_u32_list::<3>(b"1,2,3"), Some([1, 2, 3]));
        assert_eq!(scan_u32_list::<3>(b"1,2,3,4"), Some([1, 2, 3]));
        assert_eq!(scan_u32_list::<3>(b"1,2,3x"), Some([1, 2, 3]));
        assert_eq!(scan_u32_list::<3>(b"1,+2,\t3"), Some([1, 2, 3]));
        assert_eq!(scan_u32_list::<3>(b"1,,3"), None);
        assert_eq!(scan_u32_list::<3>(b"1,2"), None);
        assert_eq!(scan_u32_list::<3>(b"1 ,2,3"), None);
        assert_eq!(scan_u32_list::<3>(b""), None);
        assert_eq!(scan_u32_list::<2>(b"4294967297,-1"), Some([1, u32::MAX]));
    }
}
