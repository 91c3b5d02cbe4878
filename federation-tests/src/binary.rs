//! Finding the `guildhall` server binary.

use std::env::consts::EXE_SUFFIX;
use std::path::{Path, PathBuf};

/// Environment variable that overrides where the server binary is.
pub const BIN_ENV: &str = "GUILDHALL_BIN";

/// Path of the `guildhall` binary the instances run.
///
/// Uses `GUILDHALL_BIN` when set; otherwise looks in the `target/<profile>/` directory that
/// holds the running test executable (which itself lives in `target/<profile>/deps/`).
///
/// Panics with instructions when no binary is found.
pub fn locate_binary() -> PathBuf {
    if let Some(path) = std::env::var_os(BIN_ENV) {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "{BIN_ENV} is set to {}, which is not a file", path.display());
        return path;
    }
    let exe =
        std::env::current_exe().expect("cannot determine the path of the test executable (std::env::current_exe)");
    find_next_to(&exe).unwrap_or_else(|| {
        panic!(
            "the guildhall server binary was not found near {}.\n\
             Build it first: run `cargo test --workspace` (which builds the binary because the \
             guildhall crate has integration tests) or `cargo build -p guildhall`, \
             or set {BIN_ENV} to the path of a guildhall binary.",
            exe.display()
        )
    })
}

/// Looks for `guildhall` next to the executable `exe` and in its parent directory (for a test
/// executable in `target/<profile>/deps/`, that parent is `target/<profile>/`).
fn find_next_to(exe: &Path) -> Option<PathBuf> {
    let file_name = format!("guildhall{EXE_SUFFIX}");
    exe.ancestors().skip(1).take(2).map(|dir| dir.join(&file_name)).find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_binary_in_the_profile_directory() {
        let target = tempfile::tempdir().expect("create a temporary directory");
        let profile = target.path().join("debug");
        let deps = profile.join("deps");
        std::fs::create_dir_all(&deps).expect("create target/debug/deps");
        let exe = deps.join("instances-0123456789abcdef");
        assert_eq!(find_next_to(&exe), None);

        let binary = profile.join(format!("guildhall{EXE_SUFFIX}"));
        std::fs::write(&binary, b"").expect("create a fake binary");
        assert_eq!(find_next_to(&exe), Some(binary));
    }

    #[test]
    fn ignores_directories_named_guildhall() {
        let target = tempfile::tempdir().expect("create a temporary directory");
        let deps = target.path().join("debug/deps");
        std::fs::create_dir_all(deps.join(format!("guildhall{EXE_SUFFIX}")))
            .expect("create a directory named like the binary");
        assert_eq!(find_next_to(&deps.join("instances")), None);
    }
}
