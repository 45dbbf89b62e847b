//! A whole drill on a small synthetic valley: the world steps, orders take effect, the score
//! reflects what was done, and the same inputs give the same drill bit for bit.

use std::sync::Arc;

use sim::map::{LandCover, MapAsset, RoadClass, Xy};
use sim::scenario::parse_scenario;
use sim::score::{ActionStatus, score_world};
use sim::testkit::TestMap;
use sim::view::HazardCellKind;
use sim::world::{ReportForm, ReportStage, Target};
use sim::{Command, EventKind, Order, Role, Task, World};

const CELL: f64 = 75.0;

/// The testkit's valley (running north–south, falling to the south) with a farmed floor, two
/// villages on it and a road along it.
fn valley_map() -> MapAsset {
    let road: Vec<Xy> = (0..12).map(|i| [20.5 * CELL + 40.0, 300.0 + i as f64 * 750.0]).collect();
    TestMap::valley()
        .floor_cover(LandCover::Farmland, 2)
        .road(RoadClass::Main, Some("CG-1"), &road)
        .township("Vall", [0.0, 0.0], [41.0 * CELL, 120.0 * CELL])
        .village("Baix", road[2])
        .village("Alt", road[9])
        .build()
}

const SCENARIO: &str = r#"
Scenario(
    schema: 1,
    name: "谷地洪水",
    map: "valley",
    start: "2026-07-01 06:00",
    duration_h: 6.0,
    weather: [(at_min: 0.0, rain_mm_per_h: 30.0), (at_min: 180.0, rain_mm_per_h: 2.0)],
    hazards: (flood: Some((
        inflows: [(name: "上游", at: Near(village: "Alt", east_m: 0.0, north_m: 1500.0),
                   hydrograph: [(at_min: 0.0, m3_per_s: 20.0), (at_min: 60.0, m3_per_s: 900.0), (at_min: 300.0, m3_per_s: 100.0)])],
        gauges: [(name: "Baix 水位站", at: Village("Baix"), alert_m: 1.0, warning_m: 2.0, guaranteed_m: 3.0)],
    ))),
    villages: [(name: "Baix", population: 400, vulnerable: 30), (name: "Alt", population: 200)],
    shelters: [(name: "高地学校", at: Near(village: "Baix", east_m: 1200.0, north_m: 0.0), capacity: 800)],
    teams: [(name: "乡镇救援队", kind: Township, size: 30, base: Village("Alt"), township: Some("Vall"))],
    roles: ["controller", "command", "informant:*", "team:*"],
    plan: (
        name: "防汛预案",
        levels: [(level: IV, trigger: RainOver(hours: 1.0, mm: 25.0))],
        actions: [
            (id: "report", name: "10 分钟内报告", who: "informant:*", what: Report, deadline_min: 10.0, after: HazardSeen),
            (id: "ack", name: "叫应", who: "command", what: Acknowledge, deadline_min: 5.0, after: Action("report")),
            (id: "level", name: "启动 IV 级", who: "command", what: ActivateLevel(IV), deadline_min: 30.0, after: LevelTriggered(IV)),
            (id: "evacuate", name: "转移", who: "command", what: Evacuate(Some("Baix")), deadline_min: 30.0, after: HazardSeen),
        ],
    ),
)
"#;

fn world(seed: u64) -> World {
    let scenario = parse_scenario("valley.ron", SCENARIO).expect("scenario parses");
    World::new(Arc::new(scenario), Arc::new(valley_map()), seed).expect("world builds")
}

/// Plays the drill; `respond` decides whether the command post does its job.
fn play(seed: u64, respond: bool) -> World {
    let mut w = world(seed);
    let command = Role::Command(None);
    // Every village that sees the flood reports; the post acknowledges each report.
    let mut reported: Vec<String> = Vec::new();
    while !w.is_finished() {
        let events = w.step().to_vec();
        if !respond {
            continue;
        }
        for e in events {
            match e.kind {
                EventKind::HazardSeen { village, .. } if !reported.contains(&village) => {
                    reported.push(village.clone());
                    let order = Order::Report(ReportForm::initial(&village, sim::HazardKind::Flood, "河水漫滩"));
                    w.apply(&Command { from: Role::Informant(village), by: String::new(), order }).unwrap();
                    w.apply(&Command {
                        from: command.clone(),
                        by: String::new(),
                        order: Order::Acknowledge { report: reported.len() as u32 },
                    })
                    .unwrap();
                    if reported.len() > 1 {
                        continue;
                    }
                    for village in ["Baix", "Alt"] {
                        w.apply(&Command {
                            from: command.clone(),
                            by: String::new(),
                            order: Order::Evacuate { village: village.into(), shelter: None },
                        })
                        .unwrap();
                    }
                    let dispatch = Order::Dispatch {
                        team: "乡镇救援队".into(),
                        task: Task::Evacuate,
                        target: Target::Village("Baix".into()),
                    };
                    w.apply(&Command { from: command.clone(), by: String::new(), order: dispatch }).unwrap();
                }
                EventKind::LevelTriggered { level } => {
                    w.apply(&Command {
                        from: command.clone(),
                        by: String::new(),
                        order: Order::ActivateLevel { level },
                    })
                    .unwrap();
                }
                _ => {}
            }
        }
    }
    w
}

#[test]
fn the_flood_rises_is_seen_and_a_prompt_response_saves_people() {
    let w = play(7, true);
    let ev = w.events();
    assert!(ev.iter().any(|e| matches!(e.kind, EventKind::HazardSeen { .. })), "nobody saw the flood");
    assert!(ev.iter().any(|e| matches!(e.kind, EventKind::GaugeStage { .. })), "the gauge never rose");
    assert!(
        ev.iter().any(|e| matches!(&e.kind, EventKind::TeamArrived { village, .. } if village == "Baix")),
        "team never arrived"
    );
    assert!(
        ev.iter().any(|e| matches!(&e.kind, EventKind::VillageEvacuated { village, .. } if village == "Baix")),
        "Baix never emptied"
    );
    let report = score_world(&w);
    let status = |id: &str| report.actions.iter().find(|a| a.id == id).unwrap().status;
    assert_eq!(status("report"), ActionStatus::OnTime);
    assert_eq!(status("ack"), ActionStatus::OnTime);
    assert_eq!(status("level"), ActionStatus::OnTime);

    let idle = play(7, false);
    let idle_report = score_world(&idle);
    assert!(idle_report.actions.iter().any(|a| a.status == ActionStatus::Missing));
    assert!(report.score > idle_report.score + 20.0, "response {} vs none {}", report.score, idle_report.score);
}

#[test]
fn same_seed_and_orders_give_the_same_drill_bit_for_bit() {
    let (a, b) = (play(11, true), play(11, true));
    assert_eq!(a.events(), b.events());
    assert_eq!(a.state_hash(), b.state_hash());
}

#[test]
fn orders_from_the_wrong_role_are_refused_and_logged() {
    let mut w = world(1);
    let informant = Role::Informant("Baix".into());
    let events_before = w.events().len();
    let err = w.apply(&Command {
        from: informant.clone(),
        by: String::new(),
        order: Order::ActivateLevel { level: sim::scenario::Level::I },
    });
    assert_eq!(err.map_err(|r| r.code()), Err("not_allowed"));
    let err = w.apply(&Command {
        from: informant,
        by: String::new(),
        order: Order::Evacuate { village: "Alt".into(), shelter: None },
    });
    assert_eq!(err.map_err(|r| r.code()), Err("not_your_village"), "an informant evacuates only its own village");
    let err = w.apply(&Command {
        from: Role::County,
        by: String::new(),
        order: Order::ReportUp {
            stage: ReportStage::Initial,
            casualties: 0,
            trapped: 0,
            evacuated: 0,
            note: String::new(),
        },
    });
    assert_eq!(err.map_err(|r| r.code()), Err("unknown_role"), "no county in this drill");
    assert_eq!(w.events().len(), events_before, "a refused order changes nothing in the world");
}

#[test]
fn views_are_filtered_by_role() {
    let mut w = world(3);
    for _ in 0..180 {
        w.step();
    }
    let all = sim::access::view(&w, &Role::Controller);
    let command = sim::access::view(&w, &Role::Command(None));
    let informant = sim::access::view(&w, &Role::Informant("Alt".into()));
    assert!(!all.hazard.is_empty());
    // Nothing was reported: the command post sees only what its team sees, and no reports.
    assert!(command.hazard.len() < all.hazard.len());
    assert!(command.reports.is_empty());
    assert!(informant.hazard.len() < all.hazard.len());
    assert!(informant.villages.iter().find(|v| v.name == "Baix").unwrap().at_home.is_none());
    assert!(informant.villages.iter().find(|v| v.name == "Alt").unwrap().at_home.is_some());
}

#[test]
fn a_team_sets_up_a_pump_that_takes_water_out_of_the_flood() {
    let run = |task: Task| {
        let mut w = world(4);
        let order = Order::Dispatch { team: "乡镇救援队".into(), task, target: Target::Village("Baix".into()) };
        w.apply(&Command { from: Role::Command(None), by: String::new(), order }).unwrap();
        while !w.is_finished() {
            w.step();
        }
        w
    };
    let pumped = run(Task::Pump);
    assert!(pumped.events().iter().any(|e| matches!(&e.kind, EventKind::TeamTaskDone { task: Task::Pump, .. })));
    assert!(pumped.pumped_m3() > 1000.0, "pumped {} m³", pumped.pumped_m3());
    assert_eq!(run(Task::Evacuate).pumped_m3(), 0.0);
}

#[test]
fn a_sandbag_line_drawn_across_the_floor_raises_its_cells_by_the_bagged_height() {
    let mut w = world(5);
    // Across the floor 100 m above Baix: 7 cells, 525 m of line.
    let baix = w.map().settlement("Baix").unwrap().pos;
    let path = vec![[17.0 * CELL, baix[1] + 100.0], [24.0 * CELL, baix[1] + 100.0]];
    let order =
        Order::Dispatch { team: "乡镇救援队".into(), task: Task::Sandbag, target: Target::Path(path.clone()) };
    w.apply(&Command::new(Role::Command(None), order)).unwrap();
    let mut done = false;
    while !w.is_finished() && !done {
        done = w.step().iter().any(|e| matches!(e.kind, EventKind::TeamTaskDone { task: Task::Sandbag, .. }));
    }
    assert!(done, "the line was built");
    let view = sim::access::view(&w, &Role::Controller);
    let grid = &w.map().grid;
    let row = grid.cell_at(path[0]).unwrap() / grid.cols;
    let barrier: Vec<u16> = (17..24)
        .map(|col| {
            let c = (row * grid.cols + col) as u32;
            view.hazard.iter().find(|h| h.cell == c && h.kind == HazardCellKind::Barrier).map_or(0, |h| h.amount)
        })
        .collect();
    // 0.3 m: the height the 20 bags a metre are for.
    assert_eq!(barrier, vec![30; 7], "row {row}");
}
