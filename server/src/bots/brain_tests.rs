//! Brain tests on hand-made views of the test valley.

use std::sync::Arc;

use sim::access::orders_for;
use sim::view::{
    DepotView, HazardCell, HazardCellKind, ReportView, RequestView, RoleView, TeamState, TeamView, VillageView,
};
use sim::weather::Weather;
use sim::world::{Consignee, ReportForm, ReportStage, Target};
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
    Brain::new(role, Arc::new(briefing), GRID, Arc::new(setup.map.features.roads.clone()))
}

fn village(name: &str, x: f64) -> VillageView {
    VillageView {
        name: name.into(),
        name_zh: None,
        pos: [x, 937.5],
        township: Some("T1".into()),
        road_node: None,
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
    // Rain at `rain` mm/h since the start.
    let weather = Weather {
        rain_mm_per_h: rain,
        rain_totals_mm: std::array::from_fn(|i| rain * ((i + 1) as f64).min(t_s as f64 / 3600.0)),
        wind_m_per_s: 2.0,
        wind_from_deg: 0.0,
        temperature_c: 20.0,
        humidity_percent: 90.0,
    };
    let villages = vec![village("Alpha", 600.0), village("Beta", 1400.0), village("Gamma", 2200.0)];
    let mut view = RoleView::still(role.parse().unwrap(), t_s, 7200, weather, villages);
    view.teams = vec![TeamView {
        name: "T1 队".into(),
        kind_zh: "乡镇队".into(),
        size: 20,
        pos: [1400.0, 937.5],
        node: None,
        state: TeamState::Idle,
        accepted: false,
        carrying: Default::default(),
    }];
    view.orders = orders_for(&view.role).to_vec();
    view
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
    // The 初报 has what a real form has: the point, how bad, the people at home.
    assert!(
        matches!(&orders[0], Order::Report(f) if f.village == "Alpha" && f.hazard == HazardKind::Flood
            && f.at.is_some_and(|at| (at[0] - 700.0).abs() < 75.0) && f.severity == 3 && f.people_at_risk == 100),
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
    assert!(matches!(&orders[0], Order::Report(f) if f.severity == 1), "far off: 一般 {orders:?}");
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
    // A gauge near the village at 设防水位 bears the report out (`Brain::doubtful`).
    v.gauges.push(sim::view::GaugeView {
        name: "G".into(),
        pos: [1400.0, 1500.0],
        depth_m: 1.0,
        stage: Some(sim::scenario::Stage::Alert),
    });
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
fn a_team_reports_what_it_sees() {
    let mut b = brain("team:T1 队");
    let mut v = view("team:T1 队", 60, 0.0);
    v.hazard.push(water_at(1500.0));
    let orders = b.decide(&v);
    allowed("team:T1 队", &orders);
    assert!(matches!(&orders[..], [Order::Report(f)] if f.village == "Beta"), "{orders:?}");
}

#[test]
fn a_team_accepts_each_task_once_and_the_controller_fires_due_injects() {
    let mut b = brain("team:T1 队");
    let mut v = view("team:T1 队", 60, 0.0);
    v.teams[0].state = TeamState::Mustering { village: "Alpha".into(), task: sim::Task::Evacuate };
    let first = b.decide(&v);
    allowed("team:T1 队", &first);
    assert_eq!(first, vec![Order::AcceptTask]);
    assert!(b.still_needed(&Order::AcceptTask, &v));
    v.t_s = 120;
    assert!(b.decide(&v).is_empty(), "accepting already (the order waits on the agenda)");
    v.teams[0].accepted = true;
    assert!(!b.still_needed(&Order::AcceptTask, &v), "accepted: nothing more to say");
    assert!(b.decide(&v).is_empty());
    v.teams[0].state = TeamState::Working { village: "Beta".into(), task: sim::Task::Rescue };
    v.teams[0].accepted = false;
    assert_eq!(b.decide(&v), vec![Order::AcceptTask], "a new task is accepted too");

    let mut c = brain("controller");
    let mut v = view("controller", 600, 0.0);
    v.injects_due = vec![0, 2];
    let fire = c.decide(&v);
    assert_eq!(fire, vec![Order::FireInject { index: 0 }, Order::FireInject { index: 2 }]);
    assert!(c.decide(&v).is_empty(), "each inject once");
    v.injects_due = vec![2];
    assert!(!c.still_needed(&fire[0], &v), "fired already (by a person at the console)");
    assert!(c.still_needed(&fire[1], &v));
}

fn report(id: u32, by: &str, village: &str, form: ReportForm) -> ReportView {
    ReportView {
        id,
        t_s: 60,
        by: by.parse().unwrap(),
        village: village.into(),
        hazard: form.hazard,
        note: form.note.clone(),
        acknowledged: false,
        by_name: String::new(),
        form,
        verify_asked: false,
    }
}

#[test]
fn a_lone_report_nothing_bears_out_is_checked_before_the_post_acts() {
    let mut b = brain("command");
    let mut v = view("command", 120, 0.0);
    v.reports.push(report(7, "informant:Beta", "Beta", ReportForm::initial("Beta", HazardKind::Fire, "火")));
    let orders = b.decide(&v);
    allowed("command", &orders);
    assert!(orders.contains(&Order::Acknowledge { report: 7 }), "叫应 is receipt: {orders:?}");
    assert!(orders.contains(&Order::Verify { report: 7 }), "{orders:?}");
    assert!(!orders.iter().any(|o| matches!(o, Order::Warn { .. } | Order::Evacuate { .. } | Order::Dispatch { .. })));
    v.reports[0].verify_asked = true;
    assert!(!b.still_needed(&Order::Verify { report: 7 }, &v), "asked already");
    // The informant confirms it with a 续报: now the post acts.
    let mut confirm = ReportForm::initial("Beta", HazardKind::Fire, "经核实属实");
    confirm.stage = ReportStage::FollowUp;
    confirm.follows = Some(7);
    v.reports.push(report(8, "informant:Beta", "Beta", confirm));
    v.t_s = 300;
    let orders = b.decide(&v);
    assert!(orders.contains(&Order::Warn { village: "Beta".into() }), "{orders:?}");
}

#[test]
fn an_informant_follows_up_at_the_interval_then_files_a_final_report_and_counts_heads() {
    let mut b = brain("informant:Alpha");
    let mut v = view("informant:Alpha", 120, 10.0);
    v.hazard.push(water_at(1900.0)); // 1.3 km off: reported, the village stays
    let first = b.decide(&v);
    let Some(Order::Report(form)) = first.first().cloned() else { panic!("{first:?}") };
    assert!(!form.actions_taken.is_empty() && form.people_at_risk == 100, "every field: {form:?}");
    v.reports.push(report(3, "informant:Alpha", "Alpha", form));
    // A report in its name it did not make (a planted one): never followed up, never confirmed.
    let mut other = report(4, "informant:Alpha", "Alpha", ReportForm::initial("Alpha", HazardKind::Fire, "假"));
    other.verify_asked = true;
    v.reports.push(other);
    v.t_s = 60 + 40 * 60;
    assert!(b.decide(&v).is_empty(), "not yet: {:?}", b.decide(&v));
    v.t_s = 60 + (super::FOLLOW_UP_EVERY_MIN as u32 - 14) * 60;
    let orders = b.decide(&v);
    allowed("informant:Alpha", &orders);
    assert!(
        matches!(&orders[..], [Order::Report(f)] if f.stage == ReportStage::FollowUp && f.follows == Some(3)),
        "a 续报 within the interval: {orders:?}"
    );
    // Everyone in shelter: the 终报 and the head count (转移到位).
    v.villages[0].evacuation_ordered = true;
    v.villages[0].at_home = Some(0);
    v.villages[0].in_shelter = Some(100);
    v.t_s += 600;
    let orders = b.decide(&v);
    allowed("informant:Alpha", &orders);
    assert!(
        orders.iter().any(|o| matches!(o, Order::Report(f) if f.stage == ReportStage::Final && f.follows == Some(3))),
        "{orders:?}"
    );
    assert!(orders.contains(&Order::HeadCount { village: "Alpha".into(), moved: 100 }), "{orders:?}");
    assert!(!orders.iter().any(|o| matches!(o, Order::Report(f) if f.follows == Some(4))), "{orders:?}");
    v.t_s += 3600;
    assert!(b.decide(&v).is_empty(), "nothing after the 终报");
}

#[test]
fn the_post_holds_evacuated_villages_supplies_a_waiting_team_and_the_county_approves() {
    let mut b = brain("command");
    let mut v = view("command", 600, 0.0);
    v.villages[1].evacuation_ordered = true;
    v.villages[1].in_shelter = Some(40);
    v.teams[0].state = TeamState::Waiting {
        village: "Beta".into(),
        task: sim::Task::Sandbag,
        material: "woven_bags".into(),
        missing: 300,
    };
    v.depots.push(DepotView {
        name: "D".into(),
        pos: [600.0, 937.5],
        node: None,
        county: false,
        stock: [("woven_bags".to_string(), 1000)].into(),
    });
    let orders = b.decide(&v);
    allowed("command", &orders);
    assert!(orders.contains(&Order::HoldVillage { village: "Beta".into(), held: true }), "{orders:?}");
    let send = Order::SendMaterials {
        depot: "D".into(),
        material: "woven_bags".into(),
        amount: 300,
        to: Consignee::Team("T1 队".into()),
    };
    assert!(orders.contains(&send), "{orders:?}");
    v.teams[0].state = TeamState::Working { village: "Beta".into(), task: sim::Task::Sandbag };
    assert!(!b.still_needed(&send, &v), "supplied already");

    let mut c = brain("county");
    let mut v = view("county", 600, 0.0);
    v.requests.push(RequestView {
        id: 2,
        t_s: 540,
        from: "command".parse().unwrap(),
        by: String::new(),
        kind: sim::world::SupportKind::Teams,
        detail: "队伍".into(),
        material: None,
        decision: None,
    });
    let orders = c.decide(&v);
    assert!(orders.iter().any(|o| matches!(o, Order::Decide { request: 2, approve: true, .. })), "{orders:?}");
}

/// A load decided while the depot had the stock is not sent once another load took it (the
/// world would refuse it): the post drops it and may decide another for that village.
#[test]
fn a_load_the_depot_can_no_longer_fill_is_dropped_and_decided_afresh() {
    let mut b = brain("command");
    let mut v = view("command", 600, 0.0);
    let stock = |n: u32| DepotView {
        name: "D".into(),
        pos: [600.0, 937.5],
        node: None,
        county: false,
        stock: [("life_jackets".to_string(), n)].into(),
    };
    let order = Order::SendMaterials {
        depot: "D".into(),
        material: "life_jackets".into(),
        amount: 20,
        to: Consignee::Village("Alpha".into()),
    };
    v.depots.push(stock(20));
    assert!(b.still_needed(&order, &v));
    v.depots[0] = stock(5);
    assert!(!b.still_needed(&order, &v), "5 jackets left, 20 asked");
    b.done.insert("materials:Alpha".into());
    b.retract(&order);
    assert!(!b.done.contains("materials:Alpha"), "the village may get a load again");
}

/// A depot at `node` of the valley's road graph (Alpha 0, Beta 1, Gamma 2, the branch's end 3;
/// edges: 0 Alpha–Beta, 1 Beta–Gamma, 2 Beta–north) holding `material`.
fn depot_at(name: &str, node: u32, material: &str) -> DepotView {
    let map = testkit::valley_map().build();
    DepotView {
        name: name.into(),
        pos: map.features.roads.nodes[node as usize],
        node: Some(node),
        county: false,
        stock: [(material.to_string(), 500)].into(),
    }
}

/// Found in the flood demo (two `no_route` refusals): the post sent life jackets from the
/// nearest depot over a closed road. It now sends from the nearest depot an open road joins to
/// the consignee, drops a load whose road closed before it went out, and with none left asks
/// no depot at all.
#[test]
fn the_post_sends_materials_only_over_open_roads() {
    let mut b = brain("command");
    let mut v = view("command", 600, 0.0);
    v.villages[2].road_node = Some(2);
    v.hazard.push(water_at(2200.0)); // in Gamma
    // The branch's end is nearer Gamma than Alpha is, but its only road (edge 2) is closed.
    v.depots = vec![depot_at("Branch", 3, "life_jackets"), depot_at("West", 0, "life_jackets")];
    v.closed_roads = vec![2];
    let mut out = Vec::new();
    b.send_village_materials(&v, &mut out);
    let from = |o: &Order| match o {
        Order::SendMaterials { depot, to: Consignee::Village(to), .. } if to == "Gamma" => Some(depot.clone()),
        _ => None,
    };
    assert_eq!(out.iter().filter_map(from).collect::<Vec<_>>(), ["West"], "{out:?}");

    // The road from the west closes before the load goes out: the world would refuse it.
    let to_gamma = out.iter().find(|o| from(o).is_some()).expect("a load for Gamma").clone();
    v.closed_roads = vec![1, 2];
    assert!(!b.still_needed(&to_gamma, &v), "no open road from West to Gamma");
    b.retract(&to_gamma);
    let mut again = Vec::new();
    b.send_village_materials(&v, &mut again);
    assert!(again.iter().all(|o| from(o).is_none()), "no depot reaches Gamma: {again:?}");

    // Open again, the branch's depot is the nearest and is chosen.
    v.closed_roads.clear();
    b.send_village_materials(&v, &mut again);
    assert_eq!(again.iter().filter_map(from).collect::<Vec<_>>(), ["Branch"], "{again:?}");
}

/// A team waiting for material on site gets it from a depot an open road joins to where the
/// team stands, not from the nearest one behind a closure.
#[test]
fn a_waiting_team_is_supplied_over_open_roads() {
    let mut b = brain("command");
    let mut v = view("command", 600, 0.0);
    v.teams[0].pos = [2200.0, 937.5];
    v.teams[0].node = Some(2);
    v.teams[0].state = TeamState::Waiting {
        village: "Gamma".into(),
        task: sim::Task::Sandbag,
        material: "woven_bags".into(),
        missing: 300,
    };
    v.depots = vec![depot_at("Branch", 3, "woven_bags"), depot_at("West", 0, "woven_bags")];
    v.closed_roads = vec![2];
    let sent: Vec<Order> = b.decide(&v).into_iter().filter(|o| matches!(o, Order::SendMaterials { .. })).collect();
    assert_eq!(
        sent,
        [Order::SendMaterials {
            depot: "West".into(),
            material: "woven_bags".into(),
            amount: 300,
            to: Consignee::Team("T1 队".into())
        }]
    );
    v.closed_roads = vec![1, 2];
    assert!(!b.still_needed(&sent[0], &v), "the road from West closed");
}
