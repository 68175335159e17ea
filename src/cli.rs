//! The command line (owner: master helper).

/// Runs the `proftpd` command line; returns the exit status.
pub fn main() -> i32 {
    for m in crate::static_modules::static_modules() {
        println!("  {}", m.file_name());
    }
    0
}
