//! World-level tests of report truth and planted false reports: a fired `FalseReport` inject
//! files a report the command post sees as the informant's, its truth and its falseness reach
//! only the controller, the informant never hears of it, and a 核实 answers "false"; a real
//! report's truth is on the record and its 核实 answers "confirmed".

use std::sync::Arc;

use crate::access::{self, events_for};
use crate::roles::Role;
use crate::scenario::parse_scenario;
use crate::world::orders_tests::{SCENARIO, map, ok, role, run};
use crate::world::{EventKind, HazardKind, Order, ReportForm, ReportStage, World, WorldEvent};

const CELL: f64 = 75.0;

/// The fixture drill with one scripted false report: a flood at Alt (there is no flood).
fn drill_with_false_report() -> World {
    let injects = r#"injects: [(at_min: 10.0, to: "county", message: "县气象台: 注意强对流")]"#;
    assert!(SCENARIO.contains(injects));
    let planted = r#"injects: [(at_min: 5.0, to: "controller", message: "导调：虚假报告", event: Some(FalseReport(village: "Alt", hazard: Flood)))]"#;
    let scenario = parse_scenario("drill.ron", &SCENARIO.replace(injects, planted)).expect("parses");
    World::new(Arc::new(scenario), Arc::new(map()), 7).expect("world")
}

fn secret(k: &EventKind) -> bool {
    matches!(k, EventKind::ReportTruth { .. } | EventKind::FalseReportPlanted { .. } | EventKind::ReportUpTruth { .. })
}

#[test]
fn a_planted_false_report_reaches_the_post_as_the_informants_and_a_check_says_false() {
    let mut w = drill_with_false_report();
    let due = run(&mut w, 6);
    assert!(due.iter().any(|e| matches!(e, EventKind::InjectDue { index: 0 })), "{due:?}");
    ok(&mut w, "controller", Order::FireInject { index: 0 });
    // The command post of Alt's township sees a normal 初报 from Alt's informant.
    let post = access::view(&w, &role("command:East"));
    assert_eq!(post.reports.len(), 1, "{:?}", post.reports);
    let r = &post.reports[0];
    assert_eq!((r.by.clone(), r.village.as_str(), r.hazard), (role("informant:Alt"), "Alt", HazardKind::Flood));
    assert_eq!(r.form.stage, ReportStage::Initial);
    // The informant never filed it and is told nothing of it.
    let informant = role("informant:Alt");
    assert!(access::view(&w, &informant).reports.is_empty());
    assert!(events_for(&informant, w.events()).iter().all(|e| !matches!(e.kind, EventKind::ReportFiled { .. })));
    // Only the controller learns it is false, and what was true.
    for r in w.roles() {
        if r != Role::Controller {
            assert!(events_for(&r, w.events()).iter().all(|e| !secret(&e.kind)), "{r} was told a secret");
        }
    }
    let all = events_for(&Role::Controller, w.events());
    assert!(all.iter().any(|e| matches!(&e.kind, EventKind::FalseReportPlanted { id: 1, village, hazard: HazardKind::Flood, inject: 0 } if village == "Alt")));
    assert!(all.iter().any(|e| matches!(&e.kind, EventKind::ReportFiled { id: 1, by: Role::Controller, .. })));
    let truth = all.iter().find_map(|e| match &e.kind {
        EventKind::ReportTruth { id: 1, truth, township, .. } => Some((truth.clone(), township.clone())),
        _ => None,
    });
    let (truth, township) = truth.expect("the truth of report 1");
    assert_eq!((truth.severity, truth.distance_m, truth.hazards_here.is_empty()), (0, None, true));
    assert_eq!(township.as_deref(), Some("East"));
    // 核实: the answer comes back to the post: no such hazard. The informant is not asked.
    ok(&mut w, "command:East", Order::Verify { report: 1 });
    let heard = access::view(&w, &role("command:East")).messages;
    assert!(heard.iter().any(|m| m.text.contains("无此险情") && m.text.contains("is false")), "{heard:?}");
    assert!(!access::view(&w, &informant).messages.iter().any(|m| m.text.contains("核实")));
    assert!(w.events().iter().any(|e| matches!(e.kind, EventKind::VerifyAsked { id: 1, .. })));
}

#[test]
fn a_real_report_carries_its_truth_and_a_check_confirms_it() {
    let mut w = crate::world::orders_tests::drill();
    let at = [12.5 * CELL, 30.5 * CELL];
    let light = Order::Inject { to: Role::Controller, message: "山火".into(), event: Some(WorldEvent::Ignition(at)) };
    ok(&mut w, "controller", light);
    run(&mut w, 20);
    assert!(
        w.events().iter().any(
            |e| matches!(&e.kind, EventKind::HazardSeen { village, hazard: HazardKind::Fire, .. } if village == "Mig")
        ),
        "Mig sees the fire"
    );
    let mut form = ReportForm::initial("Mig", HazardKind::Fire, "山火");
    form.severity = 4;
    form.people_at_risk = 100;
    form.at = Some(at);
    ok(&mut w, "informant:Mig", Order::Report(form));
    let (claim, truth) = w
        .events()
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::ReportTruth { id: 1, claim, truth, .. } => Some((claim.clone(), truth.clone())),
            _ => None,
        })
        .expect("the truth of report 1");
    assert_eq!((claim.severity, claim.people_at_risk, claim.at), (4, 100, Some(at)));
    assert!(truth.hazards_here.contains(&HazardKind::Fire), "{truth:?}");
    assert!(truth.distance_m.is_some_and(|d| d < 300.0), "the point is on the fire: {truth:?}");
    assert!((1..=2).contains(&truth.severity), "seen, not in the village: {truth:?}");
    assert_eq!(truth.people_at_risk, 100, "everyone at home while the fire is in sight");
    // The informant sees its own report's filing; not the truth.
    let mine = events_for(&role("informant:Mig"), w.events());
    assert!(mine.iter().any(|e| matches!(e.kind, EventKind::ReportFiled { id: 1, .. })));
    assert!(mine.iter().all(|e| !secret(&e.kind)));
    ok(&mut w, "command:West", Order::Verify { report: 1 });
    let heard = access::view(&w, &role("command:West")).messages;
    assert!(heard.iter().any(|m| m.text.contains("属实") && m.text.contains("confirmed")), "{heard:?}");
    // A report up records the claim, what the villages told and the truth.
    let up =
        Order::ReportUp { stage: ReportStage::Initial, casualties: 0, trapped: 0, evacuated: 0, note: "山火".into() };
    ok(&mut w, "command:West", up);
    let up_truth = w.events().iter().find_map(|e| match &e.kind {
        EventKind::ReportUpTruth { by, villages, .. } => Some((by.clone(), villages.clone())),
        _ => None,
    });
    assert_eq!(up_truth, Some((role("command:West"), vec!["Baix".to_string(), "Mig".to_string()])));
}
