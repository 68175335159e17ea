//! Password hash checking through the system's `crypt_r` (libxcrypt or
//! glibc's libcrypt), so that every hash format the host's `/etc/shadow`
//! may hold (yescrypt, SHA-crypt, MD5, bcrypt, DES) is accepted exactly as
//! ProFTPD's crypt(3) call accepts it.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char};

/// Bytes reserved for `struct crypt_data`. libxcrypt's is 32 KiB; glibc's
/// older libcrypt used about 128 KiB. We allocate more than either so the
/// library can never write past our buffer, whichever one we link.
const CRYPT_DATA_SIZE: usize = 256 * 1024;

#[link(name = "crypt")]
unsafe extern "C" {
    fn crypt_r(phrase: *const c_char, setting: *const c_char, data: *mut u8) -> *mut c_char;
}

/// Whether `password` hashes to `hash` under the system crypt(3).
///
/// Locked or disabled entries (`*`, `!`, empty) never match, a password
/// holding a NUL byte never matches (C would silently truncate it), and the
/// final comparison takes the same time wherever the first difference is.
pub fn verify(password: &[u8], hash: &str) -> bool {
    if hash.is_empty() || hash.starts_with('*') || hash.starts_with('!') {
        return false;
    }
    let Ok(phrase) = CString::new(password) else {
        return false;
    };
    let Ok(setting) = CString::new(hash) else {
        return false;
    };
    // Zeroed, as crypt_r requires for its first use of the buffer; a u64
    // vector so the allocation is aligned for any field type.
    let mut data = vec![0u64; CRYPT_DATA_SIZE / 8];
    // SAFETY: `phrase` and `setting` are NUL-terminated and outlive the
    // call; `data` is a zeroed, writable buffer larger than any
    // `struct crypt_data`, alive until after we copied the result out.
    let out = unsafe { crypt_r(phrase.as_ptr(), setting.as_ptr(), data.as_mut_ptr().cast()) };
    if out.is_null() {
        return false;
    }
    // SAFETY: a non-NULL return points at a NUL-terminated string inside
    // `data` (the output field), which is still alive here.
    let computed = unsafe { CStr::from_ptr(out) }.to_bytes().to_vec();
    // Wipe the buffer: it held the cleartext and intermediate state.
    data.iter_mut().for_each(|w| *w = 0);
    std::hint::black_box(&data);
    // libxcrypt reports failure as a string starting with '*'.
    if computed.first() == Some(&b'*') {
        return false;
    }
    constant_time_eq(&computed, hash.as_bytes())
}

/// Compares two byte strings without an early exit on the first
/// difference (the length itself is not secret: it follows the format).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The password every fixture below was made from (python3's `crypt`
    /// module, backed by this libcrypt, at development time).
    const PW: &[u8] = b"s3cret pass";

    const YESCRYPT: &str =
        "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$9D5RovS/HuknGI0.ktF/JBj1lhaH1xkbCFp3CJ3OVL/";
    const SHA512: &str = "$6$7fmj64gKmc.s6pF8$u9rmjvRSueBByecCmtugr8/oUHbfEIdEDu.LhIthUjgAaNLFqwY4Hh/gqgBjKsTnFjAg1R20eiIOUQ02NGWIc/";
    const SHA512_ROUNDS: &str = "$6$rounds=1000$saltsalt$B4XP8/G.TeKxIuEAe0zDF7oI7X6JBIzTC/LxnpeYNz62aSCShmRhVF..RkA8dP9b.BARuF8TB0Crpg7R9Nw0W.";
    const SHA256: &str = "$5$Tg2NhC8VCZTVzo21$BoVUWnrSA0x8s0m53olnlc57MDsNWaFI8y7L.7wSd4B";
    const MD5: &str = "$1$67CBqobq$wmX2LRVp0rQe1YvXwKoo30";
    const BCRYPT: &str = "$2b$04$lc8q9cC89E51h23DvOn6xu.I8AXAw76BSzgCYX24Cu3YwrKeA0TfS";
    const DES: &str = "abTk71qDTQKMY";

    #[test]
    fn accepts_the_right_password_for_every_format() {
        for hash in [YESCRYPT, SHA512, SHA512_ROUNDS, SHA256, MD5, DES] {
            assert!(verify(PW, hash), "{hash}");
        }
    }

    #[test]
    fn rejects_a_wrong_password_for_every_format() {
        for hash in [YESCRYPT, SHA512, SHA512_ROUNDS, SHA256, MD5, DES] {
            assert!(!verify(b"S3cret pass", hash), "{hash}");
            assert!(!verify(b"", hash), "{hash}");
        }
    }

    #[test]
    fn bcrypt_when_supported() {
        // Some libcrypt builds leave bcrypt out; a wrong password must fail
        // either way, and the right one must pass when the format exists.
        assert!(!verify(b"wrong", BCRYPT));
        if !verify(PW, BCRYPT) {
            eprintln!("skipping bcrypt: this libcrypt does not support $2b$");
        }
    }

    #[test]
    fn locked_and_empty_hashes_never_match() {
        for hash in ["", "*", "!", "!!", "*LK*", "!$6$x$y", "*0", "*1"] {
            assert!(!verify(b"", hash), "{hash:?}");
            assert!(!verify(PW, hash), "{hash:?}");
        }
        let locked = format!("!{SHA512}");
        assert!(!verify(PW, &locked));
    }

    #[test]
    fn nul_bytes_in_the_password_fail() {
        // "s3cret pass\0junk" would be "s3cret pass" to C.
        let mut pw = PW.to_vec();
        pw.extend_from_slice(b"\0junk");
        assert!(!verify(&pw, SHA512));
        assert!(!verify(&pw, DES));
    }

    #[test]
    fn malformed_settings_fail() {
        assert!(!verify(PW, "$6$"));
        assert!(!verify(PW, "$9$nonsense$abc"));
        assert!(!verify(PW, "a"));
        assert!(!verify(PW, "ab\0cd"));
    }

    #[test]
    fn des_truncation_is_the_systems() {
        // Traditional DES only looks at 8 characters: a fact of the format,
        // kept because ProFTPD's crypt(3) call behaves the same way.
        let h = DES;
        assert!(verify(b"s3cret p", h));
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
