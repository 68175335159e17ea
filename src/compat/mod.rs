//! FFI wrappers for what nix does not cover: crypt(3) through `crypt_r`
//! and shadow(5) through `getspnam_r`.
//!
//! These are the only foreign calls of the daemon besides `privs`; each
//! wrapper is thin, owns its buffers, and turns C sentinels into Rust
//! values in one place.

pub mod crypt;
pub mod shadow;
