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

/// `assets/maps` under the data root: every map asset lives in a folder of its own here.
pub fn maps_root() -> PathBuf {
    data_root().join("assets").join("maps")
}

/// `assets/maps/<name>` under the data root, when `name` is a plain folder name (see
/// [`is_map_name`]); `None` for anything that could climb out of `assets/maps/`.
pub fn map_dir(name: &str) -> Option<PathBuf> {
    is_map_name(name).then(|| maps_root().join(name))
}

/// A map name is one folder name: letters, digits, `_`, `-` and `.`, not starting with `.`
/// (so no `..`, no separators, no absolute path, no drive prefix). The same rule the scenario
/// validator reports.
pub fn is_map_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// The scenario `serve` and `sandtable --host` use when none is given.
pub fn default_scenario() -> PathBuf {
    data_root().join("scenarios").join("flood_valira.ron")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_folder_names_are_map_names() {
        for ok in ["andorra", "my_valley-2", "v1.2", "汉中"] {
            assert!(is_map_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "../../etc", "/etc", "a/b", "a\\b", ".hidden", "C:evil", "a b"] {
            assert!(!is_map_name(bad), "{bad}");
            assert!(map_dir(bad).is_none(), "{bad}");
        }
    }
}
