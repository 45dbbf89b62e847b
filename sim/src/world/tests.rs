//! The world's weather is worked out once per tick: after a cloudburst, the landslides, the
//! plan's triggers and every view read the same rain.

use std::sync::Arc;

use crate::access;
use crate::hazard::landslide::SlopePoint;
use crate::map::{RoadClass, Xy};
use crate::roles::Role;
use crate::scenario::{Level, parse_scenario, resolve_place};
use crate::testkit::TestMap;
use crate::world::{EventKind, World};

const SCENARIO: &str = r#"
Scenario(
    schema: 1,
    name: "暴雨",
    map: "valley",
    start: "2026-07-01 06:00",
    duration_h: 3.0,
    tick_s: 300,
    weather: [(at_min: 0.0, rain_mm_per_h: 5.0)],
    hazards: (landslide: (points: [
        (name: "东坡", at: Near(village: "Baix", east_m: 600.0, north_m: 0.0), threatens: ["Baix"],
         slope_deg: 35, depth_m: 1.5, cohesion_kpa: 6, friction_deg: 32, initial_water_table_ratio: 0.1),
    ])),
    villages: [(name: "Baix", population: 100), (name: "Alt", population: 50)],
    roles: ["controller", "command", "informant:*"],
    plan: (
        name: "预案",
        levels: [(level: IV, trigger: RainOver(hours: 1, mm: 40))],
        actions: [(id: "r", name: "报告", who: "informant:*", what: Report, deadline_min: 10.0, after: HazardSeen)],
    ),
    injects: [
        (at_min: 30, to: "controller", message: "县气象台: 短时强降水", event: Some(Cloudburst(rain_mm_per_h: 60.0, for_min: 60.0))),
    ],
)
"#;

#[test]
fn a_cloudburst_reaches_the_slopes_the_triggers_and_the_views_alike() {
    let road: Vec<Xy> = (0..8).map(|i| [20.5 * 75.0, 150.0 + i as f64 * 375.0]).collect();
    let map = TestMap::valley()
        .size(41, 40)
        .road(RoadClass::Main, None, &road)
        .village("Baix", road[2])
        .village("Alt", road[6])
        .build();
    let scenario = parse_scenario("rain.ron", SCENARIO).expect("parses");
    let spec = scenario.hazards.landslide.as_ref().unwrap().points[0].clone();
    let pos = resolve_place(&spec.at, &map).unwrap();
    let mut replica = SlopePoint::from_spec(&spec, pos, map.settlement("Baix").unwrap().pos, &map.grid).unwrap();
    let mut w = World::new(Arc::new(scenario), Arc::new(map), 1).expect("world");
    let mut level_at = None;
    let mut rates = Vec::new();
    while !w.is_finished() {
        let start_s = w.time_s();
        w.step();
        let weather = w.weather().clone();
        // The cloudburst runs from minute 30 for an hour, on top of the 5 mm/h.
        let burst = (1800..5400).contains(&start_s);
        assert_eq!(weather.rain_mm_per_h, if burst { 65.0 } else { 5.0 }, "tick from {start_s} s");
        rates.push(weather.rain_mm_per_h);
        // The views show that very weather.
        for role in [Role::Controller, Role::Command(None), Role::Informant("Alt".into())] {
            assert_eq!(access::view(&w, &role).weather, weather, "{role} at {} s", w.time_s());
        }
        // The slope was wetted by the same rain.
        replica.step(weather.rain_mm_per_h, 300.0 / 3600.0);
        assert_eq!(w.hazards.slopes[0].point.factor_of_safety, replica.factor_of_safety);
        // The 1-hour total the trigger reads is the rain of the last twelve ticks.
        let last_hour: f64 = rates.iter().rev().take(12).map(|r| r * 300.0 / 3600.0).sum();
        assert!((weather.rain_over(1.0).unwrap() - last_hour).abs() < 1e-3, "{weather:?}");
        let triggered = w.events().iter().any(|e| matches!(e.kind, EventKind::LevelTriggered { level: Level::IV }));
        if triggered && level_at.is_none() {
            level_at = Some(w.time_s());
            assert!(last_hour >= 40.0, "triggered at {last_hour} mm");
        } else if !triggered {
            assert!(last_hour < 40.0, "{last_hour} mm in the last hour at {} s and no level", w.time_s());
        }
    }
    assert!(level_at.is_some(), "the cloudburst met the level IV trigger");
}
