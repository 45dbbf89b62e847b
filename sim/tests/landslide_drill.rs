//! A landslide drill on a small synthetic valley: rain crosses Caine's warning threshold, the
//! slope above a village shows signs, then fails; the debris buries the village and blocks the
//! road, and a village evacuated on the signs loses no one.

use std::sync::Arc;

use sim::map::{MapAsset, RoadClass, Xy};
use sim::scenario::parse_scenario;
use sim::testkit::TestMap;
use sim::{Command, EventKind, HazardKind, Order, Role, World};

/// The testkit's valley cut short and steep-sided (sides 4 m × cells²), with two villages and a
/// road on its floor.
fn valley_map() -> MapAsset {
    let road: Vec<Xy> = (0..8).map(|i| [20.5 * 75.0, 150.0 + i as f64 * 375.0]).collect();
    TestMap::valley()
        .size(41, 40)
        .sides(0.0, 4.0)
        .road(RoadClass::Main, None, &road)
        .village("Baix", road[2])
        .village("Alt", road[6])
        .build()
}

const SCENARIO: &str = r#"
Scenario(
    schema: 1,
    name: "谷地滑坡",
    map: "valley",
    start: "2026-07-01 06:00",
    duration_h: 18.0,
    weather: [(at_min: 0.0, rain_mm_per_h: 12.0)],
    hazards: (landslide: (points: [
        (name: "东坡隐患点", at: Near(village: "Baix", east_m: 600.0, north_m: 0.0), threatens: ["Baix"],
         volume_m3: 50000, slope_deg: 35, depth_m: 1.5, cohesion_kpa: 6, friction_deg: 32,
         unit_weight_kn_per_m3: 19.5, initial_water_table_ratio: 0.1),
    ])),
    villages: [(name: "Baix", population: 400, vulnerable: 30), (name: "Alt", population: 200)],
    shelters: [(name: "高地学校", at: Near(village: "Alt", east_m: 0.0, north_m: 300.0), capacity: 800)],
    roles: ["controller", "command", "informant:*"],
    plan: (
        name: "地质灾害预案",
        levels: [(level: IV, trigger: RainIntensityDuration())],
        actions: [(id: "report", name: "10 分钟内报告", who: "informant:*", what: Report, deadline_min: 10.0, after: HazardSeen)],
    ),
)
"#;

fn world() -> World {
    let scenario = parse_scenario("valley.ron", SCENARIO).expect("scenario parses");
    World::new(Arc::new(scenario), Arc::new(valley_map()), 7).expect("world builds")
}

fn first(w: &World, f: impl Fn(&EventKind) -> bool) -> Option<u32> {
    w.events().iter().find(|e| f(&e.kind)).map(|e| e.t_s)
}

#[test]
fn warning_then_signs_then_failure_that_buries_the_village_and_blocks_the_road() {
    let mut w = world();
    // What the informant below has heard: a view carries the last hour, the seat keeps the rest.
    let informant = Role::Informant("Baix".into());
    let mut heard = sim::access::view(&w, &informant);
    while !w.is_finished() {
        w.step();
        let mut view = sim::access::view(&w, &informant);
        view.merge_history(&heard);
        heard = view;
    }
    let warned = first(&w, |k| matches!(k, EventKind::LevelTriggered { .. })).expect("Caine threshold crossed");
    let signs = first(&w, |k| matches!(k, EventKind::SlopeSigns { .. })).expect("signs");
    let failed = first(&w, |k| matches!(k, EventKind::SlopeFailed { .. })).expect("failure");
    // 12 mm/h crosses I = 14.82 D^-0.39 at D ≈ 1.7 h; the slope needs hours to saturate.
    assert!((5_400..=7_200).contains(&warned), "warning at {warned} s");
    assert!(warned < signs && signs < failed, "warning {warned} s, signs {signs} s, failure {failed} s");
    let hit = w.events().iter().find_map(|e| match &e.kind {
        EventKind::VillageHit { village, hazard: HazardKind::Landslide, casualties, .. } => {
            Some((village.clone(), *casualties))
        }
        _ => None,
    });
    let (village, casualties) = hit.expect("debris reached a village");
    assert_eq!(village, "Baix");
    assert!(casualties > 0);
    assert!(
        first(&w, |k| matches!(k, EventKind::RoadClosed { cause: HazardKind::Landslide, .. })).is_some(),
        "debris blocks the road"
    );
    // The monitor's word reached the informant of the village below.
    assert!(heard.messages.iter().any(|m| m.text.contains("东坡隐患点") && m.text.contains("裂缝")));
}

#[test]
fn evacuating_on_the_signs_saves_everyone() {
    let mut w = world();
    while !w.is_finished() {
        let events = w.step().to_vec();
        if events.iter().any(|e| matches!(e.kind, EventKind::SlopeSigns { .. })) {
            w.apply(&Command::new(Role::Command(None), Order::Evacuate { village: "Baix".into(), shelter: None }))
                .unwrap();
        }
    }
    assert!(first(&w, |k| matches!(k, EventKind::SlopeFailed { .. })).is_some());
    let outcome = w.outcome();
    let baix = outcome.iter().find(|o| o.village == "Baix").expect("Baix");
    assert_eq!(baix.casualties, 0, "{baix:?}");
}
