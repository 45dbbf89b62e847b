//! Where data lives (docs/files.md): the data root holds `assets/maps/<map>/` and `scenarios/`.
//! It is `$SANDTABLE_HOME`, else the project folder round the current directory, else the one
//! round the executable, else (reading only) the workspace the binary was built from.

use std::path::{Path, PathBuf};

/// How the data root was found, in the order it is looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// `$SANDTABLE_HOME`.
    Home,
    /// The first ancestor of the current directory holding `assets/maps`.
    CurrentDir,
    /// The first ancestor of the executable holding `assets/maps`.
    Executable,
    /// None of those: the workspace the binary was built from (a development build).
    BuildFolder,
}

/// The data root and how it was found.
pub fn locate() -> (PathBuf, Found) {
    if let Some(home) = std::env::var_os("SANDTABLE_HOME") {
        return (PathBuf::from(home), Found::Home);
    }
    let candidates =
        [(std::env::current_dir().ok(), Found::CurrentDir), (std::env::current_exe().ok(), Found::Executable)];
    for (start, how) in candidates {
        for dir in start.iter().flat_map(|s| s.ancestors()) {
            if dir.join("assets").join("maps").is_dir() {
                return (dir.to_path_buf(), how);
            }
        }
    }
    let build = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("server crate has a parent").to_path_buf();
    (build, Found::BuildFolder)
}

/// The directory holding `assets/` and `scenarios/` (see [`locate`]).
pub fn data_root() -> PathBuf {
    locate().0
}

/// Where `import-map` writes without `--out`: `assets/maps` under the data root, but never into
/// the folder a binary was built from when run from elsewhere (that was a surprise): then an
/// error saying how to choose.
pub fn maps_root_for_writing() -> Result<PathBuf, String> {
    match locate() {
        (_, Found::BuildFolder) => {
            Err("no sandtable data folder here (no assets/maps in this folder or above it, nor beside the program, \
             and SANDTABLE_HOME is not set): run from the project folder, set SANDTABLE_HOME=DIR, or pass --out DIR \
             (docs/files.md)"
                .into())
        }
        (root, _) => Ok(root.join("assets").join("maps")),
    }
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
