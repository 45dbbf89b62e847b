//! Report discipline judged on hand-written records: every `DisciplineKind` found when it should
//! be, none for an honest, timely and complete informant and township, and each finding's
//! evidence pointing at the events (and journal lines) behind it.

use super::discipline::{false_reports, findings};
use super::{DisciplineKind, Finding, ScoreInput};
use crate::roles::Role;
use crate::scenario::{Scenario, parse_scenario};
use crate::world::{
    Event, EventKind, HazardKind, ReportClaim, ReportField, ReportStage, Trend, TruthAtReport, UpCounts,
};

const SCENARIO: &str = r#"(
    schema: 1,
    name: "报告纪律",
    map: "testmap",
    start: "2024-07-15 14:00",
    duration_h: 6,
    villages: [(name: "A", population: 100), (name: "B", population: 80)],
    roles: ["controller", "command", "county", "informant:*"],
    plan: (
        name: "预案",
        levels: [(level: IV, trigger: AtMinute(600))],
        actions: [
            (id: "r", name: "信息员10分钟内报告", who: "informant:*", what: Report, deadline_min: 10, after: HazardSeen),
            (id: "up", name: "30分钟内向县报告", who: "command", what: ReportUp, deadline_min: 30, after: Action("r")),
        ],
    ),
)"#;

fn scenario() -> Scenario {
    parse_scenario("t.ron", SCENARIO).expect("parses")
}

fn informant(v: &str) -> Role {
    Role::Informant(v.into())
}

fn ev(t_s: u32, kind: EventKind) -> Event {
    Event { t_s, kind }
}

fn seen(t_s: u32, v: &str) -> Event {
    ev(t_s, EventKind::HazardSeen { hazard: HazardKind::Flood, by: informant(v), village: v.into() })
}

/// An honest claim: what `truth()` says, every field filled.
fn claim(stage: ReportStage, follows: Option<u32>) -> ReportClaim {
    ReportClaim {
        hazard: HazardKind::Flood,
        stage,
        at: Some([1000.0, 1000.0]),
        severity: 2,
        people_at_risk: 100,
        casualties: 0,
        trapped: 0,
        trend: Trend::Rising,
        follows,
        fields: ReportField::ALL.to_vec(),
    }
}

fn truth() -> TruthAtReport {
    TruthAtReport {
        hazards_here: vec![HazardKind::Flood],
        distance_m: Some(150.0),
        severity: 2,
        people_at_risk: 100,
        casualties: 0,
        trapped: 0,
    }
}

/// `ReportFiled` and its `ReportTruth`, by the village's informant.
fn report(t_s: u32, id: u32, v: &str, claim: ReportClaim, truth: TruthAtReport) -> Vec<Event> {
    vec![
        ev(
            t_s,
            EventKind::ReportFiled {
                id,
                by: informant(v),
                village: v.into(),
                hazard: claim.hazard,
                stage: claim.stage,
            },
        ),
        ev(t_s, EventKind::ReportTruth { id, village: v.into(), township: None, claim, truth }),
    ]
}

fn up(t_s: u32, claim: UpCounts, told: UpCounts, truth: UpCounts) -> Vec<Event> {
    let by = Role::Command(None);
    vec![
        ev(t_s, EventKind::ReportedUp { by: by.clone(), stage: ReportStage::Initial }),
        ev(
            t_s,
            EventKind::ReportUpTruth {
                by,
                stage: ReportStage::Initial,
                villages: vec!["A".into(), "B".into()],
                claim,
                told,
                truth,
            },
        ),
    ]
}

fn judge_at(events: &[Event], at_s: u32, marks: &[(u32, u64)]) -> Vec<Finding> {
    let s = scenario();
    findings(&ScoreInput { scenario: &s, seed: 1, events, outcome: &[], at_s, journal_marks: marks })
}

fn kinds(f: &[Finding]) -> Vec<DisciplineKind> {
    f.iter().map(|f| f.kind).collect()
}

/// A at 0 s sees the flood, reports at 5 min, follows up at 50 and 100 min, ends at 140; the
/// post passes it up at 20 min with what it was told.
fn honest() -> Vec<Event> {
    let mut e = vec![ev(0, EventKind::DrillStarted), seen(0, "A")];
    e.extend(report(300, 1, "A", claim(ReportStage::Initial, None), truth()));
    e.extend(up(1200, UpCounts::default(), UpCounts::default(), UpCounts::default()));
    e.extend(report(3000, 2, "A", claim(ReportStage::FollowUp, Some(1)), truth()));
    e.extend(report(6000, 3, "A", claim(ReportStage::FollowUp, Some(1)), truth()));
    e.extend(report(8400, 4, "A", claim(ReportStage::Final, Some(1)), truth()));
    e
}

#[test]
fn an_honest_timely_complete_report_and_report_up_have_no_findings() {
    let events = honest();
    assert_eq!(judge_at(&events, 20_000, &[]), Vec::<Finding>::new());
    // Within tolerance: one severity step, people within half, a point within 1 km.
    let mut close = claim(ReportStage::Initial, None);
    close.severity = 3;
    close.people_at_risk = 140;
    let mut t = truth();
    t.distance_m = Some(900.0);
    let mut e = vec![seen(0, "A")];
    e.extend(report(300, 1, "A", close, t));
    e.extend(up(600, UpCounts::default(), UpCounts::default(), UpCounts::default()));
    assert_eq!(judge_at(&e, 3000, &[]), Vec::<Finding>::new());
}

#[test]
fn late_first_report_is_chilao() {
    let mut e = vec![seen(0, "A")];
    e.extend(report(1200, 1, "A", claim(ReportStage::Initial, None), truth()));
    e.extend(up(1300, UpCounts::default(), UpCounts::default(), UpCounts::default()));
    let f = judge_at(&e, 3000, &[]);
    assert_eq!(kinds(&f), vec![DisciplineKind::Late], "{f:?}");
    assert_eq!((f[0].who.as_str(), f[0].report, f[0].at_min), ("informant:A", Some(1), 20.0));
    assert!(f[0].text.zh.contains("迟") || f[0].text.zh.contains("超过时限"), "{:?}", f[0].text);
    // Evidence: the sighting and the report, by event index.
    let cited: Vec<Option<u32>> = f[0].evidence.iter().map(|x| x.event).collect();
    assert_eq!(cited, vec![Some(0), Some(1)]);
}

#[test]
fn a_village_that_saw_and_never_reported_is_loubao_once_the_deadline_passed() {
    let e = vec![seen(60, "B")];
    assert_eq!(judge_at(&e, 600, &[]), Vec::<Finding>::new(), "not yet due at 10 min");
    let f = judge_at(&e, 700, &[]);
    assert_eq!(kinds(&f), vec![DisciplineKind::Missed], "{f:?}");
    assert_eq!((f[0].who.as_str(), f[0].village.as_deref(), f[0].at_min), ("informant:B", Some("B"), 11.0));
}

#[test]
fn claims_the_truth_does_not_support_are_huangbao() {
    let judge_one = |c: ReportClaim, t: TruthAtReport, seen_first: bool| {
        let mut e = if seen_first { vec![seen(0, "A")] } else { Vec::new() };
        e.extend(report(300, 1, "A", c, t));
        e.extend(up(600, UpCounts::default(), UpCounts::default(), UpCounts::default()));
        judge_at(&e, 1000, &[])
    };
    // A hazard that is not there.
    let mut fire = claim(ReportStage::Initial, None);
    fire.hazard = HazardKind::Fire;
    let mut t = truth();
    t.severity = 0;
    let f = judge_one(fire, t, false);
    assert_eq!(kinds(&f), vec![DisciplineKind::False], "{f:?}");
    assert!(f[0].text.en.contains("no fire at A"), "{:?}", f[0].text);
    // A place 5 km off.
    let mut t = truth();
    t.distance_m = Some(5000.0);
    let f = judge_one(claim(ReportStage::Initial, None), t, true);
    assert_eq!(kinds(&f), vec![DisciplineKind::False], "{f:?}");
    assert!(f[0].text.en.contains("5000 m"), "{:?}", f[0].text);
    // Severity two steps above.
    let mut c = claim(ReportStage::Initial, None);
    c.severity = 4;
    let f = judge_one(c, truth(), true);
    assert_eq!(kinds(&f), vec![DisciplineKind::False], "{f:?}");
    // Three times the people at risk.
    let mut c = claim(ReportStage::Initial, None);
    c.people_at_risk = 300;
    let f = judge_one(c, truth(), true);
    assert_eq!(kinds(&f), vec![DisciplineKind::False], "{f:?}");
    assert!(f[0].text.zh.contains("受威胁人数 300"), "{:?}", f[0].text);
}

#[test]
fn understating_is_manbao_and_so_is_a_township_that_does_not_pass_it_up() {
    let mut t = truth();
    t.severity = 3;
    t.casualties = 4;
    t.trapped = 20;
    let mut c = claim(ReportStage::Initial, None);
    c.severity = 1;
    c.casualties = 0;
    c.trapped = 20;
    let mut e = vec![seen(0, "A")];
    e.extend(report(300, 1, "A", c, t));
    let told = UpCounts { casualties: 0, trapped: 20, evacuated: 0 };
    e.extend(up(600, UpCounts { casualties: 0, trapped: 5, evacuated: 0 }, told, told));
    let f = judge_at(&e, 1000, &[]);
    assert_eq!(kinds(&f), vec![DisciplineKind::Concealed, DisciplineKind::Concealed], "{f:?}");
    assert_eq!(f[0].who, "informant:A");
    assert!(f[0].text.zh.contains("伤亡人数 0，实际 4") && f[0].text.zh.contains("严重程度 1"), "{:?}", f[0].text);
    assert_eq!(f[1].who, "command");
    assert!(f[1].text.en.contains("5 trapped passed up, 20 reported"), "{:?}", f[1].text);
    // A township that never reports up what its informant told it, past the 30-minute limit.
    let mut e = vec![seen(0, "A")];
    e.extend(report(300, 1, "A", claim(ReportStage::Initial, None), truth()));
    assert_eq!(judge_at(&e, 2000, &[]), Vec::<Finding>::new(), "not yet due");
    let f = judge_at(&e, 2200, &[]);
    assert_eq!(kinds(&f), vec![DisciplineKind::Concealed], "{f:?}");
    assert_eq!((f[0].who.as_str(), f[0].report), ("command", Some(1)));
}

#[test]
fn a_first_report_without_its_fields_is_incomplete() {
    let mut c = claim(ReportStage::Initial, None);
    c.fields = vec![ReportField::Hazard, ReportField::People, ReportField::Trend, ReportField::Extent];
    let mut e = vec![seen(0, "A")];
    e.extend(report(300, 1, "A", c.clone(), truth()));
    e.extend(up(600, UpCounts::default(), UpCounts::default(), UpCounts::default()));
    let f = judge_at(&e, 1000, &[]);
    assert_eq!(kinds(&f), vec![DisciplineKind::Incomplete], "{f:?}");
    assert!(f[0].text.zh.contains("地点") && f[0].text.zh.contains("已采取措施"), "{:?}", f[0].text);
    // A 续报 is not held to the 初报's fields.
    let mut e = vec![seen(0, "A")];
    e.extend(report(300, 1, "A", claim(ReportStage::Initial, None), truth()));
    e.extend(report(400, 2, "A", ReportClaim { stage: ReportStage::FollowUp, follows: Some(1), ..c }, truth()));
    e.extend(up(600, UpCounts::default(), UpCounts::default(), UpCounts::default()));
    assert_eq!(judge_at(&e, 1000, &[]), Vec::<Finding>::new());
}

#[test]
fn follow_ups_are_due_every_hour_until_the_final_report() {
    let mut e = vec![seen(0, "A")];
    e.extend(report(300, 1, "A", claim(ReportStage::Initial, None), truth()));
    e.extend(up(600, UpCounts::default(), UpCounts::default(), UpCounts::default()));
    assert_eq!(judge_at(&e, 3900, &[]), Vec::<Finding>::new(), "due at 65 min");
    let f = judge_at(&e, 4000, &[]);
    assert_eq!(kinds(&f), vec![DisciplineKind::FollowUpOverdue], "{f:?}");
    assert_eq!((f[0].report, f[0].at_min), (Some(1), 65.0));
    // A follow-up 80 minutes later is overdue too; a final report ends the chain.
    let mut late = e.clone();
    late.extend(report(5100, 2, "A", claim(ReportStage::Final, Some(1)), truth()));
    let f = judge_at(&late, 20_000, &[]);
    assert_eq!(kinds(&f), vec![DisciplineKind::FollowUpOverdue], "{f:?}");
    assert_eq!(f[0].evidence.iter().filter_map(|x| x.event).count(), 2, "the last and the next report");
    // The township ending its response (终止) ends the chain as well.
    let mut ended = e.clone();
    ended.push(ev(2000, EventKind::ResponseEnded { by: Role::Command(None) }));
    assert_eq!(judge_at(&ended, 20_000, &[]), Vec::<Finding>::new());
}

/// A planted false report at B (id 1) at 10 min, then what the post does.
fn planted(then: Vec<EventKind>) -> Vec<Event> {
    let mut e = vec![
        ev(
            600,
            EventKind::ReportFiled {
                id: 1,
                by: Role::Controller,
                village: "B".into(),
                hazard: HazardKind::Landslide,
                stage: ReportStage::Initial,
            },
        ),
        ev(600, EventKind::FalseReportPlanted { id: 1, village: "B".into(), hazard: HazardKind::Landslide, inject: 0 }),
    ];
    let mut t = truth();
    t.hazards_here.clear();
    t.severity = 0;
    let c = ReportClaim { hazard: HazardKind::Landslide, ..claim(ReportStage::Initial, None) };
    e.push(ev(600, EventKind::ReportTruth { id: 1, village: "B".into(), township: None, claim: c, truth: t }));
    e.extend(then.into_iter().map(|k| ev(900, k)));
    e
}

#[test]
fn acting_on_a_planted_report_is_huangbao_and_without_a_check_unverified() {
    let post = Role::Command(None);
    let evacuate = EventKind::EvacuationOrdered { village: "B".into(), by: post.clone() };
    let verify = EventKind::VerifyAsked { id: 1, by: post.clone() };
    // Acted without a check: 谎报 (treated as true) and 未核实.
    let f = judge_at(&planted(vec![evacuate.clone()]), 1000, &[]);
    let mut k = kinds(&f);
    k.sort_by_key(|k| *k as u8);
    assert_eq!(k, vec![DisciplineKind::False, DisciplineKind::Unverified], "{f:?}");
    assert!(f.iter().all(|f| f.who == "command" && f.report == Some(1)));
    // Checked first but acted anyway: still treated as true.
    let f = judge_at(&planted(vec![verify.clone(), evacuate]), 1000, &[]);
    assert_eq!(kinds(&f), vec![DisciplineKind::False], "{f:?}");
    // Checked and did not act; or a level activated with no trigger met, on the false report alone.
    assert_eq!(judge_at(&planted(vec![verify]), 1000, &[]), Vec::<Finding>::new());
    let level = EventKind::LevelActivated { level: crate::scenario::Level::IV, by: post.clone() };
    let f = judge_at(&planted(vec![level]), 1000, &[]);
    assert_eq!(f.len(), 2, "{f:?}");
    // The informant of B is never blamed for the planted report (no 漏报, 谎报 or 初报 finding).
    assert!(f.iter().all(|f| f.who != "informant:B"));
}

#[test]
fn false_reports_lists_planted_ids_and_villages_with_nothing_else() {
    let s = scenario();
    let mut events = planted(Vec::new());
    let input = |events: &[Event]| {
        false_reports(&ScoreInput { scenario: &s, seed: 1, events, outcome: &[], at_s: 2000, journal_marks: &[] })
    };
    let got = input(&events);
    assert_eq!(got.reports.into_iter().collect::<Vec<_>>(), vec![1]);
    assert_eq!(got.villages.keys().cloned().collect::<Vec<_>>(), vec!["B".to_string()]);
    events.extend(report(1500, 2, "B", claim(ReportStage::Initial, None), truth()));
    assert!(input(&events).villages.is_empty());
}

#[test]
fn evidence_names_the_journal_line_of_the_command_behind_an_event() {
    let mut e = vec![seen(0, "A")];
    e.extend(report(1200, 1, "A", claim(ReportStage::Initial, None), truth()));
    e.extend(up(1300, UpCounts::default(), UpCounts::default(), UpCounts::default()));
    // The report (events 1, 2) came from journal line 7; the sighting from no command.
    let f = judge_at(&e, 3000, &[(1, 7), (3, 8)]);
    assert_eq!(kinds(&f), vec![DisciplineKind::Late]);
    let journal: Vec<Option<u64>> = f[0].evidence.iter().map(|x| x.journal).collect();
    assert_eq!(journal, vec![None, Some(7)]);
}

/// A team's sighting near a village is judged on what and where, never on the village's numbers
/// or the 初报's fields, which are the village informant's to give.
#[test]
fn a_teams_sighting_is_judged_on_what_and_where_only() {
    let by_team = |events: Vec<Event>| -> Vec<Event> {
        events
            .into_iter()
            .map(|mut e| {
                if let EventKind::ReportFiled { by, .. } = &mut e.kind {
                    *by = Role::Team("T".into());
                }
                e
            })
            .collect()
    };
    let bare = ReportClaim { severity: 1, people_at_risk: 0, fields: Vec::new(), ..claim(ReportStage::Initial, None) };
    let mut truthful = truth();
    truthful.people_at_risk = 620;
    truthful.severity = 3;
    let mut e = vec![ev(0, EventKind::DrillStarted), seen(0, "A")];
    e.extend(report(300, 1, "A", claim(ReportStage::Initial, None), truth()));
    e.extend(by_team(report(600, 2, "A", bare.clone(), truthful.clone())));
    let f = judge_at(&e, 900, &[]);
    assert!(f.iter().all(|f| f.report != Some(2)), "{f:#?}");
    // The same numbers from the village's own informant are 瞒报 and 初报要素不全.
    let mut own = vec![ev(0, EventKind::DrillStarted), seen(0, "A")];
    own.extend(report(300, 1, "A", bare.clone(), truthful.clone()));
    let k = kinds(&judge_at(&own, 900, &[]));
    assert!(k.contains(&DisciplineKind::Concealed) && k.contains(&DisciplineKind::Incomplete), "{k:?}");
    // A team claiming a hazard that is not there is still 谎报.
    let mut nothing = truth();
    nothing.hazards_here.clear();
    let mut wrong = vec![ev(0, EventKind::DrillStarted)];
    wrong.extend(by_team(report(600, 3, "B", ReportClaim { hazard: HazardKind::Fire, ..bare }, nothing)));
    let f = judge_at(&wrong, 900, &[]);
    assert!(f.iter().any(|f| f.kind == DisciplineKind::False && f.report == Some(3)), "{f:#?}");
}
