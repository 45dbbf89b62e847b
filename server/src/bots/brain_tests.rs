//! Brain tests on hand-made views of the test valley.

use std::sync::Arc;

use sim::access::orders_for;
use sim::view::{HazardCell, HazardCellKind, ReportView, RoleView, TeamState, TeamView, VillageView};
use sim::weather::Weather;
use sim::world::{ReportForm, Target};
use sim::{HazardKind, Order, Role};

use super::{Brain, Grid};
use crate::testkit;

const GRID: Grid = Grid { cols: 40, cell_size_m: 75.0 };

/// A bot with the briefing its seat gets in the test valley's drill.
fn brain(role: &str) -> Brain {
    let setup = testkit::setup(&testkit::temp_dir("brain"));
    let world = sim::World::new(setup.scenario.clone(), setup.map.clone(), setup.seed).unwrap();
    let role: Role = role.parse().unwrap();
    let briefing = sim::access::briefing(&world, &role);
    Brain::new(role, Arc::new(briefing), GRID)
}

fn village(name: &str, x: f64) -> VillageView {
    VillageView {
        name: name.into(),
        name_zh: None,
        pos: [x, 937.5],
        township: Some("T1".into()),
        shelter: None,
        population: 100,
        at_home: Some(100),
        in_shelter: Some(0),
        casualties: Some(0),
        warned: false,
        evacuation_ordered: false,
        held: false,
        waiting: Some(0),
    }
}

fn view(role: &str, t_s: u32, rain: f64) -> RoleView {
    RoleView {
        role: role.parse().unwrap(),
        t_s,
        duration_s: 7200,
        finished: false,
        level: None,
        // Rain at `rain` mm/h since the start.
        weather: Weather {
            rain_mm_per_h: rain,
            rain_totals_mm: std::array::from_fn(|i| rain * ((i + 1) as f64).min(t_s as f64 / 3600.0)),
            wind_m_per_s: 2.0,
            wind_from_deg: 0.0,
            temperature_c: 20.0,
            humidity_percent: 90.0,
        },
        hazard: Vec::new(),
        villages: vec![village("Alpha", 600.0), village("Beta", 1400.0), village("Gamma", 2200.0)],
        teams: vec![TeamView {
            name: "T1 队".into(),
            kind_zh: "乡镇队".into(),
            size: 20,
            pos: [1400.0, 937.5],
            state: TeamState::Idle,
            accepted: false,
            carrying: Default::default(),
        }],
        reports: Vec::new(),
        gauges: Vec::new(),
        messages: Vec::new(),
        orders: orders_for(&role.parse().unwrap()).to_vec(),
        closed_roads: Vec::new(),
        depots: Vec::new(),
        shelters: Vec::new(),
        requests: Vec::new(),
        frozen: Vec::new(),
        injects_due: Vec::new(),
    }
}

/// Water in the cell holding (x, 937.5).
fn water_at(x: f64) -> HazardCell {
    let cell = 12 * 40 + (x / 75.0) as u32;
    HazardCell { cell, kind: HazardCellKind::Water, amount: 80 }
}

fn allowed(role: &str, orders: &[Order]) {
    let r: Role = role.parse().unwrap();
    for o in orders {
        assert!(orders_for(&r).contains(&o.kind()), "{role} gave {o:?}, which it may not");
    }
}

#[test]
fn an_informant_reports_warns_and_evacuates_once_when_water_reaches_its_village() {
    let mut b = brain("informant:Alpha");
    let quiet = view("informant:Alpha", 60, 0.0);
    assert!(b.decide(&quiet).is_empty(), "nothing seen, nothing done");
    let mut wet = view("informant:Alpha", 120, 10.0);
    wet.hazard.push(water_at(700.0));
    let orders = b.decide(&wet);
    allowed("informant:Alpha", &orders);
    assert!(
        matches!(&orders[0], Order::Report(f) if f.village == "Alpha" && f.hazard == HazardKind::Flood),
        "{orders:?}"
    );
    assert!(orders.contains(&Order::Warn { village: "Alpha".into() }));
    assert!(orders.contains(&Order::Evacuate { village: "Alpha".into(), shelter: None }));
    wet.t_s = 180;
    assert!(b.decide(&wet).is_empty(), "the same hazard is reported once");
}

#[test]
fn a_far_hazard_is_reported_but_does_not_empty_the_village() {
    let mut b = brain("informant:Gamma");
    let mut v = view("informant:Gamma", 60, 0.0);
    v.hazard.push(water_at(200.0)); // 2 km from Gamma
    let orders = b.decide(&v);
    assert_eq!(orders.len(), 1, "{orders:?}");
    assert!(matches!(orders[0], Order::Report(_)));
}

#[test]
fn the_command_post_acknowledges_activates_on_rain_warns_and_dispatches() {
    let mut b = brain("command");
    // An hour of 40 mm/h: the plan's level IV trigger (30 mm in 1 h) is met after ~45 min.
    let mut activated_at = None;
    for t in (0..=3600).step_by(60) {
        let orders = b.decide(&view("command", t, 40.0));
        allowed("command", &orders);
        if orders.contains(&Order::ActivateLevel { level: sim::scenario::Level::IV }) {
            activated_at = Some(t);
        }
    }
    let t = activated_at.expect("level IV never activated");
    assert!((2700..=2820).contains(&t), "activated at {t} s");

    let mut v = view("command", 3660, 40.0);
    v.level = Some(sim::scenario::Level::IV);
    v.reports.push(ReportView {
        id: 7,
        t_s: 3600,
        by: "informant:Beta".parse().unwrap(),
        village: "Beta".into(),
        hazard: HazardKind::Flood,
        note: "水".into(),
        acknowledged: false,
        by_name: String::new(),
        form: ReportForm::initial("Beta", HazardKind::Flood, "水"),
        verify_asked: false,
    });
    let orders = b.decide(&v);
    allowed("command", &orders);
    assert!(orders.contains(&Order::Acknowledge { report: 7 }), "{orders:?}");
    assert!(orders.contains(&Order::Warn { village: "Beta".into() }));
    assert!(orders.contains(&Order::Evacuate { village: "Beta".into(), shelter: None }));
    assert!(
        orders
            .iter()
            .any(|o| matches!(o, Order::Dispatch { team, target: Target::Village(village), .. } if team == "T1 队" && village == "Beta"))
    );
    assert!(orders.iter().any(|o| matches!(o, Order::ReportUp { .. })));
    let again = b.decide(&v);
    assert!(again.is_empty(), "no order twice: {again:?}");
}

#[test]
fn a_team_only_reports() {
    let mut b = brain("team:T1 队");
    let mut v = view("team:T1 队", 60, 0.0);
    v.hazard.push(water_at(1500.0));
    let orders = b.decide(&v);
    allowed("team:T1 队", &orders);
    assert!(matches!(&orders[..], [Order::Report(f)] if f.village == "Beta"), "{orders:?}");
}
