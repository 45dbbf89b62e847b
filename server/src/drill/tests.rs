//! Drill tests: authorisation, journal-before-apply, controls, the clock.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use protocol::Control;
use sim::{EventKind, Order, Role};

use super::{Drill, Journal, record};
use crate::testkit;
use sim::access::Refusal;

/// A journal writer that fails every write, as a full disk would.
struct FailingWriter;
impl Write for FailingWriter {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("disk full"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A journal writer into shared memory.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);
impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn informant() -> Role {
    "informant:Alpha".parse().unwrap()
}

#[test]
fn an_order_the_role_may_not_give_is_refused_and_not_journaled() {
    let dir = testkit::temp_dir("drill-auth");
    let setup = testkit::setup(&dir);
    let rec = testkit::record(&dir, &setup);
    let mut drill = Drill::new(setup, rec).unwrap();
    let err = drill.order(&informant(), "p", Order::ActivateLevel { level: sim::scenario::Level::I }).unwrap_err();
    assert!(matches!(err, Refusal::NotAllowed { .. }), "{err}");
    assert!(err.to_string().contains("informant:Alpha"), "{err}");
    // A role the scenario does not offer.
    let err =
        drill.order(&"informant:Nowhere".parse().unwrap(), "p", Order::Warn { village: "Alpha".into() }).unwrap_err();
    assert!(matches!(err, Refusal::UnknownRole { .. }), "{err}");
    // A target outside the role's care is refused before the journal too.
    let err = drill.order(&informant(), "p", Order::Evacuate { village: "Beta".into(), shelter: None }).unwrap_err();
    assert_eq!(err.code(), "not_your_village", "{err}");
    assert_eq!(drill.accepted(), 0);
    assert_eq!(drill.refused(), 3);
    let journal = std::fs::read_to_string(dir.join("record").join(record::JOURNAL)).unwrap();
    assert!(journal.is_empty(), "refused orders must not be journaled: {journal}");
    // An allowed order is journaled with its role and time.
    drill.order(&informant(), "张三", Order::Warn { village: "Alpha".into() }).unwrap();
    let journal = std::fs::read_to_string(dir.join("record").join(record::JOURNAL)).unwrap();
    let line: super::JournalLine = serde_json::from_str(journal.lines().next().unwrap()).unwrap();
    assert_eq!((line.seq, line.t_s, line.role.as_str(), line.player.as_str()), (1, 0, "informant:Alpha", "张三"));
    assert_eq!(line.order, Some(Order::Warn { village: "Alpha".into() }));
}

#[test]
fn the_journal_is_written_before_the_order_takes_effect() {
    let dir = testkit::temp_dir("drill-journal-first");
    let setup = testkit::setup(&dir);
    // Journal failing: the order must not reach the world.
    let rec = testkit::record_with(&dir, &setup, Journal::from_writer(Box::new(FailingWriter)));
    let mut drill = Drill::new(setup.clone(), rec).unwrap();
    let before = drill.world().state_hash();
    let err = drill.order(&informant(), "p", Order::Warn { village: "Alpha".into() }).unwrap_err();
    assert!(matches!(err, Refusal::RecordFailed { .. }), "{err}");
    assert_eq!(drill.world().state_hash(), before, "the world changed although the journal write failed");
    assert!(!drill.world().events().iter().any(|e| matches!(e.kind, EventKind::WarningIssued { .. })));
    assert_eq!(drill.accepted(), 0);

    // Journal working: the line is there and the world has the warning.
    let buf = Shared::default();
    let dir2 = testkit::temp_dir("drill-journal-ok");
    let rec = testkit::record_with(&dir2, &setup, Journal::from_writer(Box::new(buf.clone())));
    let mut drill = Drill::new(setup, rec).unwrap();
    drill.order(&informant(), "p", Order::Warn { village: "Alpha".into() }).unwrap();
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains("\"Warn\""), "{text}");
    assert!(drill.world().events().iter().any(|e| matches!(e.kind, EventKind::WarningIssued { .. })));
}

#[test]
fn a_group_commit_that_fails_stops_the_drill_for_good() {
    let dir = testkit::temp_dir("drill-group-commit");
    let setup = testkit::setup(&dir);
    let out = testkit::SyncFails::default();
    let rec = testkit::record_with(&dir, &setup, Journal::from_writer(Box::new(out.clone())));
    let mut drill = Drill::new(setup, rec).unwrap();
    drill.group_journal_commits();
    // Written and applied; its sync waits for the commit.
    drill.order(&informant(), "p", Order::Warn { village: "Alpha".into() }).unwrap();
    drill.control(&Role::Controller, "导调", Control::Start).unwrap();
    assert_eq!(drill.accepted(), 2);
    assert_eq!(String::from_utf8(out.0.lock().unwrap().clone()).unwrap().lines().count(), 2);
    assert!(drill.record_failure().is_none());
    let err = drill.commit_journal().unwrap_err().to_string();
    assert!(err.contains(record::JOURNAL) && err.contains("I/O error on sync"), "{err}");
    assert!(drill.record_failure().is_some_and(|f| f.contains(record::JOURNAL)));
    assert!(drill.is_over() && !drill.running(), "the drill never runs on without a record");
    let refused = drill.order(&informant(), "p", Order::Warn { village: "Alpha".into() }).unwrap_err();
    assert!(matches!(refused, Refusal::RecordFailed { .. }), "{refused}");
    assert_eq!(drill.accepted(), 2);
    assert!(drill.finish().is_err(), "no report for a drill whose record failed");
}

#[test]
fn a_drill_ended_between_two_group_commits_has_every_line_synced() {
    let dir = testkit::temp_dir("drill-group-end");
    let setup = testkit::setup(&dir);
    let rec = testkit::record(&dir, &setup);
    let mut drill = Drill::new(setup, rec).unwrap();
    drill.group_journal_commits();
    drill.order(&informant(), "p", Order::Warn { village: "Alpha".into() }).unwrap();
    assert_eq!(drill.record().journal.pending(), 1);
    let syncs = drill.record().journal.syncs();
    drill.finish().unwrap();
    assert_eq!(drill.record().journal.pending(), 0);
    assert_eq!(drill.record().journal.syncs(), syncs + 1);
}

#[test]
fn only_the_controller_steers_the_clock() {
    let dir = testkit::temp_dir("drill-clock");
    let setup = testkit::setup(&dir);
    let rec = testkit::record(&dir, &setup);
    let mut drill = Drill::new(setup, rec).unwrap();
    assert!(matches!(drill.control(&informant(), "p", Control::Start), Err(Refusal::ControllerOnly { .. })));
    assert!(matches!(
        drill.control(&Role::Controller, "p", Control::SetSpeed(f32::NAN)),
        Err(Refusal::BadSpeed { .. })
    ));
    assert!(matches!(drill.control(&Role::Controller, "p", Control::SetSpeed(-1.0)), Err(Refusal::BadSpeed { .. })));
    // Paused: wall time passes, the world does not move.
    drill.advance(Duration::from_secs(10), 100);
    assert_eq!(drill.world().time_s(), 0);
    drill.control(&Role::Controller, "导调", Control::SetSpeed(600.0)).unwrap();
    drill.control(&Role::Controller, "导调", Control::Start).unwrap();
    // 600 sim s per wall s, 60 s ticks: 1 s of wall time is 10 ticks.
    drill.advance(Duration::from_secs(1), 100);
    assert_eq!(drill.world().time_s(), 600);
    // Capped: asking for 100 ticks at most 5 gives 5 and drops the rest.
    drill.advance(Duration::from_secs(10), 5);
    assert_eq!(drill.world().time_s(), 900);
    drill.control(&Role::Controller, "导调", Control::Pause).unwrap();
    drill.advance(Duration::from_secs(1), 100);
    assert_eq!(drill.world().time_s(), 900);
    assert_eq!(drill.accepted(), 3, "controls are journaled too");
}

#[test]
fn adaptive_time_drops_to_decision_speed_when_a_report_arrives_and_speeds_up_once_acknowledged() {
    let dir = testkit::temp_dir("drill-adaptive");
    let setup = testkit::setup(&dir);
    let rec = testkit::record(&dir, &setup);
    let mut drill = Drill::new(setup, rec).unwrap();
    let spec = protocol::AdaptiveSpec { decision_speed: 60.0, fast_speed: 600.0, hold_min: 30.0 };
    assert!(matches!(
        drill.control(
            &Role::Controller,
            "导调",
            Control::Adaptive(Some(protocol::AdaptiveSpec { fast_speed: 0.0, ..spec.clone() }))
        ),
        Err(Refusal::BadSpeed { .. })
    ));
    drill.control(&Role::Controller, "导调", Control::Adaptive(Some(spec))).unwrap();
    drill.control(&Role::Controller, "导调", Control::Start).unwrap();
    assert_eq!(drill.speed(), 600.0, "nothing needs anyone yet: fast");
    // The test valley's flood is seen from Alpha and Beta in the first minute: the drill stops
    // fast-forwarding at once (one step, not the ten a wall second at 600× holds).
    drill.advance(Duration::from_secs(1), 100);
    assert_eq!(drill.world().time_s(), 60);
    assert_eq!(drill.speed(), 60.0);
    let waiting = drill.clock_state().adaptive.unwrap().waiting_for.unwrap();
    assert!(waiting.contains("hazard seen"), "{waiting}");
    // Both informants report; the reports wait for the command post's acknowledgement.
    for v in ["Alpha", "Beta"] {
        let from: Role = format!("informant:{v}").parse().unwrap();
        let report = Order::Report(sim::world::ReportForm::initial(v, sim::HazardKind::Flood, "水"));
        drill.order(&from, "李", report).unwrap();
    }
    drill.advance(Duration::from_secs(1), 100);
    assert_eq!(drill.world().time_s(), 120, "decision speed: one minute per wall second");
    let waiting = drill.clock_state().adaptive.unwrap().waiting_for.unwrap();
    assert!(waiting.contains("new report"), "{waiting}");
    let ids: Vec<u32> = drill
        .world()
        .events()
        .iter()
        .filter_map(|e| if let EventKind::ReportFiled { id, .. } = e.kind { Some(id) } else { None })
        .collect();
    for id in ids {
        drill.order(&Role::Command(None), "王", Order::Acknowledge { report: id }).unwrap();
    }
    // Answered: fast again, until Gamma sees the water at 5 minutes.
    drill.advance(Duration::from_secs(1), 100);
    assert_eq!(drill.world().time_s(), 300);
    assert_eq!(drill.speed(), 60.0);
    // The expected end follows the pace.
    assert!(drill.clock_state().wall_left_s.is_some_and(|w| w > 0.0));
}

#[test]
fn finishing_writes_the_report_and_meta() {
    let dir = testkit::temp_dir("drill-finish");
    let setup = testkit::setup(&dir);
    let rec = testkit::record(&dir, &setup);
    let mut drill = Drill::new(setup, rec).unwrap();
    while !drill.world().is_finished() {
        drill.step_once();
    }
    let f = drill.finish().unwrap();
    let rd = dir.join("record");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(rd.join(record::REPORT)).unwrap()).unwrap();
    assert_eq!(report["score"].as_f64(), Some(f.score));
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(rd.join(record::META)).unwrap()).unwrap();
    assert_eq!(meta["finished"], true);
    assert_eq!(meta["seed"], 7);
    assert_eq!(std::fs::read_to_string(rd.join(record::SCENARIO)).unwrap(), testkit::SCENARIO);
    let events = std::fs::read_to_string(rd.join(record::EVENTS)).unwrap();
    assert!(events.lines().count() >= 1);
    assert!(f.summary.contains("得分 Score"));
    // Ended: no more orders.
    assert_eq!(drill.order(&informant(), "p", Order::Warn { village: "Alpha".into() }), Err(Refusal::Ended));
}

#[test]
fn a_record_that_cannot_be_written_stops_the_drill_and_every_order_after_is_refused() {
    // The events file fails (a full disk): the first events stop the drill.
    let dir = testkit::temp_dir("drill-events-fail");
    let setup = testkit::setup(&dir);
    let mut rec = testkit::record(&dir, &setup);
    rec.set_events_writer(Box::new(FailingWriter));
    let mut drill = Drill::new(setup.clone(), rec).unwrap();
    drill.set_running(true);
    while drill.world().events().is_empty() {
        assert!(drill.step_once(), "the test drill has events");
    }
    drill.new_events();
    let failure = drill.record_failure().expect("the failed write is noticed").to_string();
    assert!(failure.contains(record::EVENTS) && failure.contains("disk full"), "{failure}");
    assert!(!drill.running() && drill.is_over(), "the clock stops");
    let t = drill.world().time_s();
    assert_eq!(drill.advance(Duration::from_secs(60), 100), 0);
    assert!(!drill.step_once());
    assert_eq!(drill.world().time_s(), t, "the drill never runs on without its record");
    let err = drill.order(&informant(), "p", Order::Warn { village: "Alpha".into() }).unwrap_err();
    assert!(matches!(&err, Refusal::RecordFailed { reason } if reason.contains(record::EVENTS)), "{err}");
    assert!(matches!(drill.control(&Role::Controller, "导调", Control::Start), Err(Refusal::RecordFailed { .. })));
    assert_eq!(drill.accepted(), 0);
    let err = drill.finish().unwrap_err().to_string();
    assert!(err.contains(record::EVENTS), "{err}");
    assert!(!dir.join("record").join(record::REPORT).exists(), "no report: the record stays resumable");

    // The journal fails: the order is refused, and so is everything after.
    let dir = testkit::temp_dir("drill-journal-fail");
    let rec = testkit::record_with(&dir, &setup, Journal::from_writer(Box::new(FailingWriter)));
    let mut drill = Drill::new(setup, rec).unwrap();
    drill.set_running(true);
    assert!(drill.order(&informant(), "p", Order::Warn { village: "Alpha".into() }).is_err());
    assert!(drill.record_failure().is_some_and(|f| f.contains(record::JOURNAL)));
    assert!(!drill.running());
    assert_eq!(drill.advance(Duration::from_secs(60), 100), 0);
    assert_eq!(drill.world().time_s(), 0);
}

#[test]
fn a_journal_on_a_full_disk_refuses_the_order_naming_the_file() {
    let dir = testkit::temp_dir("drill-dev-full");
    let setup = testkit::setup(&dir);
    let journal = Journal::open(std::path::Path::new("/dev/full")).unwrap();
    let rec = testkit::record_with(&dir, &setup, journal);
    let mut drill = Drill::new(setup, rec).unwrap();
    let err = drill.order(&informant(), "p", Order::Warn { village: "Alpha".into() }).unwrap_err();
    let Refusal::RecordFailed { reason } = &err else { panic!("{err}") };
    assert!(reason.contains("/dev/full") && reason.contains("No space left"), "{reason}");
    assert!(!drill.world().events().iter().any(|e| matches!(e.kind, EventKind::WarningIssued { .. })));
}
