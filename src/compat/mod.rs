//! FFI wrappers: crypt(3), getspnam_r (owner: auth helper).
