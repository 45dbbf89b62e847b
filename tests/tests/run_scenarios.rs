//! `sandtable-server run SCENARIO --bots all` plays every bundled scenario to its end and writes
//! the record with report.json.

mod common;

use std::process::Command;

#[test]
fn every_scenario_plays_to_its_end_with_bots_and_leaves_a_report() {
    let bin = common::server_binary();
    let mut scenarios: Vec<_> = std::fs::read_dir(common::workspace_root().join("scenarios"))
        .expect("scenarios/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    scenarios.sort();
    assert!(!scenarios.is_empty(), "no scenarios/*.ron to play");
    let dir = common::temp_dir("run");
    for (i, scenario) in scenarios.iter().enumerate() {
        let name = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let out = dir.join(&name);
        let seed = (1000 + i).to_string();
        let result = Command::new(&bin)
            .current_dir(common::workspace_root())
            .arg("run")
            .arg(scenario)
            .args(["--bots", "all", "--seed", &seed, "--report-dir"])
            .arg(&out)
            .output()
            .expect("run sandtable-server");
        let stdout = String::from_utf8_lossy(&result.stdout);
        assert!(
            result.status.success(),
            "{name}: exit {}\n{stdout}\n{}",
            result.status,
            String::from_utf8_lossy(&result.stderr)
        );
        assert!(stdout.contains("得分 Score"), "{name}: no score printed:\n{stdout}");
        let report = common::read_json(&out.join("report.json"));
        let score = report["score"].as_f64().unwrap_or_else(|| panic!("{name}: report.json has no score"));
        assert!((0.0..=100.0).contains(&score), "{name}: score {score}");
        assert!(
            report["actions"].as_array().is_some_and(|a| !a.is_empty()),
            "{name}: no required actions in the report"
        );
        let meta = common::read_json(&out.join("meta.json"));
        assert_eq!(meta["finished"], true, "{name} did not play to its end");
        assert_eq!(std::fs::read_to_string(out.join("seed.txt")).unwrap().trim(), seed, "{name}: --seed not recorded");
        assert_eq!(
            std::fs::read_to_string(out.join("scenario.ron")).unwrap(),
            std::fs::read_to_string(scenario).unwrap(),
            "{name}: the record's scenario differs from the file"
        );
        let journal = std::fs::read_to_string(out.join("journal.jsonl")).unwrap();
        assert!(journal.lines().count() > 0, "{name}: the bots gave no order");
        assert!(
            std::fs::read_to_string(out.join("events.jsonl")).unwrap().contains("DrillEnded"),
            "{name}: no DrillEnded event"
        );
    }
}
