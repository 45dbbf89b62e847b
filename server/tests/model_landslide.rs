//! `sandtable-server model landslide`: the published check case and a bad argument.

use std::process::Command;

fn model(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sandtable-server"))
        .arg("model")
        .arg("landslide")
        .args(args)
        .output()
        .expect("runs")
}

const REFERENCE: [&str; 12] = [
    "--depth-m",
    "6",
    "--slope-deg",
    "22",
    "--unit-weight-kn-per-m3",
    "20.8",
    "--friction-deg",
    "26",
    "--cohesion-kpa",
    "52",
    "--water-table-ratio",
    "1",
];

#[test]
fn reference_case_gives_the_published_factor_of_safety() {
    let mut args = REFERENCE.to_vec();
    args.push("--json");
    let out = model(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let fs = v["factor_of_safety"].as_f64().unwrap();
    let dry = v["factor_of_safety_dry"].as_f64().unwrap();
    assert!((fs / 1.8375 - 1.0).abs() < 1e-3, "FS {fs}");
    assert!((dry / 2.4068 - 1.0).abs() < 1e-3, "dry FS {dry}");
    assert_eq!(v["fails"], false);
    // Stable even saturated: no water table fails it.
    assert!(v["critical_water_table_ratio"].is_null());
}

#[test]
fn bad_arguments_exit_2_with_a_clear_message() {
    let mut args = REFERENCE.to_vec();
    args[3] = "95";
    let out = model(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("slope 95"), "{}", String::from_utf8_lossy(&out.stderr));
    let mut args = REFERENCE.to_vec();
    args[1] = "-2";
    let out = model(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("depth -2 m must be more than 0"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut args = REFERENCE.to_vec();
    args[11] = "1.5";
    assert_eq!(model(&args).status.code(), Some(2));
}
