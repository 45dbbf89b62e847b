//! Where bundled data lives: `assets/` and `scenarios/` beside the workspace root or the binary.

use std::path::{Path, PathBuf};

/// The directory holding `assets/` and `scenarios/`: `$SANDTABLE_HOME`, else the first ancestor of
/// the current directory or of the executable that has `assets/maps`, else the build's workspace.
pub fn data_root() -> PathBuf {
    if let Some(home) = std::env::var_os("SANDTABLE_HOME") {
        return PathBuf::from(home);
    }
    let candidates = [std::env::current_dir().ok(), std::env::current_exe().ok()];
    for start in candidates.into_iter().flatten() {
        for dir in start.ancestors() {
            if dir.join("assets").join("maps").is_dir() {
                return dir.to_path_buf();
            }
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("server crate has a parent").to_path_buf()
}

/// `assets/maps/<name>` under the data root.
pub fn map_dir(name: &str) -> PathBuf {
    data_root().join("assets").join("maps").join(name)
}

/// The scenario `serve` and `sandtable --host` use when none is given.
pub fn default_scenario() -> PathBuf {
    data_root().join("scenarios").join("flood_valira.ron")
}
