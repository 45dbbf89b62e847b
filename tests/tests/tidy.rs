//! Tidy checks over the workspace's own sources (sim, protocol, server, client, tests; never
//! `target/`), each listing every offender at once:
//!
//! - every `.rs` file opens with a `//!` line saying what it is for;
//! - ARCHITECTURE.md names every module, and every `.rs` file it names exists.
//!
//! **How ARCHITECTURE.md names a module.** Every file under `<crate>/src/` is a module except unit
//! tests (`tests.rs`, `*_tests.rs`: the module they test covers them). Its path is the crate, then
//! the directories and file stem under `src/`, with `lib.rs`/`main.rs` standing for the crate and
//! `mod.rs` for its directory: `sim/src/scenario/clock.rs` is `sim/scenario/clock`,
//! `sim/src/world/mod.rs` is `sim/world`, `client/src/main.rs` is `client`. A code span in
//! ARCHITECTURE.md (text in single backticks, outside fenced blocks) names it when the span, split
//! at `/` or `::`, without a final `.rs`, a trailing `/` or a `src` after the crate, is a tail of
//! that path: `clock.rs`, `scenario/clock.rs`, `sim/src/scenario/clock.rs` and
//! `sim::scenario::clock` all name `sim/src/scenario/clock.rs`; `world/` names `sim/src/world/mod.rs`.

use std::path::{Path, PathBuf};

const CRATES: [&str; 5] = ["sim", "protocol", "server", "client", "tests"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate sits in the workspace").to_path_buf()
}

/// Every `.rs` file under `dir`, recursively, skipping `target/` and hidden directories.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// Every `.rs` file of the workspace's crates, as paths relative to the workspace root with `/`.
fn workspace_rust_files() -> Vec<String> {
    let root = workspace_root();
    let mut files = Vec::new();
    for krate in CRATES {
        rust_files(&root.join(krate), &mut files);
    }
    let mut rel: Vec<String> = files
        .iter()
        .map(|p| {
            let r = p.strip_prefix(&root).expect("under the root");
            r.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
        })
        .collect();
    rel.sort();
    assert!(rel.iter().any(|f| f == "sim/src/lib.rs"), "found no sim/src/lib.rs under {}", root.display());
    rel
}

/// A workspace file's module path (see the module note), or `None` for files that are not
/// modules (outside `src/`) or are unit tests.
fn module_path(file: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = file.split('/').collect();
    let (krate, rest) = parts.split_first()?;
    let (src, rest) = rest.split_first()?;
    let (stem, dirs) = rest.split_last()?;
    let stem = stem.strip_suffix(".rs")?;
    if *src != "src" || stem == "tests" || stem.ends_with("_tests") {
        return None;
    }
    let mut path: Vec<String> = std::iter::once(*krate).chain(dirs.iter().copied()).map(String::from).collect();
    let root_file = dirs.is_empty() && (stem == "lib" || stem == "main");
    if !(root_file || stem == "mod") {
        path.push(stem.to_string());
    }
    Some(path)
}

/// The code spans of a markdown text, outside fenced code blocks.
fn code_spans(markdown: &str) -> Vec<String> {
    let mut prose = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    prose.split('`').skip(1).step_by(2).map(String::from).collect()
}

/// A code span as path components: split at `/` or `::`, without a final `.rs`, empty parts or
/// a `src` right after the crate. Also says whether it ended in `.rs`.
fn span_components(span: &str) -> (Vec<String>, bool) {
    let span = span.trim();
    let is_file = span.ends_with(".rs");
    let span = span.strip_suffix(".rs").unwrap_or(span);
    let mut parts: Vec<String> =
        span.replace("::", "/").split('/').filter(|p| !p.is_empty()).map(String::from).collect();
    if parts.len() >= 2 && parts[1] == "src" && CRATES.contains(&parts[0].as_str()) {
        parts.remove(1);
    }
    (parts, is_file)
}

fn is_tail(tail: &[String], of: &[String]) -> bool {
    !tail.is_empty() && of.ends_with(tail)
}

#[test]
fn every_rust_file_opens_with_a_doc_line() {
    let root = workspace_root();
    let missing: Vec<String> = workspace_rust_files()
        .into_iter()
        .filter(|f| {
            let text = std::fs::read_to_string(root.join(f)).unwrap_or_default();
            !text.lines().next().is_some_and(|l| l.starts_with("//!"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{} file(s) do not open with a `//!` line saying what they are for:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn architecture_names_every_module() {
    let root = workspace_root();
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md at the workspace root");
    let spans: Vec<Vec<String>> = code_spans(&doc).iter().map(|s| span_components(s).0).collect();
    let mut missing = Vec::new();
    let mut seen: Vec<Vec<String>> = Vec::new();
    for file in workspace_rust_files() {
        let Some(path) = module_path(&file) else { continue };
        if seen.contains(&path) {
            continue; // server/src/main.rs after server/src/lib.rs: the same crate
        }
        if !spans.iter().any(|s| is_tail(s, &path)) {
            let under_src = file.split_once("/src/").map_or(file.as_str(), |(_, r)| r);
            let spelling = match under_src.strip_suffix("/mod.rs") {
                Some(dir) => format!("{dir}/"),
                None if path.len() == 1 => format!("{}/", path[0]),
                None => under_src.to_string(),
            };
            missing.push(format!("{file:<40} e.g. `{spelling}`"));
        }
        seen.push(path);
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names none of these {} module(s); add each in backticks (its file name or its path \
         under src/ will do, see tests/tests/tidy.rs):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn architecture_names_only_files_that_exist() {
    let root = workspace_root();
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md at the workspace root");
    let files: Vec<Vec<String>> = workspace_rust_files().iter().map(|f| span_components(f).0).collect();
    let stale: Vec<String> = code_spans(&doc)
        .into_iter()
        .filter(|s| {
            let (parts, is_file) = span_components(s);
            is_file && !files.iter().any(|f| is_tail(&parts, f))
        })
        .map(|s| format!("`{s}`"))
        .collect();
    assert!(
        stale.is_empty(),
        "ARCHITECTURE.md names {} `.rs` file(s) that no crate has:\n  {}",
        stale.len(),
        stale.join("\n  ")
    );
}

#[test]
fn the_module_rule_maps_files_as_documented() {
    let path = |f: &str| module_path(f).map(|p| p.join("/"));
    assert_eq!(path("sim/src/scenario/clock.rs").as_deref(), Some("sim/scenario/clock"));
    assert_eq!(path("sim/src/world/mod.rs").as_deref(), Some("sim/world"));
    assert_eq!(path("client/src/main.rs").as_deref(), Some("client"));
    assert_eq!(path("sim/src/hazard/flood/tests.rs"), None);
    assert_eq!(path("server/src/bots/brain_tests.rs"), None);
    assert_eq!(path("server/tests/andorra_map.rs"), None);
    let clock = module_path("sim/src/scenario/clock.rs").unwrap();
    for span in ["clock.rs", "scenario/clock.rs", "sim/src/scenario/clock.rs", "sim::scenario::clock", "clock"] {
        assert!(is_tail(&span_components(span).0, &clock), "{span}");
    }
    assert!(!is_tail(&span_components("world/clock.rs").0, &clock));
    assert!(is_tail(&span_components("world/").0, &module_path("sim/src/world/mod.rs").unwrap()));
    assert_eq!(code_spans("a `b` c\n```\n`d`\n```\n`e.rs`"), ["b", "e.rs"]);
}
