//! Runs the real `sandtable-server check` binary on the broken-scenario corpus
//! (`tests/broken/NAME.ron` must print exactly `tests/broken/NAME.expected`) and on every bundled
//! scenario (`scenarios/*.ron` must be clean against the real map).
//!
//! `UPDATE_EXPECT=1 cargo test -p server --test scenario_corpus` rewrites the `.expected` files
//! from the checker's output; review the diff before keeping it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root: file paths are given relative to it, as a user would type them.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("server crate has a parent").to_path_buf()
}

fn check(files: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sandtable-server"))
        .arg("check")
        .args(files)
        .current_dir(root())
        .env_remove("SANDTABLE_HOME")
        .output()
        .expect("run sandtable-server check")
}

fn ron_files(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("read {dir}: {e}"))
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ron"))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_broken_scenario_gives_exactly_its_expected_problems() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let files = ron_files("tests/broken");
    let mut failures = Vec::new();
    for file in &files {
        let out = check(std::slice::from_ref(file));
        let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
        assert_eq!(out.status.code(), Some(1), "{file} must fail with status 1; stderr:\n{stderr}");
        assert!(out.stdout.is_empty(), "{file}: nothing on stdout for a broken file");
        assert!(!stderr.contains("panicked"), "{file}: the checker panicked:\n{stderr}");
        let expected_path = root().join(file.replace(".ron", ".expected"));
        if update {
            std::fs::write(&expected_path, &stderr).expect("write .expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| format!("<{} is missing: run with UPDATE_EXPECT=1>", expected_path.display()));
        if stderr != expected {
            failures.push(format!("{file}\n--- expected\n{expected}--- got\n{stderr}"));
        }
    }
    assert!(failures.is_empty(), "{} file(s) differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn corpus_covers_the_required_cases() {
    let files = ron_files("tests/broken");
    for case in [
        "syntax_missing_paren",
        "unknown_field",
        "wrong_type",
        "unknown_village",
        "time_outside_drill",
        "team_off_map",
        "role_not_on_offer",
        "missing_map",
        "unknown_action_ref",
        "many_problems",
    ] {
        assert!(files.contains(&format!("tests/broken/{case}.ron")), "corpus lacks {case}.ron");
    }
    // "Every problem, not the first": the many-problems file reports many.
    let expected = std::fs::read_to_string(root().join("tests/broken/many_problems.expected")).expect("read");
    assert!(expected.lines().count() >= 5, "{expected}");
}

#[test]
fn every_bundled_scenario_is_clean_against_the_real_map() {
    assert!(
        root().join("assets/maps/andorra/map.json").is_file(),
        "assets/maps/andorra is missing: import it with `sandtable-server import-map` (see README)"
    );
    let files = ron_files("scenarios");
    for kind in ["flood_", "fire_", "landslide_", "county_"] {
        assert!(files.iter().any(|f| f.starts_with(&format!("scenarios/{kind}"))), "no scenarios/{kind}*.ron");
    }
    assert!(files.contains(&"scenarios/flood_valira.ron".to_string()), "the default scenario is missing");
    let out = check(&files);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "scenarios have problems:\n{stderr}");
    for f in &files {
        assert!(stdout.lines().any(|l| l == format!("ok {f}")), "no `ok {f}` in:\n{stdout}");
    }
}

#[test]
fn one_bad_file_fails_the_whole_run_but_all_are_checked() {
    let files = vec!["scenarios/flood_valira.ron".to_string(), "tests/broken/missing_map.ron".to_string()];
    let out = check(&files);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok scenarios/flood_valira.ron\n");
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("tests/broken/missing_map.ron:5:10: map: "));
}

#[test]
fn a_missing_file_is_a_clear_error_and_no_file_is_a_usage_error() {
    let out = check(&["scenarios/no_such_file.ron".to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "scenarios/no_such_file.ron: cannot read: no such file\n");
    let out = check(&[]);
    assert_eq!(out.status.code(), Some(2), "clap reports a usage error");
    let help = Command::new(env!("CARGO_BIN_EXE_sandtable-server")).args(["check", "--help"]).output().expect("run");
    assert!(String::from_utf8_lossy(&help.stdout).contains("Example:"), "check --help has an example");
}

/// Untrusted text must never panic the parser: every prefix of a real scenario, and the file
/// with each bracket deleted, gives problems with a line number, or parses.
#[test]
fn damaged_scenarios_never_panic_and_always_name_a_line() {
    let text = std::fs::read_to_string(root().join("scenarios/flood_valira.ron")).expect("read");
    let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(97).collect();
    for &cut in &cuts {
        if let Err(problems) = sim::scenario::parse_scenario("f.ron", &text[..cut]) {
            assert!(!problems.is_empty());
            assert!(problems.iter().all(|p| p.line.is_some()), "cut at {cut}: {problems:?}");
        }
    }
    for (i, c) in text.char_indices().filter(|(_, c)| "()[]{}\",:".contains(*c)).step_by(7) {
        let damaged = format!("{}{}", &text[..i], &text[i + c.len_utf8()..]);
        if let Err(problems) = sim::scenario::parse_scenario("f.ron", &damaged) {
            assert!(problems.iter().all(|p| p.line.is_some()), "deleting {c:?} at {i}: {problems:?}");
        }
    }
}
