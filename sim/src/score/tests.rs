//! Unit tests of the score on hand-written records: every verdict, the facts deadlines count
//! from, false reports, the late curve, evidence, response times, the form, the ratings and the
//! county comparison.

use std::collections::BTreeSet;

use super::*;
use crate::scenario::{GradeThresholds, Scenario, parse_scenario};
use crate::world::{HazardKind, ReportStage, SupportKind, Task};

const FLOOD: &str = include_str!("../../../scenarios/flood_valira.ron");
const COUNTY: &str = include_str!("../../../scenarios/county_valira_orient.ron");

fn scenario_file(name: &str, text: &str) -> Scenario {
    parse_scenario(name, text).unwrap_or_else(|e| panic!("{e:?}"))
}

/// A small scenario: villages A and B of one township, level IV on the first report, level II at
/// minute 60, and the given actions.
fn scenario(actions: &str) -> Scenario {
    let text = format!(
        r#"Scenario(schema: 1, name: "测试", map: "m", start: "2026-07-01 06:00", duration_h: 12,
    villages: [(name: "A", population: 100), (name: "B", population: 50)],
    roles: ["controller", "command", "informant:*"],
    plan: (name: "预案",
        levels: [(level: IV, trigger: FirstReport), (level: II, trigger: AtMinute(60))],
        actions: [{actions}]),
)"#
    );
    scenario_file("t.ron", &text)
}

fn ev(t_min: f64, kind: EventKind) -> Event {
    Event { t_s: (t_min * 60.0).round() as u32, kind }
}
fn cmd() -> Role {
    Role::Command(None)
}
fn seen(v: &str) -> EventKind {
    EventKind::HazardSeen { hazard: HazardKind::Flood, by: Role::Informant(v.into()), village: v.into() }
}
fn filed(id: u32, v: &str) -> EventKind {
    EventKind::ReportFiled {
        id,
        by: Role::Informant(v.into()),
        village: v.into(),
        hazard: HazardKind::Flood,
        stage: ReportStage::Initial,
    }
}
fn triggered(level: Level) -> EventKind {
    EventKind::LevelTriggered { level }
}
fn activated(level: Level, by: Role) -> EventKind {
    EventKind::LevelActivated { level, by }
}

fn outcome(villages: &[(&str, Option<&str>, bool)]) -> Vec<VillageOutcome> {
    villages
        .iter()
        .map(|(v, t, threatened)| VillageOutcome {
            village: v.to_string(),
            township: t.map(str::to_string),
            population: 100,
            threatened: *threatened,
            hit_by: Vec::new(),
            at_home: 100,
            in_shelter: 0,
            in_transit: 0,
            casualties: 0,
            trapped: 0,
        })
        .collect()
}

fn report(s: &Scenario, events: &[Event], out: &[VillageOutcome], at_min: f64) -> Report {
    score(&ScoreInput { scenario: s, seed: 1, events, outcome: out, at_s: (at_min * 60.0) as u32, journal_marks: &[] })
}

/// Scores the whole drill with reports judged false and findings given by hand.
fn part(
    s: &Scenario,
    events: &[Event],
    out: &[VillageOutcome],
    at_min: f64,
    false_reports: &FalseReports,
    findings: &[Finding],
) -> Part {
    let input =
        ScoreInput { scenario: s, seed: 1, events, outcome: out, at_s: (at_min * 60.0) as u32, journal_marks: &[] };
    score_scope(&input, false_reports, findings, &Scope::whole())
}

fn action<'a>(actions: &'a [ActionResult], id: &str) -> &'a ActionResult {
    actions.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("no action {id}"))
}

#[test]
fn every_verdict_on_one_record() {
    let s = scenario(
        r#"
        (id: "report", name: "报告", who: "informant:*", what: Report, deadline_min: 10, after: HazardSeen),
        (id: "level_iv", name: "Ⅳ级", who: "command", what: ActivateLevel(IV), deadline_min: 15, after: LevelTriggered(IV)),
        (id: "level_ii", name: "Ⅱ级", who: "command", what: ActivateLevel(II), deadline_min: 30, after: LevelTriggered(II)),
        (id: "evac_a", name: "转移A", who: "command", what: Evacuate(Some("A")), deadline_min: 30, after: LevelActivated(II)),
        (id: "dispatch", name: "派队", who: "command", what: Dispatch(None), deadline_min: 30, after: Action("evac_a")),
        (id: "end", name: "终止", who: "command", what: EndResponse, deadline_min: 30, after: LevelActivated(II)),
        (id: "hold", name: "管控", who: "command", what: HoldVillage, deadline_min: 600, after: Start),
        "#,
    );
    let events = vec![
        ev(0.0, EventKind::DrillStarted),
        ev(0.0, seen("A")),
        ev(5.0, filed(1, "A")),
        ev(60.0, triggered(Level::II)),
        ev(70.0, EventKind::TeamDispatched { team: "T".into(), village: "A".into(), task: Task::Evacuate, by: cmd() }),
        ev(80.0, EventKind::EvacuationOrdered { village: "A".into(), by: cmd() }),
        // Level II (and with it IV) 30 minutes after its deadline, before IV's trigger.
        ev(120.0, activated(Level::II, cmd())),
        ev(150.0, triggered(Level::IV)),
    ];
    let out = outcome(&[("A", None, true), ("B", None, false)]);
    let r = report(&s, &events, &out, 200.0);
    let st = |id| action(&r.actions, id).status;
    assert_eq!(st("report"), ActionStatus::OnTime);
    assert_eq!(action(&r.actions, "report").credit, 1.0);
    assert_eq!(st("level_ii"), ActionStatus::Late);
    assert!((action(&r.actions, "level_ii").credit - 0.5).abs() < 1e-9, "30 min late, half-life 30");
    // Activated before its trigger: early, and activating counts early.
    assert_eq!(st("level_iv"), ActionStatus::Early);
    assert_eq!(action(&r.actions, "level_iv").credit, 1.0);
    // Due from level II's trigger (60), not its late activation (120).
    assert_eq!(action(&r.actions, "evac_a").due_from_min, Some(60.0));
    assert_eq!(st("evac_a"), ActionStatus::OnTime);
    // Dispatched after the fact but before the evacuation it must follow.
    assert_eq!(st("dispatch"), ActionStatus::OutOfOrder);
    assert!((action(&r.actions, "dispatch").credit - 0.5).abs() < 1e-9);
    assert_eq!(action(&r.actions, "dispatch").deadline_min, 60.0, "30 + 30 along the chain");
    assert_eq!(st("end"), ActionStatus::Missing);
    assert_eq!(action(&r.actions, "end").credit, 0.0);
    // Its deadline (minute 600) has not come.
    assert_eq!(st("hold"), ActionStatus::NotDue);
    assert!(action(&r.actions, "hold").why.zh.contains("未到期"));
    // The not-due item leaves the form's denominator.
    let item = r
        .indicators
        .iter()
        .flat_map(|c| c.indicators.iter().flat_map(|i| i.items.iter()))
        .find(|i| i.id == "hold")
        .unwrap();
    assert!(!item.applicable);
    // Never OnTime for something done before its fact.
    assert!(r.actions.iter().all(|a| a.status != ActionStatus::OnTime || a.done_at_min >= a.due_from_min));
}

#[test]
fn early_reports_do_not_count_unless_the_scenario_says_so() {
    let plan = |early: &str| {
        scenario(&format!(
            r#"(id: "report", name: "报告", who: "informant:B", what: Report, deadline_min: 10, after: HazardSeen{early})"#
        ))
    };
    // B reports at minute 10, before it could see anything (minute 20), and never again.
    let events = vec![ev(0.0, EventKind::DrillStarted), ev(10.0, filed(1, "B")), ev(20.0, seen("B"))];
    let out = outcome(&[("A", None, false), ("B", None, true)]);
    let r = report(&plan(""), &events, &out, 60.0);
    let a = action(&r.actions, "report");
    assert_eq!(a.status, ActionStatus::Early);
    assert_eq!(a.credit, 0.0, "a report before the fact reports nothing");
    // Before its deadline passes, a redo may still come: not due yet.
    let r = report(&plan(""), &events, &out, 25.0);
    assert_eq!(action(&r.actions, "report").status, ActionStatus::NotDue);
    // Reported again after seeing: judged on the second report.
    let mut again = events.clone();
    again.push(ev(25.0, filed(2, "B")));
    let r = report(&plan(""), &again, &out, 60.0);
    assert_eq!(action(&r.actions, "report").status, ActionStatus::OnTime);
    // The scenario's rule wins.
    let r = report(&plan(", early: Some(Counts)"), &events, &out, 60.0);
    let a = action(&r.actions, "report");
    assert_eq!((a.status, a.credit), (ActionStatus::Early, 1.0));
}

#[test]
fn nobody_played_every_action_whose_fact_happened_is_missing() {
    let s = scenario_file("flood_valira.ron", FLOOD);
    let events = vec![
        ev(0.0, EventKind::DrillStarted),
        ev(40.0, seen("Santa Coloma")),
        ev(60.0, triggered(Level::IV)),
        ev(120.0, triggered(Level::III)),
        ev(180.0, triggered(Level::II)),
    ];
    let out = outcome(&[
        ("Santa Coloma", None, true),
        ("La Margineda", None, false),
        ("Aixovall", None, false),
        ("Sant Julià de Lòria", None, false),
    ]);
    let r = report(&s, &events, &out, 600.0);
    let missing: BTreeSet<&str> =
        r.actions.iter().filter(|a| a.status == ActionStatus::Missing).map(|a| a.id.as_str()).collect();
    let not_due: BTreeSet<&str> =
        r.actions.iter().filter(|a| a.status == ActionStatus::NotDue).map(|a| a.id.as_str()).collect();
    assert_eq!(
        missing,
        [
            "first_report",
            "level_iv",
            "warn_villages",
            "level_iii",
            "materials",
            "dispatch_team",
            "level_ii",
            "evacuate",
            "all_safe",
        ]
        .into_iter()
        .collect(),
        "{:#?}",
        r.actions
    );
    // Only what hangs on a report that never came, and a level never triggered.
    assert_eq!(
        not_due,
        ["acknowledge", "report_county", "follow_up", "final_report", "head_count", "hold_villages", "level_i"]
            .into_iter()
            .collect()
    );
    // A level nobody activated: what hangs on it is due from its trigger.
    assert_eq!(action(&r.actions, "evacuate").due_from_min, Some(180.0));
    assert_eq!(r.grade, Grade::Poor, "{}", r.score);
}

#[test]
fn a_townships_report_up_counts_from_its_own_first_report() {
    let s = scenario_file("county_valira_orient.ron", COUNTY);
    let canillo = Role::Command(Some("Canillo".into()));
    let encamp = Role::Command(Some("Encamp".into()));
    let events = vec![
        ev(0.0, EventKind::DrillStarted),
        ev(0.0, seen("Canillo")),
        ev(5.0, filed(1, "Canillo")),
        ev(8.0, EventKind::ReportAcknowledged { id: 1, by: canillo.clone() }),
        ev(10.0, EventKind::ReportedUp { by: canillo.clone(), stage: ReportStage::Initial }),
        ev(60.0, seen("Encamp")),
        ev(65.0, filed(2, "Encamp")),
        ev(68.0, EventKind::ReportAcknowledged { id: 2, by: encamp.clone() }),
        ev(75.0, EventKind::ReportedUp { by: encamp.clone(), stage: ReportStage::Initial }),
    ];
    let out = outcome(&[
        ("el Tarter", Some("Canillo"), false),
        ("Canillo", Some("Canillo"), true),
        ("les Bons", Some("Encamp"), false),
        ("Encamp", Some("Encamp"), true),
    ]);
    let r = report(&s, &events, &out, 120.0);
    let up = action(&r.actions, "encamp_report_up");
    assert_eq!(up.status, ActionStatus::OnTime, "{}", up.why.zh);
    assert_eq!(up.due_from_min, Some(65.0), "from Encamp's report, not Canillo's at minute 5");
    assert_eq!(action(&r.actions, "canillo_report_up").due_from_min, Some(5.0));
    // Each report acknowledged by its own township's post.
    assert_eq!(action(&r.actions, "acknowledge").status, ActionStatus::OnTime);
    // The county comparison: one result per township, each with its own actions.
    assert_eq!(r.townships.iter().map(|t| t.township.as_str()).collect::<Vec<_>>(), ["Canillo", "Encamp"]);
    let e = &r.townships[1];
    assert_eq!(e.response_times.hazard_seen_min, Some(60.0));
    assert_eq!(e.response_times.seen_to_reported_min, Some(5.0));
    assert_eq!(e.people_threatened, 100);
    assert!(e.on_time >= 3, "report, ack and report up: {e:?}");

    // Canillo acknowledging Encamp's report does not count for Encamp's.
    let mut wrong = events.clone();
    wrong[7] = ev(68.0, EventKind::ReportAcknowledged { id: 2, by: canillo });
    let r = report(&s, &wrong, &out, 120.0);
    assert_eq!(action(&r.actions, "acknowledge").status, ActionStatus::Missing);
}

#[test]
fn late_credit_falls_smoothly_with_the_delay() {
    let s = scenario_file("flood_valira.ron", FLOOD);
    let out = outcome(&[("Santa Coloma", None, false)]);
    let credit = |late_min: f64| {
        let events = vec![
            ev(0.0, EventKind::DrillStarted),
            ev(0.0, triggered(Level::IV)),
            // Deadline 30 minutes.
            ev(30.0 + late_min, activated(Level::IV, cmd())),
        ];
        let r = report(&s, &events, &out, 400.0);
        let a = action(&r.actions, "level_iv");
        assert_eq!(a.status, if late_min > 0.0 { ActionStatus::Late } else { ActionStatus::OnTime });
        a.credit
    };
    let (c0, c30, c60, c120) = (credit(0.0), credit(30.0), credit(60.0), credit(120.0));
    assert_eq!(c0, 1.0);
    assert!((c30 - 0.5).abs() < 1e-9);
    assert!(c60 < c30, "60 min late {c60} < 30 min late {c30}");
    assert!(c120 < c60, "120 min late {c120} < 60 min late {c60}");
    assert!(c120 > 0.0, "never quite zero");
    // A scenario's own curve.
    assert_eq!(plan::late_credit(10.0, 10.0), 0.5);
    assert!((plan::late_credit(20.0, 10.0) - 0.25).abs() < 1e-12);
}

#[test]
fn nothing_done_on_the_strength_of_a_false_report_counts() {
    let s = scenario(
        r#"
        (id: "report", name: "报告", who: "informant:*", what: Report, deadline_min: 10, after: HazardSeen),
        (id: "ack", name: "叫应", who: "command", what: Acknowledge, deadline_min: 10, after: Action("report")),
        (id: "up", name: "报县", who: "command", what: ReportUp, deadline_min: 20, after: Action("report")),
        (id: "level_iv", name: "Ⅳ级", who: "command", what: ActivateLevel(IV), deadline_min: 15, after: LevelTriggered(IV)),
        (id: "warn_a", name: "预警A", who: "command", what: Warn(Some("A")), deadline_min: 30, after: LevelActivated(IV)),
        "#,
    );
    let false_reports = FalseReports { reports: [1].into_iter().collect(), ..FalseReports::default() };
    // A false report from A at minute 0 meets level IV's trigger (the first report); the post
    // acknowledges it, reports up, activates IV and warns A. Nothing was true.
    let mut events = vec![
        ev(0.0, EventKind::DrillStarted),
        ev(0.0, filed(1, "A")),
        ev(0.0, triggered(Level::IV)),
        ev(2.0, EventKind::ReportAcknowledged { id: 1, by: cmd() }),
        ev(3.0, EventKind::ReportedUp { by: cmd(), stage: ReportStage::Initial }),
        ev(4.0, activated(Level::IV, cmd())),
        ev(5.0, EventKind::WarningIssued { village: "A".into(), by: cmd() }),
    ];
    let out = outcome(&[("A", None, false), ("B", None, false)]);
    let p = part(&s, &events, &out, 60.0, &false_reports, &[]);
    for a in &p.actions {
        assert!(!plan::counted(a) || a.credit == 0.0, "{} counted on a false report: {:?}", a.id, a.status);
        assert_ne!(a.status, ActionStatus::OnTime, "{}", a.id);
    }
    // Believed true, the same record scores every action.
    let believed = part(&s, &events, &out, 60.0, &FalseReports::default(), &[]);
    assert_eq!(action(&believed.actions, "level_iv").status, ActionStatus::OnTime);
    assert_eq!(action(&believed.actions, "ack").status, ActionStatus::OnTime);

    // Then B truly sees the flood and reports at minute 40: level IV counts from that true
    // report, and the activation made on the false one does not count.
    events.push(ev(38.0, seen("B")));
    events.push(ev(40.0, filed(2, "B")));
    let p = part(&s, &events, &out, 100.0, &false_reports, &[]);
    let iv = action(&p.actions, "level_iv");
    assert_eq!(iv.due_from_min, Some(40.0));
    assert_eq!(iv.status, ActionStatus::Missing, "{}", iv.why.zh);
    assert!(iv.why.zh.contains("不实"), "{}", iv.why.zh);
    assert_eq!(action(&p.actions, "report").status, ActionStatus::OnTime, "B's true report");
    // Report 2 was never acknowledged; acknowledging report 1 does not stand in for it.
    assert_eq!(action(&p.actions, "ack").status, ActionStatus::Missing);
    // Warning A before any true fact about A, after the false claim: does not count.
    assert_eq!(action(&p.actions, "warn_a").status, ActionStatus::Missing);
    // The report up made on the false report, before the first true one, does not count.
    assert_eq!(action(&p.actions, "up").due_from_min, Some(40.0));
    assert_eq!(action(&p.actions, "up").status, ActionStatus::Missing);
    assert!(p.score < believed.score, "{} vs {}", p.score, believed.score);
}

#[test]
fn evidence_cites_events_journal_lines_and_times() {
    let s = scenario(
        r#"(id: "level_ii", name: "Ⅱ级", who: "command", what: ActivateLevel(II), deadline_min: 15, after: LevelTriggered(II))"#,
    );
    let events = vec![
        ev(0.0, EventKind::DrillStarted),
        ev(35.0, triggered(Level::II)),
        ev(40.0, EventKind::InjectDue { index: 0 }),
        ev(75.0, activated(Level::II, cmd())),
    ];
    let out = outcome(&[("A", None, false)]);
    // Commands journaled as seq 7 (producing event 2... an InjectDue is the world's) and 9.
    let marks = [(2u32, 7u64), (3, 9)];
    let input =
        ScoreInput { scenario: &s, seed: 1, events: &events, outcome: &out, at_s: 100 * 60, journal_marks: &marks };
    let r = score(&input);
    let a = action(&r.actions, "level_ii");
    assert_eq!(a.status, ActionStatus::Late);
    assert!(a.why.zh.contains("迟 25 分钟"), "{}", a.why.zh);
    assert!(a.why.zh.contains("时限 15 分钟"), "{}", a.why.zh);
    assert!(a.why.zh.contains("Ⅱ级触发 35分起算"), "{}", a.why.zh);
    assert!(a.why.en.contains("25 min late"), "{}", a.why.en);
    let trig = a.evidence.iter().find(|e| e.event == Some(1)).expect("the trigger cited");
    assert_eq!((trig.t_s, trig.journal), (35 * 60, None), "the world's event has no journal line");
    let done = a.evidence.iter().find(|e| e.event == Some(3)).expect("the activation cited");
    assert_eq!((done.t_s, done.journal), (75 * 60, Some(9)));
    // The form's deduction cites the same evidence.
    let item = r
        .indicators
        .iter()
        .flat_map(|c| c.indicators.iter().flat_map(|i| i.items.iter()))
        .find(|i| i.id == "level_ii")
        .unwrap();
    assert_eq!(item.deductions.len(), 1);
    assert!(item.deductions[0].evidence.iter().any(|e| e.journal == Some(9)));
    // 25 minutes late with a half-life of 15 (the deadline): 10 × 0.5^(25/15).
    assert!((item.got - 3.15).abs() < 1e-9, "{}", item.got);
    // The journal of a command event is the latest mark at or before it.
    assert_eq!(journal_of(&input, 3), Some(9));
    assert_eq!(journal_of(&input, 2), None, "InjectDue is the world's");
    let none = ScoreInput { journal_marks: &[], ..input };
    assert_eq!(journal_of(&none, 3), None);
}

#[test]
fn response_times_count_only_command_decisions() {
    let s = scenario(
        r#"(id: "report", name: "报告", who: "informant:*", what: Report, deadline_min: 10, after: HazardSeen)"#,
    );
    let events = vec![
        ev(0.0, EventKind::DrillStarted),
        ev(10.0, seen("A")),
        // The informant moves their own village at once: not a decision of the post.
        ev(11.0, EventKind::EvacuationOrdered { village: "A".into(), by: Role::Informant("A".into()) }),
        ev(12.0, filed(1, "A")),
        ev(15.0, EventKind::ReportAcknowledged { id: 1, by: cmd() }),
        ev(20.0, EventKind::SupportRequested { id: 1, kind: SupportKind::Teams, by: cmd() }),
        // The command post decides 45 minutes after the sighting.
        ev(55.0, activated(Level::IV, cmd())),
        ev(100.0, EventKind::VillageEvacuated { village: "A".into(), people: 100 }),
    ];
    let out = outcome(&[("A", None, true), ("B", None, false)]);
    let r = report(&s, &events, &out, 120.0);
    let t = &r.response_times;
    assert_eq!(t.hazard_seen_min, Some(10.0));
    assert_eq!(t.seen_to_reported_min, Some(2.0));
    assert_eq!(t.reported_to_acknowledged_min, Some(3.0));
    assert_eq!(t.seen_to_decided_min, Some(45.0));
    assert_eq!(t.seen_to_people_safe_min, Some(90.0));
    // B threatened too and never emptied: people are not all safe.
    let mut more = events.clone();
    more.push(ev(110.0, seen("B")));
    let r = report(&s, &more, &out, 120.0);
    assert_eq!(r.response_times.seen_to_people_safe_min, None);
    // Before anything: nothing to measure.
    let r = report(&s, &events[..1], &out, 1.0);
    assert_eq!(r.response_times, ResponseTimes::default());
}

#[test]
fn the_form_scores_actions_findings_and_outcome_and_leaves_out_what_does_not_apply() {
    let mut s = scenario(
        r#"
        (id: "report", name: "报告", who: "informant:*", what: Report, deadline_min: 10, after: HazardSeen),
        (id: "level_ii", name: "Ⅱ级", who: "command", what: ActivateLevel(II), deadline_min: 30, after: LevelTriggered(II)),
        "#,
    );
    s.plan.indicators = Some(vec![
        crate::scenario::IndicatorSpec {
            category: Category::WarningAndReporting,
            id: "info".into(),
            label: "信息报告".into(),
            label_en: None,
            items: vec![
                crate::scenario::ItemSpec {
                    id: "r".into(),
                    label: "报告".into(),
                    label_en: None,
                    max: 20.0,
                    from: crate::scenario::ItemSource::Action("report".into()),
                },
                crate::scenario::ItemSpec {
                    id: "d".into(),
                    label: "无谎报".into(),
                    label_en: None,
                    max: 10.0,
                    from: crate::scenario::ItemSource::Discipline { kinds: vec![DisciplineKind::False], points: 4.0 },
                },
                crate::scenario::ItemSpec {
                    id: "na".into(),
                    label: "不适用".into(),
                    label_en: None,
                    max: 50.0,
                    from: crate::scenario::ItemSource::NotApplicable,
                },
            ],
        },
        crate::scenario::IndicatorSpec {
            category: Category::ActivationAndLevels,
            id: "levels".into(),
            label: "分级".into(),
            label_en: None,
            items: vec![crate::scenario::ItemSpec {
                id: "l".into(),
                label: "Ⅱ级".into(),
                label_en: None,
                max: 10.0,
                from: crate::scenario::ItemSource::Action("level_ii".into()),
            }],
        },
        crate::scenario::IndicatorSpec {
            category: Category::EvacuationAndShelter,
            id: "safe".into(),
            label: "安全".into(),
            label_en: None,
            items: vec![crate::scenario::ItemSpec {
                id: "o".into(),
                label: "无伤亡".into(),
                label_en: None,
                max: 10.0,
                from: crate::scenario::ItemSource::Outcome,
            }],
        },
    ]);
    let events = vec![ev(0.0, EventKind::DrillStarted), ev(0.0, seen("A")), ev(5.0, filed(1, "A"))];
    let mut out = outcome(&[("A", None, true)]);
    out[0].casualties = 25;
    let finding = |n: u32| Finding {
        kind: DisciplineKind::False,
        who: "informant:A".into(),
        village: Some("A".into()),
        report: Some(n),
        at_min: 5.0,
        text: Text::new("谎报", "false"),
        evidence: vec![Evidence { t_s: 300, event: Some(2), journal: None, note: Text::default() }],
    };
    let findings = [finding(1), finding(2), finding(3)];
    // Level II never triggered: its item leaves the denominator, like the 不适用 one.
    let p = part(&s, &events, &out, 30.0, &FalseReports::default(), &findings);
    let items: Vec<&ItemResult> =
        p.indicators.iter().flat_map(|c| c.indicators.iter().flat_map(|i| i.items.iter())).collect();
    let item = |id: &str| *items.iter().find(|i| i.id == id).unwrap();
    assert_eq!((item("r").got, item("r").applicable), (20.0, true));
    // Three findings of 4 points from 10: 4 + 4 + 2, each cited.
    assert_eq!(item("d").got, 0.0);
    assert_eq!(item("d").deductions.iter().map(|d| d.points).collect::<Vec<_>>(), [4.0, 4.0, 2.0]);
    assert!(item("d").deductions.iter().all(|d| d.evidence[0].event == Some(2)));
    assert!(!item("na").applicable);
    assert!(!item("l").applicable);
    assert_eq!(item("o").got, 7.5, "25 of 100 people hurt");
    // 100 × (20 + 0 + 7.5) / (20 + 10 + 10).
    assert_eq!(p.score, 68.8);
    assert_eq!(p.grade, Grade::Fair);
    assert_eq!(p.indicators.len(), 8, "every category listed");
    // Objectives only for the categories with applicable items.
    let cats: Vec<Category> = p.objectives.iter().map(|o| o.category).collect();
    assert_eq!(cats, [Category::WarningAndReporting, Category::EvacuationAndShelter]);
    assert_eq!(p.objectives[0].rating, Psmu::M, "2/3 of the points, something done");
    assert!(p.objectives[0].evidence.iter().any(|e| e.event == Some(2)));
}

#[test]
fn the_default_form_maps_every_action_to_a_category() {
    let s = scenario_file("county_valira_orient.ron", COUNTY);
    let tree = indicators::default_tree(&s);
    let cat_of = |id: &str| tree.iter().find(|i| i.items.iter().any(|it| it.id == id)).map(|i| i.category).unwrap();
    assert_eq!(cat_of("first_report"), Category::WarningAndReporting);
    assert_eq!(cat_of("canillo_report_up"), Category::WarningAndReporting);
    assert_eq!(cat_of("county_iv"), Category::ActivationAndLevels);
    assert_eq!(cat_of("county_boats"), Category::Liaison);
    assert_eq!(cat_of("canillo_evacuate"), Category::EvacuationAndShelter);
    assert_eq!(cat_of("discipline_unverified"), Category::CommandAndCoordination);
    assert_eq!(cat_of("people_safe"), Category::EvacuationAndShelter);
    let landslide = scenario_file("l.ron", include_str!("../../../scenarios/landslide_massana.ron"));
    let tree = indicators::default_tree(&landslide);
    let first = tree.iter().find(|i| i.items.iter().any(|it| it.id == "evacuate_on_signs")).unwrap();
    assert_eq!(first.category, Category::FirstResponse, "informants evacuating on signs");
    // Outcome worth its weight: 0.3 / 0.7 of the process points.
    let process: f64 = tree.iter().flat_map(|i| i.items.iter()).filter(|i| i.id != "people_safe").map(|i| i.max).sum();
    let outcome = tree.iter().flat_map(|i| i.items.iter()).find(|i| i.id == "people_safe").unwrap().max;
    assert!((outcome - process * 0.3 / 0.7).abs() < 0.1);
}

#[test]
fn grades_and_psmu_follow_the_documented_mapping() {
    let d = GradeThresholds::default();
    assert_eq!(rating::grade(90.0, &d), Grade::Excellent);
    assert_eq!(rating::grade(89.9, &d), Grade::Good);
    assert_eq!(rating::grade(75.0, &d), Grade::Good);
    assert_eq!(rating::grade(60.0, &d), Grade::Fair);
    assert_eq!(rating::grade(59.9, &d), Grade::Poor);
    let strict = GradeThresholds { excellent: 95.0, good: 85.0, fair: 70.0 };
    assert_eq!(rating::grade(90.0, &strict), Grade::Good);
    assert_eq!(rating::psmu(1.0, false, true), Psmu::P);
    assert_eq!(rating::psmu(0.95, true, true), Psmu::S, "a missing action caps at S");
    assert_eq!(rating::psmu(0.8, false, true), Psmu::S);
    assert_eq!(rating::psmu(0.5, false, true), Psmu::M);
    assert_eq!(rating::psmu(0.1, true, true), Psmu::M, "something done");
    assert_eq!(rating::psmu(0.0, true, false), Psmu::U);
}

#[test]
fn a_scenario_grade_threshold_is_used() {
    let mut s = scenario(
        r#"(id: "report", name: "报告", who: "informant:*", what: Report, deadline_min: 10, after: HazardSeen)"#,
    );
    let events = vec![ev(0.0, EventKind::DrillStarted), ev(0.0, seen("A")), ev(5.0, filed(1, "A"))];
    let out = outcome(&[("A", None, true)]);
    assert_eq!(report(&s, &events, &out, 30.0).grade, Grade::Excellent);
    s.plan.grades = Some(GradeThresholds { excellent: 100.1, good: 100.0, fair: 0.0 });
    let r = report(&s, &events, &out, 30.0);
    assert_eq!((r.score, r.grade), (100.0, Grade::Good));
    assert_eq!(r.objectives.iter().find(|o| o.category == Category::WarningAndReporting).unwrap().rating, Psmu::P);
}

#[test]
fn scoring_is_a_pure_function_of_the_record() {
    let s = scenario_file("flood_valira.ron", FLOOD);
    let events = vec![
        ev(0.0, EventKind::DrillStarted),
        ev(40.0, seen("Santa Coloma")),
        ev(45.0, filed(1, "Santa Coloma")),
        ev(47.0, EventKind::ReportAcknowledged { id: 1, by: cmd() }),
        ev(50.0, EventKind::ReportedUp { by: cmd(), stage: ReportStage::Initial }),
        ev(60.0, triggered(Level::IV)),
        ev(70.0, activated(Level::IV, cmd())),
        ev(75.0, EventKind::WarningIssued { village: "Santa Coloma".into(), by: cmd() }),
    ];
    let out = outcome(&[("Santa Coloma", None, true)]);
    let a = report(&s, &events, &out, 300.0);
    let b = report(&s, &events, &out, 300.0);
    assert_eq!(a, b);
    // Before the 续报 and the other steps the report makes due fall due, doing more scores more.
    assert!(report(&s, &events, &out, 80.0).score > report(&s, &events[..2], &out, 80.0).score);
}
