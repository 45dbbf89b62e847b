//! The world's weather is worked out once per tick: after a cloudburst, the flood, the fire, the
//! landslides, the plan's triggers and every view read the same numbers. Each model is checked
//! against a replica stepped by hand with `World::weather`.

use std::sync::Arc;

use crate::access;
use crate::hazard::fire::{Fire, FireWeather};
use crate::hazard::flood::Flood;
use crate::hazard::landslide::SlopePoint;
use crate::map::{LandCover, RoadClass, Xy};
use crate::roles::Role;
use crate::scenario::{Level, parse_scenario, resolve_place};
use crate::testkit::TestMap;
use crate::world::{Command, EventKind, HazardKind, Order, World};

const SCENARIO: &str = r#"
Scenario(
    schema: 1,
    name: "暴雨",
    map: "valley",
    start: "2026-07-01 06:00",
    duration_h: 3.0,
    tick_s: 300,
    weather: [(at_min: 0.0, rain_mm_per_h: 0.0, wind_m_per_s: 6.0, wind_from_deg: 180.0, humidity_percent: 30.0)],
    hazards: (
      flood: Some((runoff_fraction: 0.8)),
      fire: Some((ignitions: [(at_min: 10, at: Near(village: "Alt", east_m: 450.0, north_m: 0.0))])),
      landslide: (points: [
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
        .cover(LandCover::Grass)
        .road(RoadClass::Main, None, &road)
        .village("Baix", road[2])
        .village("Alt", road[6])
        .build();
    let scenario = parse_scenario("rain.ron", SCENARIO).expect("parses");
    let spec = scenario.hazards.landslide.as_ref().unwrap().points[0].clone();
    let pos = resolve_place(&spec.at, &map).unwrap();
    let mut replica = SlopePoint::from_spec(&spec, pos, map.settlement("Baix").unwrap().pos, &map.grid).unwrap();
    let villages: Vec<Xy> = ["Baix", "Alt"].iter().map(|v| map.settlement(v).unwrap().pos).collect();
    let mut flood = Flood::around(&map.grid, &villages, super::hazards::FLOOD_DOMAIN_MARGIN_M);
    let fire_spec = scenario.hazards.fire.clone().unwrap();
    let mut fire = Fire::new(&map.grid, &fire_spec, 1);
    let ignition = map.grid.cell_at(resolve_place(&fire_spec.ignitions[0].at, &map).unwrap()).unwrap();
    let mut w = World::new(Arc::new(scenario), Arc::new(map), 1).expect("world");
    let mut level_at = None;
    let mut rates = Vec::new();
    while !w.is_finished() {
        let start_s = w.time_s();
        let due: Vec<u32> = w
            .step()
            .iter()
            .filter_map(|e| if let EventKind::InjectDue { index } = e.kind { Some(index) } else { None })
            .collect();
        // The controller fires the scripted cloudburst when it comes due.
        for index in due {
            w.apply(&Command::new(Role::Controller, Order::FireInject { index })).expect("fired");
        }
        let weather = w.weather().clone();
        // The cloudburst runs from minute 30 for an hour on a dry, windy day.
        let burst = (1800..5400).contains(&start_s);
        assert_eq!(weather.rain_mm_per_h, if burst { 60.0 } else { 0.0 }, "tick from {start_s} s");
        rates.push(weather.rain_mm_per_h);
        // The views show that very weather.
        for role in [Role::Controller, Role::Command(None), Role::Informant("Alt".into())] {
            assert_eq!(access::view(&w, &role).weather, weather, "{role} at {} s", w.time_s());
        }
        // The flood took the same rain (no inflows here), the fire the same rain, wind and air.
        flood.step(300.0, weather.rain_mm_per_h, 0.8, &[]);
        assert_eq!(w.hazards.flood.as_ref().unwrap().model.depth_m, flood.depth_m, "flood at {} s", w.time_s());
        if w.time_s() == 600 {
            assert!(fire.ignite(ignition), "the ignition cell burns");
        }
        let fire_weather = FireWeather {
            wind_m_per_s: weather.wind_m_per_s,
            wind_from_deg: weather.wind_from_deg,
            humidity_percent: weather.humidity_percent,
            rain_mm_per_h: weather.rain_mm_per_h,
        };
        fire.step(&w.map.grid, 5.0, fire_weather);
        assert!(w.hazards.fire.as_ref().unwrap().model.state == fire.state, "fire at {} s", w.time_s());
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

/// Issue 10: a `RoadBlocked` inject about flooding was logged with `cause: Landslide`. The
/// inject now carries its cause; left out, it is debris (`Landslide`), as schema 1 files meant.
#[test]
fn a_road_blocked_inject_logs_its_own_cause() {
    let road: Vec<Xy> = (0..8).map(|i| [20.5 * 75.0, 150.0 + i as f64 * 375.0]).collect();
    let map = TestMap::valley()
        .size(41, 40)
        .cover(LandCover::Grass)
        .road(RoadClass::Main, None, &road)
        .village("Baix", road[1])
        .village("Alt", road[6])
        .build();
    let injects = r#"injects: [
        (at_min: 10, to: "controller", message: "道路积水", event: Some(RoadBlocked(Near(village: "Baix", east_m: 0, north_m: 375), Flood))),
        (at_min: 20, to: "controller", message: "塌方", event: Some(RoadBlocked(Near(village: "Alt", east_m: 0, north_m: 375)))),
    ],"#;
    let text = SCENARIO.replace(
        r#"injects: [
        (at_min: 30, to: "controller", message: "县气象台: 短时强降水", event: Some(Cloudburst(rain_mm_per_h: 60.0, for_min: 60.0))),
    ],"#,
        injects,
    );
    assert_ne!(text, SCENARIO, "the fixture's injects were replaced");
    let scenario = parse_scenario("blocks.ron", &text).expect("parses");
    let mut w = World::new(Arc::new(scenario), Arc::new(map), 1).expect("starts");
    while w.time_s() < 30 * 60 {
        let due: Vec<u32> = w
            .step()
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::InjectDue { index } => Some(index),
                _ => None,
            })
            .collect();
        for index in due {
            w.apply(&Command::new(Role::Controller, Order::FireInject { index })).expect("fired");
        }
    }
    let causes: Vec<HazardKind> = w
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RoadClosed { cause, .. } => Some(*cause),
            _ => None,
        })
        .collect();
    assert_eq!(causes, vec![HazardKind::Flood, HazardKind::Landslide]);
}
