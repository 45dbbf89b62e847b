//! The forms end to end, as a trainee uses them: the real `sandtable` binary hosts the flood
//! drill (the county exercise for the county's seat) (embedded server, bots in the other roles, loopback UDP) in a real window under Xvfb,
//! and `--drive` plays synthetic mouse clicks and typing into the forms of one role (egui input
//! events at the places the widgets were drawn). For each role at least one order goes through
//! the forms; the test then reads the server's journal, which holds accepted orders only, and
//! finds each one there with its role and the values picked in the form.

mod xvfb;

use std::ffi::OsStr;

use xvfb::{data_root, run_sandtable, scratch_dir, tail};

/// Hosts the flood drill as `role`, plays `script`, and returns the journal's lines.
fn drive(tag: &str, role: &str, script: &str) -> Vec<serde_json::Value> {
    drive_in("flood_valira.ron", tag, role, script)
}

/// Hosts `scenario` as `role`, plays `script`, and returns the journal's lines.
fn drive_in(scenario: &str, tag: &str, role: &str, script: &str) -> Vec<serde_json::Value> {
    let dir = scratch_dir(&format!("drive-{tag}"));
    let script_path = dir.join("script.drive");
    std::fs::write(&script_path, script).unwrap();
    let scenario = data_root().join("scenarios").join(scenario);
    let args: Vec<&OsStr> = vec![
        "--host".as_ref(),
        scenario.as_os_str(),
        "--role".as_ref(),
        role.as_ref(),
        "--name".as_ref(),
        "测试员".as_ref(),
        "--drive".as_ref(),
        script_path.as_os_str(),
        "--drive-timeout-s".as_ref(),
        "90".as_ref(),
    ];
    let xvfb::Run { status, out, err } = run_sandtable(&dir, role, &args);
    assert!(status.success(), "{role}: the drive failed ({status}); stdout:\n{}\nstderr:\n{}", tail(&out), tail(&err));
    let records = dir.join("records");
    let record = std::fs::read_dir(&records)
        .unwrap_or_else(|e| panic!("{}: {e}", records.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .next()
        .expect("the hosted drill wrote a record");
    let journal = std::fs::read_to_string(record.join("journal.jsonl")).unwrap();
    let lines = journal.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    std::fs::remove_dir_all(&dir).ok();
    lines
}

/// The orders of `role` in the journal, as JSON.
fn orders_of<'a>(journal: &'a [serde_json::Value], role: &str) -> Vec<&'a serde_json::Value> {
    journal.iter().filter(|c| c["role"] == role).map(|c| &c["order"]).collect()
}

#[test]
fn every_role_gives_orders_through_the_forms() {
    // The command post: an evacuation, a sandbag line drawn on the map near Santa Coloma
    // (8714, 8760 m) for its first team, and a report to the county with typed text.
    let journal = drive(
        "command",
        "command",
        "wait-ready
         click village:Evacuate
         click village:Evacuate=Aixovall
         click send:Evacuate
         wait-accepted 1
         click task=Sandbag
         click pick:Dispatch
         map 8600 8650
         map 8700 8700
         map 8800 8760
         click done:Dispatch
         click send:Dispatch
         wait-accepted 2
         click note:ReportUp
         type 水位上涨, 已转移
         click send:ReportUp
         wait-accepted 3",
    );
    let mine = orders_of(&journal, "command");
    assert!(mine.iter().any(|o| o["Evacuate"]["village"] == "Aixovall"), "{mine:?}");
    let line = mine
        .iter()
        .find_map(|o| o["Dispatch"]["target"]["Path"].as_array().filter(|_| o["Dispatch"]["task"] == "Sandbag"))
        .unwrap_or_else(|| panic!("no sandbag line in {mine:?}"));
    assert_eq!(line.len(), 3, "three points clicked: {line:?}");
    let x0 = line[0][0].as_f64().unwrap();
    assert!((x0 - 8600.0).abs() < 60.0, "the first point is where it was clicked: {line:?}");
    assert!(mine.iter().any(|o| o["ReportUp"]["note"] == "水位上涨, 已转移"), "{mine:?}");
    assert!(journal.iter().any(|c| c["role"] == "command" && c["player"] == "测试员"), "the journal names the person");

    // An informant: an initial report of its own village, with a point picked on the map, the
    // severity and a note.
    let journal = drive(
        "informant",
        "informant:Santa Coloma",
        "wait-ready
         click pick:Report
         map 8714 8760
         click note:Report
         type 河水漫过桥面
         click send:Report
         wait-accepted 1",
    );
    let mine = orders_of(&journal, "informant:Santa Coloma");
    let report = mine.iter().find_map(|o| o.get("Report")).unwrap_or_else(|| panic!("no report in {mine:?}"));
    assert_eq!(report["village"], "Santa Coloma");
    assert_eq!(report["note"], "河水漫过桥面");
    assert_eq!(report["stage"], "Initial");
    assert!(report["at"].is_array(), "a point was picked: {report}");

    // A team: its own report (arrived) with a note.
    let journal = drive(
        "team",
        "team:防汛志愿者队",
        "wait-ready
         click team_report=Problem
         click note:TeamReport
         type 道路被冲毁
         click send:TeamReport
         wait-accepted 1",
    );
    let mine = orders_of(&journal, "team:防汛志愿者队");
    assert!(
        mine.iter().any(|o| o["TeamReport"]["kind"] == "Problem" && o["TeamReport"]["note"] == "道路被冲毁"),
        "{mine:?}"
    );

    // The controller: starts the clock and injects a message to the command post.
    let journal = drive(
        "controller",
        "controller",
        "wait-ready
         click control:start
         wait-accepted 1
         click to:Inject
         click to:Inject=command
         click text:Inject
         type 上游水库开始泄洪
         click send:Inject
         wait-accepted 2",
    );
    let mine = orders_of(&journal, "controller");
    assert!(mine.iter().any(|o| o["Inject"]["message"] == "上游水库开始泄洪"), "{mine:?}");

    // The county (the county exercise): a directive to a township's command post.
    let journal = drive_in(
        "county_valira_orient.ron",
        "county",
        "county",
        "wait-ready
         click to:Directive
         click to:Directive=command:Canillo
         click text:Directive
         type 立即组织沿河群众转移
         click send:Directive
         wait-accepted 1",
    );
    let mine = orders_of(&journal, "county");
    assert!(
        mine.iter()
            .any(|o| o["Directive"]["to"]["Command"] == "Canillo" && o["Directive"]["text"] == "立即组织沿河群众转移"),
        "{mine:?}"
    );
}
