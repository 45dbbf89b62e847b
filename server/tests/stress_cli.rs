//! `sandtable-server stress --deny-unmet` as an author's CI runs it: exit 2 when some step that
//! came due was met by no policy, 0 without the flag; the same on `--merge` of the results.
//! One fire drill under the `absent` policy (nobody acts, so no step is met): a few seconds.

use std::path::Path;
use std::process::{Command, Output};

fn stress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sandtable-server"))
        .arg("stress")
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .env_remove("SANDTABLE_HOME")
        .output()
        .expect("run sandtable-server stress")
}

#[test]
fn deny_unmet_fails_the_build_when_a_step_is_met_by_no_policy() {
    let out_file = std::env::temp_dir().join(format!("sandtable-stress-cli-{}.json", std::process::id()));
    let out_path = out_file.to_str().unwrap();
    let args = ["scenarios/fire_aubinya.ron", "--runs", "1", "--policies", "absent", "--jobs", "1"];
    let played = stress(&[&args[..], &["--deny-unmet", "--out", out_path]].concat());
    let stdout = String::from_utf8_lossy(&played.stdout);
    let stderr = String::from_utf8_lossy(&played.stderr);
    assert_eq!(played.status.code(), Some(2), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("! first_report"), "the unmet step is marked: {stdout}");
    assert!(stderr.contains("--deny-unmet") && stderr.contains("met by no policy"), "{stderr}");
    assert!(out_file.is_file(), "the results are written before the verdict");
    // The same results merged: without the flag the table only informs.
    let merged = stress(&["--merge", out_path]);
    assert_eq!(merged.status.code(), Some(0), "{}", String::from_utf8_lossy(&merged.stderr));
    let judged = stress(&["--merge", out_path, "--deny-unmet"]);
    assert_eq!(judged.status.code(), Some(2), "{}", String::from_utf8_lossy(&judged.stderr));
    let _ = std::fs::remove_file(&out_file);
}
