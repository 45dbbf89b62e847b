//! A hand-made review input with every field of the report filled (indicators with a 不适用 item
//! and deductions, every action status, every discipline kind, P/S/M/U, two townships, a map
//! moment) and names that try to inject markup, so the rendering test exercises every section.

use std::collections::BTreeMap;

use sim::score::*;
use sim::view::HazardCellKind;
use sim::{Event, EventKind, HazardKind, Role};

use super::{MapMoment, MapPicture, MapVillage, ReviewInput, ReviewMeta, VillageMark};

pub const EVIL: &str = "<script>alert('x')</script>";

fn ev(t_s: u32, event: Option<u32>, journal: Option<u64>, zh: &str, en: &str) -> Evidence {
    Evidence { t_s, event, journal, note: Text::new(zh, en) }
}

fn action(id: &str, status: ActionStatus, done: Option<f64>, credit: f64) -> ActionResult {
    ActionResult {
        id: id.into(),
        name: format!("动作 {id} {EVIL}"),
        who: if id == "a1" { "informant:Alpha".into() } else { "command:T1".into() },
        status,
        due_from_min: Some(10.0),
        deadline_min: 30.0,
        done_at_min: done,
        done_by: done.map(|_| "command:T1".into()),
        credit,
        why: Text::new("理由", "why"),
        evidence: vec![ev(600, Some(3), Some(2), "证据", "evidence")],
    }
}

pub fn report() -> Report {
    let statuses = [
        (ActionStatus::OnTime, Some(20.0), 1.0),
        (ActionStatus::Late, Some(70.0), 0.4),
        (ActionStatus::Missing, None, 0.0),
        (ActionStatus::OutOfOrder, Some(15.0), 0.0),
        (ActionStatus::Early, Some(5.0), 1.0),
        (ActionStatus::NotDue, None, 0.0),
    ];
    let actions = statuses.iter().enumerate().map(|(i, (s, d, c))| action(&format!("a{i}"), *s, *d, *c)).collect();
    let findings = DisciplineKind::ALL
        .iter()
        .enumerate()
        .map(|(i, k)| Finding {
            kind: *k,
            who: "informant:Alpha".into(),
            village: Some("Alpha".into()),
            report: Some(i as u32),
            at_min: 12.0 + i as f64,
            text: Text::new(format!("说明 {EVIL}"), "what happened"),
            evidence: vec![ev(720, Some(5), None, "报告", "report")],
        })
        .collect();
    let item = |id: &str, applicable: bool, got: f64| ItemResult {
        id: id.into(),
        label: Text::new(format!("评分项 {id}"), format!("item {id}")),
        max: 10.0,
        got,
        applicable,
        deductions: if got < 10.0 && applicable {
            vec![Deduction {
                points: 10.0 - got,
                reason: Text::new("扣分", "deducted"),
                evidence: vec![ev(900, Some(7), Some(4), "", "")],
            }]
        } else {
            Vec::new()
        },
    };
    let indicators = Category::ALL
        .iter()
        .map(|c| CategoryResult {
            category: *c,
            label: c.label(),
            max: 20.0,
            got: 14.0,
            indicators: vec![IndicatorResult {
                id: "i1".into(),
                label: Text::new("指标", "indicator"),
                items: vec![item("x1", true, 6.0), item("x2", true, 10.0), item("x3", false, 0.0)],
            }],
        })
        .collect();
    let objectives = [Psmu::P, Psmu::S, Psmu::M, Psmu::U]
        .iter()
        .zip(Category::ALL)
        .map(|(p, c)| ObjectiveRating {
            category: c,
            label: c.label(),
            rating: *p,
            share: 0.7,
            reasons: vec![Text::new("原因", "reason")],
            evidence: vec![ev(300, Some(1), None, "看到", "seen")],
        })
        .collect();
    let times = ResponseTimes {
        hazard_seen_min: Some(5.0),
        seen_to_reported_min: Some(3.0),
        reported_to_acknowledged_min: Some(2.0),
        seen_to_decided_min: Some(11.0),
        seen_to_people_safe_min: None,
    };
    let township = |name: &str, score: f64, grade| TownshipResult {
        township: name.into(),
        score,
        grade,
        on_time: 3,
        late: 1,
        missing: 1,
        findings: 2,
        response_times: times.clone(),
        casualties: 1,
        people_threatened: 200,
        people_safe: 180,
    };
    Report {
        schema: REPORT_SCHEMA,
        scenario: format!("测试 {EVIL}"),
        seed: 7,
        at_min: 120.0,
        duration_min: 120.0,
        score: 71.5,
        grade: Grade::Fair,
        adherence: 0.8,
        timeliness: 0.6,
        outcome: 0.9,
        actions,
        findings,
        indicators,
        objectives,
        response_times: times.clone(),
        townships: vec![township("T1", 71.5, Grade::Fair), township("T2 <b>", 92.0, Grade::Excellent)],
        villages: vec![VillageOutcome {
            village: "Alpha".into(),
            population: 120,
            threatened: true,
            hit_by: vec![HazardKind::Flood],
            at_home: 10,
            in_shelter: 100,
            in_transit: 10,
            casualties: 1,
            trapped: 2,
            township: Some("T1".into()),
        }],
        casualties: 1,
        trapped: 2,
        people_threatened: 200,
        people_safe: 180,
        orders_refused: 3,
    }
}

pub fn input() -> ReviewInput {
    let e = |t_s, kind| Event { t_s, kind };
    let events = vec![
        e(0, EventKind::DrillStarted),
        e(60, EventKind::HazardStarted { hazard: HazardKind::Flood, near: "Alpha".into() }),
        e(
            300,
            EventKind::HazardSeen {
                hazard: HazardKind::Flood,
                by: Role::Informant("Alpha".into()),
                village: "Alpha".into(),
            },
        ),
        e(
            480,
            EventKind::ReportFiled {
                id: 1,
                by: Role::Informant("Alpha".into()),
                village: "Alpha".into(),
                hazard: HazardKind::Flood,
                stage: sim::world::orders::ReportStage::Initial,
            },
        ),
        e(600, EventKind::LevelTriggered { level: sim::scenario::Level::IV }),
        e(900, EventKind::WarningIssued { village: "Alpha".into(), by: Role::Command(None) }),
        e(
            3000,
            EventKind::VillageHit { village: "Alpha".into(), hazard: HazardKind::Flood, casualties: 1, trapped: 2 },
        ),
        e(7200, EventKind::DrillEnded),
    ];
    let picture = MapPicture {
        width_m: 3000.0,
        height_m: 1800.0,
        township_rings: vec![vec![[0.0, 0.0], [3000.0, 0.0], [3000.0, 1800.0], [0.0, 1800.0]]],
        roads: vec![(true, vec![[600.0, 937.5], [1400.0, 937.5]]), (false, vec![[1400.0, 937.5], [1400.0, 1500.0]])],
        waterways: vec![vec![[0.0, 900.0], [3000.0, 900.0]]],
        hazard: vec![([0.0, 825.0], 150.0, HazardCellKind::Water), ([150.0, 825.0], 150.0, HazardCellKind::Barrier)],
        villages: vec![
            MapVillage { name: EVIL.into(), pos: [600.0, 937.5], mark: VillageMark::Hit },
            MapVillage { name: "Beta".into(), pos: [1400.0, 937.5], mark: VillageMark::Evacuating },
        ],
        teams: vec![("T1 队".into(), [1400.0, 1000.0])],
    };
    ReviewInput {
        record_name: "fixture-record".into(),
        report: report(),
        meta: ReviewMeta {
            scenario_file: "scenarios/x.ron".into(),
            scenario_name: "测试".into(),
            map: "testvalley".into(),
            seed: 7,
            protocol: "4".into(),
            server_version: "0.1.0".into(),
            mode: "serve".into(),
            started_utc: "2025-06-01T08:30:00Z".into(),
            ended_utc: Some("2025-06-01T10:30:00Z".into()),
            end_t_s: Some(7200),
            finished: true,
            players: vec![("command".into(), EVIL.into()), ("informant:Alpha".into(), "bot".into())],
            resumed: Vec::new(),
        },
        title: Text::new("测试河谷洪水", "Test valley flood"),
        drill_start: "2024-07-01 06:00".into(),
        townships: vec!["T1".into(), "T2 <b>".into()],
        village_townships: BTreeMap::from([("Alpha".to_string(), "T1".to_string())]),
        events,
        moments: vec![MapMoment { label: Text::new("首个村庄受灾", "first village hit"), t_s: 3000, picture }],
        rebuilt: false,
    }
}
