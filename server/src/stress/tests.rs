//! Stress tests on the testkit's valley (whole, sharded and merged), the table from hand-made
//! results, the deadline warning, and one shipped scenario.

use clap::Parser;
use sim::score::{ActionStatus, Grade, ResponseTimes};

use super::results::{PlanStep, RunResult, Shard, StepRun, StressFile, merge};
use super::table::Table;
use super::*;
use crate::cli::{Cli, Commands};
use crate::testkit;

fn without_wall(mut file: StressFile) -> StressFile {
    file.results.iter_mut().for_each(|r| r.wall_s = 0.0);
    file
}

fn stress(setup: &DrillSetup, runs: u32, policies: &[Policy], shard: Shard, threads: usize) -> StressFile {
    let jobs = jobs_of(setup.seed, runs, policies, shard);
    let mut calls = 0;
    let results = play_all(setup, &jobs, threads, &mut |_| calls += 1).expect("runs play");
    assert!(calls >= jobs.len(), "progress after every run");
    let mut file = stress_file(setup, runs, policies, shard, results);
    file.sort();
    file
}

/// Two machines each playing their shard, merged, give exactly the runs one machine plays on
/// two threads: every run is independent and reproducible from its seed and policy.
#[test]
fn shards_merge_into_the_whole_stress_run() {
    let dir = testkit::temp_dir("stress-shards");
    let setup = testkit::setup(&dir);
    let whole = stress(&setup, 3, &Policy::ALL, Shard::WHOLE, 2);
    assert_eq!(whole.results.len(), 9);
    assert!(whole.missing().is_empty());
    let seeds: Vec<(String, u64)> = whole.results.iter().map(|r| (r.policy.clone(), r.seed)).collect();
    assert_eq!(seeds[..3], [("diligent".into(), 7), ("diligent".into(), 8), ("diligent".into(), 9)]);
    assert_eq!(seeds[8], ("absent".into(), 9));

    let a = stress(&setup, 3, &Policy::ALL, "0/2".parse().unwrap(), 1);
    let b = stress(&setup, 3, &Policy::ALL, "1/2".parse().unwrap(), 1);
    assert_eq!((a.results.len(), b.results.len()), (6, 3), "seeds 0 and 2, then seed 1");
    let (merged, missing) = merge(vec![("b".into(), b.clone()), ("a".into(), a.clone())]).unwrap();
    assert!(missing.is_empty(), "{missing:?}");
    assert_eq!(without_wall(merged.clone()), without_wall(whole.clone()));
    // A shard alone says what it lacks.
    let (part, missing) = merge(vec![("a".into(), a)]).unwrap();
    assert_eq!(part.results.len(), 6);
    assert_eq!(missing, [("diligent".into(), 1), ("late".into(), 1), ("absent".into(), 1)]);

    // The table: diligent bots report on time; absent ones never do, nor activate the level.
    let table = Table::of(&merged);
    let row = |id: &str| table.steps.iter().find(|s| s.id == id).unwrap().clone();
    let report = row("first_report");
    assert_eq!(report.cells[0].due, 3);
    assert_eq!(report.cells[0].met, 3, "{report:?}");
    assert_eq!((report.cells[2].met, report.cells[2].due), (0, 3), "absent: {report:?}");
    assert!(!report.no_policy_met());
    let level = row("level_iv");
    assert!(level.cells[0].met > 0 && level.cells[2].met == 0, "{level:?}");
    assert!(table.unmet().is_empty());
    let text = table.render();
    assert!(text.contains("first_report") && text.contains("3/3 100%") && text.contains("0/3   0%"), "{text}");
    assert!(text.contains("每个到期步骤都有策略达标"), "{text}");
    let diligent = &table.outcomes[0];
    assert_eq!(diligent.runs, 3);
    assert!(diligent.score.min <= diligent.score.median && diligent.score.median <= diligent.score.max);
    assert!(diligent.score.min > table.outcomes[2].score.max, "diligent beats absent: {text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn step(id: &str, status: ActionStatus, done: Option<f64>) -> StepRun {
    let credit = match status {
        ActionStatus::OnTime | ActionStatus::Early => 1.0,
        ActionStatus::Late => 0.4,
        _ => 0.0,
    };
    StepRun { id: id.into(), status, credit, due_from_min: Some(100.0), deadline_min: 20.0, done_at_min: done }
}

fn run(policy: &str, index: u32, score: f64, steps: Vec<StepRun>) -> RunResult {
    RunResult {
        index,
        seed: 100 + u64::from(index),
        policy: policy.into(),
        score,
        grade: Grade::Fair,
        people_threatened: 200,
        people_safe: 150 + index,
        casualties: 0,
        trapped: 0,
        times: ResponseTimes { seen_to_reported_min: Some(f64::from(index) + 3.0), ..ResponseTimes::default() },
        steps,
        wall_s: 1.0,
    }
}

fn file(results: Vec<RunResult>) -> StressFile {
    let plan =
        |id: &str, name: &str| PlanStep { id: id.into(), name: name.into(), who: "command".into(), deadline_min: 20.0 };
    StressFile {
        format: results::FORMAT.into(),
        scenario: "测试".into(),
        scenario_file: "t.ron".into(),
        scenario_hash: "00000000000000aa".into(),
        base_seed: 100,
        runs: 2,
        policies: vec!["diligent".into(), "late".into()],
        shard: Shard::WHOLE,
        steps: vec![plan("warn", "预警"), plan("evacuate", "转移"), plan("end", "终止")],
        results,
    }
}

/// Met is on time (or early with full credit); late, missing and out of order are not; not due
/// is not counted. A step due somewhere and met nowhere is marked, with how late each policy was.
#[test]
fn the_table_counts_met_steps_per_policy_and_marks_the_steps_no_policy_met() {
    use ActionStatus::*;
    let f = file(vec![
        run(
            "diligent",
            0,
            80.0,
            vec![step("warn", OnTime, Some(110.0)), step("evacuate", Late, Some(130.0)), step("end", NotDue, None)],
        ),
        run(
            "diligent",
            1,
            90.0,
            vec![step("warn", Early, Some(90.0)), step("evacuate", Late, Some(150.0)), step("end", NotDue, None)],
        ),
        run(
            "late",
            0,
            40.0,
            vec![step("warn", Late, Some(160.0)), step("evacuate", Missing, None), step("end", NotDue, None)],
        ),
        run(
            "late",
            1,
            50.0,
            vec![step("warn", OutOfOrder, Some(115.0)), step("evacuate", Late, Some(170.0)), step("end", NotDue, None)],
        ),
    ]);
    let t = Table::of(&f);
    let warn = &t.steps[0];
    assert_eq!((warn.cells[0].met, warn.cells[0].due), (2, 2));
    assert_eq!((warn.cells[1].met, warn.cells[1].due), (0, 2), "late and out of order are not met");
    let evacuate = &t.steps[1];
    assert!(evacuate.no_policy_met());
    // diligent: 10 and 30 min past 100 + 20; late: 50 (the missing run has no time).
    assert_eq!(evacuate.cells[0].median_late_min, Some(20.0));
    assert_eq!(evacuate.cells[1].median_late_min, Some(50.0));
    assert_eq!(evacuate.cells[1].due, 2, "missing is due");
    assert!(t.steps[2].never_due() && !t.steps[2].no_policy_met());
    assert_eq!(t.unmet().iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["evacuate"]);
    let o = &t.outcomes[0];
    assert_eq!((o.score.min, o.score.median, o.score.max), (80.0, 85.0, 90.0));
    assert_eq!((o.safe_percent.min, o.safe_percent.max), (75.0, 75.5));
    assert_eq!(o.seen_to_reported_min.median, 3.5);
    assert_eq!(o.seen_to_decided_min.n, 0);
    let text = t.render();
    assert!(text.contains("! evacuate") && text.contains("  warn"), "{text}");
    assert!(text.contains("任何策略都未达标的步骤 Steps no policy met (1)"), "{text}");
    assert!(
        text.contains("diligent: 0/2, 中位迟 median 20 min late;")
            && text.contains("late: 0/2, 中位迟 median 50 min late;"),
        "{text}"
    );
    assert!(text.contains("never due in any run") && text.contains(": end"), "{text}");
    assert!(text.contains("80/85/90") && text.contains("75/75.2/75.5"), "{text}");
    // The columns line up on a terminal, CJK characters being two columns wide.
    let width = |s: &str| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
    let starts: Vec<usize> = ["预警", "转移", "终止"]
        .iter()
        .map(|name| {
            let line = text.lines().find(|l| l.contains(&format!("{name} (command)"))).unwrap();
            width(&line[..line.find(name).unwrap()])
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{starts:?}\n{text}");
}

/// Shards of another scenario, or of other seeds, are refused; the same run twice must agree.
#[test]
fn merge_refuses_shards_of_another_stress_run() {
    use ActionStatus::*;
    let a = file(vec![run("diligent", 0, 80.0, vec![step("warn", OnTime, Some(110.0))])]);
    let mut other = a.clone();
    other.scenario_hash = "00000000000000bb".into();
    other.scenario_file = "u.ron".into();
    let err = merge(vec![("a.json".into(), a.clone()), ("u.json".into(), other)]).unwrap_err();
    assert!(
        err.contains("u.json") && err.contains("a.json") && err.contains("u.ron") && err.contains("not a shard"),
        "{err}"
    );
    let mut seeds = a.clone();
    seeds.runs = 5;
    assert!(merge(vec![("a".into(), a.clone()), ("s".into(), seeds)]).unwrap_err().contains("0..5"));
    let mut twice = a.clone();
    twice.results[0].score = 10.0;
    let err = merge(vec![("a".into(), a.clone()), ("t".into(), twice)]).unwrap_err();
    assert!(err.contains("differs"), "{err}");
    let mut same = a.clone();
    same.results[0].wall_s = 99.0;
    let (m, missing) = merge(vec![("a".into(), a.clone()), ("same".into(), same)]).unwrap();
    assert_eq!(m.results.len(), 1, "the same run twice is kept once");
    assert_eq!(missing.len(), 3, "{missing:?}");

    // A file that is not stress results is named with line and column.
    let dir = testkit::temp_dir("stress-read");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\n  \"format\": 3\n}").unwrap();
    let err = StressFile::read(&bad).unwrap_err();
    assert!(err.contains("bad.json:2:") && err.contains("not stress results"), "{err}");
    let mut old = a.clone();
    old.format = "sandtable-stress/0".into();
    std::fs::write(&bad, serde_json::to_vec(&old).unwrap()).unwrap();
    assert!(StressFile::read(&bad).unwrap_err().contains("sandtable-stress/0"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stress_arguments_parse_and_bad_ones_say_why() {
    let parse = |args: &[&str]| Cli::try_parse_from(["sandtable-server", "stress"].iter().chain(args));
    let Ok(Cli { command: Commands::Stress(a) }) = parse(&[
        "x.ron",
        "--runs",
        "40",
        "--policies",
        "diligent,late",
        "--shard",
        "3/8",
        "--jobs",
        "2",
        "--out",
        "o.json",
    ]) else {
        panic!("stress did not parse")
    };
    assert_eq!((a.runs, a.jobs, a.shard), (40, Some(2), Some(Shard { index: 3, count: 8 })));
    assert_eq!(a.policies, [Policy::Diligent, Policy::Late]);
    let Ok(Cli { command: Commands::Stress(a) }) = parse(&["x.ron"]) else { panic!("defaults") };
    assert_eq!((a.runs, a.policies.len(), a.shard), (10, 3, None));
    let Ok(Cli { command: Commands::Stress(a) }) = parse(&["--merge", "a.json", "b.json"]) else { panic!("merge") };
    assert_eq!(a.merge.len(), 2);
    for (bad, words) in [
        (&["x.ron", "--shard", "8/8"][..], "0 <= i < n"),
        (&["x.ron", "--shard", "two"][..], "expected i/n"),
        (&["x.ron", "--policies", "lazy"][..], "unknown bot policy `lazy`"),
        (&["x.ron", "--runs", "0"][..], "--runs"),
        (&[][..], "required"),
        (&["x.ron", "--merge", "a.json"][..], "cannot be used with"),
    ] {
        let err = parse(bad).unwrap_err().to_string();
        assert!(err.contains(words), "{bad:?}: {err}");
    }
    assert_eq!(
        jobs_of(5, 4, &[Policy::Absent], "1/2".parse().unwrap()).iter().map(|j| j.seed).collect::<Vec<_>>(),
        [6, 8]
    );
}

/// The checker's warning: a deadline the quickest bots still miss is named at its line; one they
/// meet is not.
#[test]
fn a_deadline_no_play_can_meet_is_warned_at_its_line() {
    let dir = testkit::temp_dir("stress-deadline");
    let maps = testkit::setup(&dir).map_dir.parent().unwrap().to_path_buf();
    let impossible = r#"(id: "all_safe", name: "1 分钟内全部转移到位", who: "command", what: AllSafe(None), deadline_min: 1.0, after: HazardSeen),"#;
    let anchor = r#"            (id: "level_iv""#;
    let text = testkit::SCENARIO.replacen(anchor, &format!("            {impossible}\n{anchor}"), 1);
    assert_ne!(text, testkit::SCENARIO);
    let path = dir.join("impossible.ron");
    std::fs::write(&path, &text).unwrap();
    let setup = DrillSetup::load_with_maps(&path, &maps, None).expect("the scenario is valid");
    let warnings = unmeetable_deadlines(&setup, "impossible.ron").unwrap();
    let line = text.lines().position(|l| l.contains("\"all_safe\"")).unwrap() + 1;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0].to_string();
    assert_eq!(warnings[0].line, Some(line), "{w}");
    assert!(w.starts_with(&format!("impossible.ron:{line}:")) && w.contains("plan.actions[1].deadline_min"), "{w}");
    assert!(w.contains("无法满足的时限") && w.contains("no play can meet") && w.contains("deadline 1 min"), "{w}");

    // The shipped test plan itself: the quickest bots meet it.
    let plain = DrillSetup::load_with_maps(&testkit::setup(&dir).scenario_path, &maps, None).unwrap();
    assert!(unmeetable_deadlines(&plain, "test_flood.ron").unwrap().is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A shipped scenario under stress: the diligent bots meet the landslide plan's steps far more
/// often than absent ones, which meet none.
#[test]
fn a_shipped_scenario_under_stress() {
    let path = testkit::shipped_scenarios().into_iter().find(|p| p.ends_with("landslide_massana.ron")).unwrap();
    let setup = DrillSetup::load(&path, None).unwrap();
    let file = stress(&setup, 1, &[Policy::Diligent, Policy::Absent], Shard::WHOLE, 2);
    let t = Table::of(&file);
    let met = |p: usize| t.steps.iter().map(|s| s.cells[p].met).sum::<u32>();
    let due = |p: usize| t.steps.iter().map(|s| s.cells[p].due).sum::<u32>();
    assert!(met(0) * 10 >= due(0) * 8, "diligent meets most: {}", t.render());
    assert_eq!(met(1), 0, "absent meets nothing: {}", t.render());
    assert!(due(1) > 0);
}
