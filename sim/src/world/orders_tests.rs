//! Every order of issue 7 accepted once with its effect checked on the world and in the views:
//! stock goes down and arrives, a sandbag line waits for bags, a shelter fills and overflows,
//! refusers wait for a team, people go home unless held, a team accepts, refuses, reports and
//! moves, the county approves a request and its team moves, scripted injects wait for the
//! controller, a fire lit by an inject freezes and is attacked, and a firebreak takes the fuel off its line.

use std::sync::Arc;

use crate::access;
use crate::hazard::fire::CellFire;
use crate::map::{MapAsset, RoadClass, Xy};
use crate::roles::Role;
use crate::scenario::{Level, parse_scenario};
use crate::testkit::TestMap;
use crate::view::TeamState;
use crate::world::{
    Command, Consignee, EventKind, HazardKind, Order, ReportForm, ReportStage, SupportKind, Target, Task,
    TeamReportKind, Trend, World, WorldEvent,
};

const CELL: f64 = 75.0;

/// The road up the valley: a node every 750 m from y = 300 m.
pub(crate) fn road() -> Vec<Xy> {
    (0..12).map(|i| [20.5 * CELL + 40.0, 300.0 + i as f64 * 750.0]).collect()
}

pub(crate) fn map() -> MapAsset {
    map_with(&[])
}

/// The fixture's map with more villages.
fn map_with(more: &[(&str, Xy)]) -> MapAsset {
    let road = road();
    let mut m = TestMap::valley()
        .road(RoadClass::Main, Some("CG-1"), &road)
        .township("West", [0.0, 0.0], [41.0 * CELL, 60.0 * CELL])
        .township("East", [0.0, 60.0 * CELL], [41.0 * CELL, 120.0 * CELL])
        .village("Baix", road[1])
        .village("Mig", road[3])
        .village("Alt", road[10]);
    for &(name, pos) in more {
        m = m.village(name, pos);
    }
    m.build()
}

/// The West depot sends `amount` woven bags to `village`.
fn send_bags(village: &str, amount: u32) -> Order {
    Order::SendMaterials {
        depot: "西镇物资站".into(),
        material: "woven_bags".into(),
        amount,
        to: Consignee::Village(village.into()),
    }
}

pub(crate) const SCENARIO: &str = r#"
Scenario(
    schema: 1,
    name: "综合演练",
    map: "valley",
    start: "2026-07-01 06:00",
    duration_h: 12.0,
    weather: [(at_min: 0.0, wind_m_per_s: 2.0, wind_from_deg: 180.0, humidity_percent: 40.0)],
    hazards: (fire: Some((ignitions: []))),
    villages: [
        (name: "Baix", population: 120, vulnerable: 20, shelter: "小学", refuse_percent: 10.0),
        (name: "Mig", population: 100, shelter: "体育馆"),
        (name: "Alt", population: 80),
    ],
    shelters: [
        (name: "小学", at: Near(village: "Baix", east_m: 600.0, north_m: 0.0), capacity: 150),
        (name: "体育馆", at: Near(village: "Mig", east_m: 600.0, north_m: 0.0), capacity: 1000),
    ],
    teams: [
        (name: "西镇队", kind: Township, size: 30, base: Village("Baix"), township: "West", muster_min: 5),
        (name: "东镇队", kind: Township, size: 30, base: Village("Alt"), township: "East", muster_min: 5),
        (name: "县救援队", kind: CountyProfessional, size: 25, base: Village("Mig"), muster_min: 10),
        (name: "森林消防队", kind: FireBrigade, size: 40, base: Village("Mig"), township: "West", muster_min: 5),
    ],
    depots: [
        (name: "西镇物资站", at: Village("Baix"), materials: {"woven_bags": 10000, "diesel": 100}),
        (name: "县储备库", at: Village("Mig"), county: true, materials: {"woven_bags": 20000}),
    ],
    roles: ["controller", "county", "command:West", "command:East", "informant:*", "team:*"],
    reaction: [(who: "informant:*", min_min: 2.0, max_min: 8.0)],
    plan: (
        name: "预案",
        levels: [(level: IV, trigger: AtMinute(600.0)), (level: III, trigger: AtMinute(700.0))],
        actions: [(id: "r", name: "报告", who: "informant:*", what: Report, deadline_min: 10.0, after: HazardSeen)],
    ),
    injects: [(at_min: 10.0, to: "county", message: "县气象台: 注意强对流")],
)
"#;

/// A fresh drill of the fixture.
pub(crate) fn drill() -> World {
    let scenario = parse_scenario("drill.ron", SCENARIO).expect("parses");
    World::new(Arc::new(scenario), Arc::new(map()), 7).expect("world")
}

pub(crate) fn role(r: &str) -> Role {
    r.parse().expect("role")
}

/// Gives an order as a named person; panics with the refusal when refused.
pub(crate) fn ok(w: &mut World, from: &str, order: Order) {
    let cmd = Command { from: role(from), by: "张三".into(), order };
    if let Err(r) = w.apply(&cmd) {
        panic!("{from} {:?} refused: {r}", cmd.order);
    }
}

/// Steps `minutes` of drill time; returns the events of those ticks.
pub(crate) fn run(w: &mut World, minutes: u32) -> Vec<EventKind> {
    let mut out = Vec::new();
    for _ in 0..minutes * 60 / w.scenario.tick_s {
        out.extend(w.step().iter().map(|e| e.kind.clone()));
    }
    out
}

fn form(village: &str, stage: ReportStage, follows: Option<u32>) -> ReportForm {
    ReportForm {
        stage,
        village: village.into(),
        hazard: HazardKind::Flood,
        at: Some([1500.0, 1100.0]),
        severity: 3,
        people_at_risk: 40,
        casualties: 0,
        trapped: 0,
        trend: Trend::Rising,
        actions_taken: "已敲锣示警".into(),
        note: "河水漫堤".into(),
        follows,
    }
}

#[test]
fn a_report_carries_its_form_and_is_acknowledged_and_checked() {
    let mut w = drill();
    ok(&mut w, "informant:Baix", Order::Report(form("Baix", ReportStage::Initial, None)));
    ok(&mut w, "informant:Baix", Order::Report(form("Baix", ReportStage::FollowUp, Some(1))));
    ok(&mut w, "command:West", Order::Acknowledge { report: 1 });
    ok(&mut w, "command:West", Order::Verify { report: 2 });
    let post = access::view(&w, &role("command:West"));
    assert_eq!(post.reports.len(), 2);
    let (first, second) = (&post.reports[0], &post.reports[1]);
    assert_eq!((first.form.severity, first.form.people_at_risk, first.by_name.as_str()), (3, 40, "张三"));
    assert_eq!(first.form.actions_taken, "已敲锣示警");
    assert!(first.acknowledged && !first.verify_asked);
    assert_eq!((second.form.stage, second.form.follows, second.verify_asked), (ReportStage::FollowUp, Some(1), true));
    // The other township's post sees neither; the reporter hears both answers, with the name.
    assert!(access::view(&w, &role("command:East")).reports.is_empty());
    let heard = access::view(&w, &role("informant:Baix")).messages;
    assert!(heard.iter().any(|m| m.text.contains("核实") && m.by == "张三"), "{heard:?}");
    assert!(heard.iter().any(|m| m.text.contains("已收到") && m.from == Some(role("command:West"))));
    assert!(w.events().iter().any(|e| matches!(e.kind, EventKind::ReportFiled { stage: ReportStage::FollowUp, .. })));
}

/// Issue 9: reports and messages piled up in every command post's view. A view carries them
/// while recent (pending reports always); a client merging its views keeps the whole history.
#[test]
fn views_carry_recent_text_and_merged_views_keep_the_history() {
    let mut w = drill();
    ok(&mut w, "informant:Baix", Order::Report(form("Baix", ReportStage::Initial, None)));
    ok(&mut w, "command:West", Order::Acknowledge { report: 1 });
    ok(&mut w, "informant:Baix", Order::Report(form("Baix", ReportStage::FollowUp, Some(1))));
    let early = access::view(&w, &role("command:West"));
    let early_informant = access::view(&w, &role("informant:Baix"));
    assert_eq!((early.reports.len(), early.left_out, early.messages_before), (2, 0, 0));
    assert!(!early_informant.messages.is_empty());
    run(&mut w, 61);
    let late = access::view(&w, &role("command:West"));
    // Report 1 was acknowledged 61 minutes ago: left out. Report 2 waits for its 叫应: carried.
    assert_eq!(late.reports.iter().map(|r| r.id).collect::<Vec<_>>(), [2]);
    assert_eq!(late.left_out, 1);
    let informant = access::view(&w, &role("informant:Baix"));
    assert!(informant.messages.is_empty() && informant.messages_before as usize == early_informant.messages.len());
    // Acknowledging it now keeps it an hour more.
    ok(&mut w, "command:West", Order::Acknowledge { report: 2 });
    run(&mut w, 59);
    let mut merged = access::view(&w, &role("command:West"));
    assert_eq!(merged.reports.iter().map(|r| (r.id, r.acknowledged)).collect::<Vec<_>>(), [(2, true)]);
    merged.merge_history(&early);
    assert_eq!(merged.reports.iter().map(|r| (r.id, r.acknowledged)).collect::<Vec<_>>(), [(1, true), (2, true)]);
    let mut heard = informant.clone();
    heard.merge_history(&early_informant);
    assert_eq!(heard.messages, early_informant.messages);
    assert_eq!(heard.messages_before, 0);
    // A flood of messages: the newest RECENT_MESSAGES are carried, the rest counted; merged in order.
    let before = access::view(&w, &role("command:West"));
    for i in 0..150 {
        let inject = Order::Inject { to: role("command:West"), message: format!("第{i}条"), event: None };
        ok(&mut w, "controller", inject);
    }
    let mut flood = access::view(&w, &role("command:West"));
    assert_eq!(flood.messages.len(), access::RECENT_MESSAGES);
    assert!(flood.messages[0].text.contains("第50条"), "{:?}", flood.messages[0]);
    let total_before = before.messages_before as usize + before.messages.len();
    assert_eq!(flood.messages_before as usize, total_before + 50);
    // The client missed 50 messages between the two views: a gap is not papered over.
    flood.merge_history(&before);
    assert_eq!((flood.messages.len(), flood.messages_before as usize), (100, total_before + 50));
    // With no gap, the history is whole and in order.
    let mut next = access::view(&w, &role("command:West"));
    ok(&mut w, "controller", Order::Inject { to: role("command:West"), message: "最后".into(), event: None });
    let mut last = access::view(&w, &role("command:West"));
    next.merge_history(&flood);
    last.merge_history(&next);
    assert_eq!(last.messages.len(), 101);
    assert_eq!(last.messages.last().map(|m| m.text.as_str()), Some("最后"));
    assert!(last.messages[0].text.contains("第50条"));
}

#[test]
fn a_call_for_help_a_warning_and_a_head_count_reach_the_right_seats() {
    let mut w = drill();
    ok(&mut w, "informant:Baix", Order::CallForHelp { village: "Baix".into(), note: "老人被困".into() });
    ok(&mut w, "command:West", Order::Warn { village: "Mig".into() });
    ok(&mut w, "informant:Baix", Order::Evacuate { village: "Baix".into(), shelter: None });
    run(&mut w, 60);
    ok(&mut w, "informant:Baix", Order::HeadCount { village: "Baix".into(), moved: 100 });
    let post = access::view(&w, &role("command:West")).messages;
    assert!(post.iter().any(|m| m.text.contains("呼救") && m.by == "张三"), "{post:?}");
    assert!(post.iter().any(|m| m.text.contains("转移到位 100")), "{post:?}");
    assert!(access::view(&w, &role("informant:Mig")).messages.iter().any(|m| m.text.contains("预警")));
    assert!(access::view(&w, &role("command:West")).villages.iter().any(|v| v.name == "Mig" && v.warned));
    let counted = w.events().iter().find_map(|e| match &e.kind {
        EventKind::HeadCounted { moved, in_shelter, .. } => Some((*moved, *in_shelter)),
        _ => None,
    });
    assert_eq!(counted.map(|c| c.0), Some(100));
    assert!(counted.is_some_and(|c| c.1 > 0), "people reached the shelter: {counted:?}");
}

#[test]
fn a_level_rises_lowers_and_ends() {
    let mut w = drill();
    ok(&mut w, "command:West", Order::ActivateLevel { level: Level::III });
    assert_eq!(access::view(&w, &role("command:West")).level, Some(Level::III));
    ok(&mut w, "command:West", Order::LowerLevel { level: Level::IV });
    assert_eq!(access::view(&w, &role("command:West")).level, Some(Level::IV));
    ok(&mut w, "command:West", Order::EndResponse);
    assert_eq!(access::view(&w, &role("command:West")).level, None);
    assert!(w.events().iter().any(|e| matches!(e.kind, EventKind::ResponseEnded { .. })));
    ok(&mut w, "county", Order::ActivateLevel { level: Level::IV });
    assert_eq!(access::view(&w, &role("county")).level, Some(Level::IV));
}

#[test]
fn materials_leave_the_depot_at_once_and_arrive_after_the_drive() {
    let mut w = drill();
    ok(&mut w, "command:West", send_bags("Mig", 3000));
    assert_eq!(w.depot_stock("西镇物资站", "woven_bags"), Some(7000));
    let depots = access::view(&w, &role("command:West")).depots;
    assert_eq!(depots.iter().find(|d| d.name == "西镇物资站").map(|d| d.stock["woven_bags"]), Some(7000));
    // 1.5 km of main road at 50 km/h: under two minutes.
    let arrive_s = w.events().iter().find_map(|e| match e.kind {
        EventKind::MaterialsSent { arrive_s, .. } => Some(arrive_s),
        _ => None,
    });
    assert!(arrive_s.is_some_and(|t| (100..=130).contains(&t)), "{arrive_s:?}");
    assert_eq!(w.materials.villages[1].get("woven_bags"), None, "not there yet");
    let events = run(&mut w, 3);
    assert!(events.iter().any(|e| matches!(e, EventKind::MaterialsArrived { amount: 3000, to, .. } if to == "Mig")));
    assert_eq!(w.materials.villages[1]["woven_bags"], 3000);
    // The county's view shows the county reserve; the township's does not.
    assert!(access::view(&w, &role("county")).depots.iter().any(|d| d.county));
    assert!(!access::view(&w, &role("command:West")).depots.iter().any(|d| d.county));
}

/// A load to a village 1.2 km off the road pays the walk from the junction, as a team does: the
/// same seconds (`teams::last_leg_s`) on top of the drive.
#[test]
fn a_load_to_a_village_off_the_road_pays_the_leg_a_team_walks() {
    let mig = road()[3];
    let map = map_with(&[("Far", [mig[0] + 1200.0, mig[1]])]);
    let text = SCENARIO.replace(
        r#"(name: "Alt", population: 80),"#,
        r#"(name: "Alt", population: 80), (name: "Far", population: 30),"#,
    );
    let scenario = parse_scenario("drill.ron", &text).expect("parses");
    let mut w = World::new(Arc::new(scenario), Arc::new(map), 7).expect("world");
    ok(&mut w, "command:West", send_bags("Mig", 100));
    ok(&mut w, "command:West", send_bags("Far", 100));
    let arrivals: Vec<u32> = w
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::MaterialsSent { arrive_s, .. } => Some(arrive_s),
            _ => None,
        })
        .collect();
    let [on_road, off_road] = arrivals[..] else { panic!("two loads: {arrivals:?}") };
    // Mig and Far share the junction: the difference is 1.2 km on foot at 4 km/h, 18 minutes.
    let walk = off_road - on_road;
    assert!((1079..=1081).contains(&walk), "{on_road} {off_road}");
    // A team sent from Baix to Far is due the same walk after the same drive.
    let dispatch =
        Order::Dispatch { team: "西镇队".into(), task: Task::Evacuate, target: Target::Village("Far".into()) };
    ok(&mut w, "command:West", dispatch);
    let ti = w.teams.index("西镇队").expect("team");
    while !matches!(w.teams.list[ti].activity, crate::world::teams::Activity::Moving { .. }) {
        assert!(w.t_s < 3600, "the team never left");
        run(&mut w, 1);
    }
    // The depot and the team's base share Baix's junction: the team's road and walk are the
    // load's, less at most the tick it has driven since leaving.
    let team_eta = w.teams.list[ti].eta_s(&w.map.features.roads);
    let tick = w.scenario.tick_s;
    assert!(team_eta <= off_road && team_eta + tick + 1 >= off_road, "team {team_eta} s, load {off_road} s");
    let events = run(&mut w, 30);
    assert!(events.iter().any(|e| matches!(e, EventKind::MaterialsArrived { amount: 100, to, .. } if to == "Far")));
}

#[test]
fn a_sandbag_line_waits_for_its_bags_then_uses_20_a_metre() {
    let mut w = drill();
    // A 100 m line by Mig, where no bags are: 2000 bags needed.
    let mig = w.people.villages[1].pos;
    let path = vec![[mig[0] - 300.0, mig[1] + 100.0], [mig[0] - 200.0, mig[1] + 100.0]];
    let dispatch =
        Order::Dispatch { team: "西镇队".into(), task: Task::Sandbag, target: Target::Path(path.clone()) };
    ok(&mut w, "command:West", dispatch);
    let events = run(&mut w, 20);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, EventKind::TaskWaiting { material, missing: 2000, .. } if material == "woven_bags")),
        "{events:?}"
    );
    let post = access::view(&w, &role("command:West"));
    assert!(post.messages.iter().any(|m| m.text.contains("woven_bags 2000")), "the team says why");
    assert!(post.teams.iter().any(|t| matches!(&t.state, TeamState::Waiting { missing: 2000, .. })));
    let send = Order::SendMaterials {
        depot: "西镇物资站".into(),
        material: "woven_bags".into(),
        amount: 2500,
        to: Consignee::Team("西镇队".into()),
    };
    ok(&mut w, "command:West", send);
    let events = run(&mut w, 10);
    assert!(events.iter().any(|e| matches!(e, EventKind::MaterialsUsed { amount: 2000, .. })), "{events:?}");
    assert_eq!(w.materials.teams[0]["woven_bags"], 500, "the team carries the rest");
    assert!(matches!(w.teams.list[0].activity, super::teams::Activity::Working { .. }));
    let events = run(&mut w, 70);
    assert!(events.iter().any(|e| matches!(e, EventKind::TeamTaskDone { task: Task::Sandbag, .. })));
}

#[test]
fn a_full_shelter_keeps_people_waiting_until_they_are_sent_elsewhere() {
    let mut w = drill();
    // Baix (120) fills 小学 (150) up to 108 (its refusers stay); Mig's 100 are sent there too.
    ok(&mut w, "command:West", Order::Evacuate { village: "Baix".into(), shelter: None });
    ok(&mut w, "command:West", Order::Evacuate { village: "Mig".into(), shelter: Some("小学".into()) });
    let events = run(&mut w, 90);
    let full = events.iter().find_map(|e| match e {
        EventKind::ShelterFull { shelter, village, waiting } if shelter == "小学" => {
            Some((village.clone(), *waiting))
        }
        _ => None,
    });
    assert!(full.as_ref().is_some_and(|(v, n)| v == "Mig" && *n > 0), "{full:?}");
    assert_eq!(w.shelter_occupancy("小学"), Some((150, 150)));
    let post = access::view(&w, &role("command:West"));
    // Told when it filled (more than the hour a view carries messages ago).
    let told = w.comms.messages.iter().any(|(to, m)| *to == role("command:West") && m.text.contains("小学 已满"));
    assert!(told && post.messages_before > 0);
    let mig = post.villages.iter().find(|v| v.name == "Mig").unwrap();
    assert!(mig.waiting.is_some_and(|n| n > 0) && mig.at_home == mig.waiting, "{mig:?}");
    assert!(post.shelters.iter().any(|s| s.name == "小学" && s.occupied == 150 && s.capacity == 150));
    // Sent to the sports hall, they all go.
    ok(&mut w, "command:West", Order::Evacuate { village: "Mig".into(), shelter: Some("体育馆".into()) });
    let events = run(&mut w, 90);
    assert!(events.iter().any(|e| matches!(e, EventKind::VillageEvacuated { village, .. } if village == "Mig")));
    assert_eq!(w.people.villages[1].at_home, 0);
    assert!(w.shelter_occupancy("体育馆").is_some_and(|(n, _)| n > 0));
}

#[test]
fn refusers_stay_until_a_team_comes_to_evacuate_them() {
    let mut w = drill();
    ok(&mut w, "informant:Baix", Order::Evacuate { village: "Baix".into(), shelter: None });
    let events = run(&mut w, 120);
    // 10 % of the 100 able people refuse.
    assert_eq!(w.people.villages[0].at_home, 10);
    assert!(!events.iter().any(|e| matches!(e, EventKind::VillageEvacuated { .. })));
    ok(
        &mut w,
        "command:West",
        Order::Dispatch { team: "西镇队".into(), task: Task::Evacuate, target: Target::Village("Baix".into()) },
    );
    let events = run(&mut w, 60);
    assert!(events.iter().any(|e| matches!(e, EventKind::VillageEvacuated { village, .. } if village == "Baix")));
    assert_eq!(w.people.villages[0].at_home, 0);
}

#[test]
fn the_vulnerable_move_slowly_unless_a_team_helps() {
    let time_to_move = |helped: bool| {
        let mut w = drill();
        if helped {
            ok(
                &mut w,
                "command:West",
                Order::Dispatch {
                    team: "西镇队".into(),
                    task: Task::MoveVulnerable,
                    target: Target::Village("Baix".into()),
                },
            );
            run(&mut w, 6);
        }
        ok(&mut w, "informant:Baix", Order::Evacuate { village: "Baix".into(), shelter: None });
        let mut minutes = 0;
        while w.people.villages[0].vulnerable_home > 0 {
            run(&mut w, 1);
            minutes += 1;
            assert!(minutes < 300, "the vulnerable never left");
        }
        minutes
    };
    let (alone, helped) = (time_to_move(false), time_to_move(true));
    // 20 vulnerable at a quarter of 4 a minute: 20 minutes; with help they go first: 5.
    assert!(alone >= 18 && helped <= 7, "alone {alone} min, helped {helped} min");
}

#[test]
fn evacuated_people_go_home_unless_the_village_is_held() {
    for held in [false, true] {
        let mut w = drill();
        ok(&mut w, "command:West", Order::Evacuate { village: "Mig".into(), shelter: None });
        run(&mut w, 90);
        assert_eq!(w.people.villages[1].in_shelter, 100);
        if held {
            ok(&mut w, "command:West", Order::HoldVillage { village: "Mig".into(), held: true });
        }
        let inject = Order::Inject {
            to: role("command:West"),
            message: "群众要求回家".into(),
            event: Some(WorldEvent::ReturnHome { village: "Mig".into() }),
        };
        ok(&mut w, "controller", inject);
        let v = &w.people.villages[1];
        if held {
            assert_eq!((v.in_shelter, v.at_home), (100, 0));
            assert!(w.events().iter().any(|e| matches!(e.kind, EventKind::ReturnStopped { .. })));
            assert!(access::view(&w, &role("command:West")).villages[1].held);
        } else {
            assert_eq!((v.in_shelter, v.at_home), (0, 100));
            assert_eq!(w.shelter_occupancy("体育馆"), Some((0, 1000)));
            assert!(w.events().iter().any(|e| matches!(e.kind, EventKind::PeopleReturned { people: 100, .. })));
            assert!(access::view(&w, &role("command:West")).messages.iter().any(|m| m.text.contains("返回家中")));
        }
    }
}

#[test]
fn a_team_accepts_refuses_reports_and_moves_on_its_own() {
    let mut w = drill();
    let dispatch =
        || Order::Dispatch { team: "东镇队".into(), task: Task::Watch, target: Target::Village("Alt".into()) };
    ok(&mut w, "command:East", dispatch());
    ok(&mut w, "team:东镇队", Order::AcceptTask);
    let me = access::view(&w, &role("team:东镇队"));
    assert!(me.teams[0].accepted);
    assert!(access::view(&w, &role("command:East")).messages.iter().any(|m| m.text.contains("接受任务")));
    ok(&mut w, "team:东镇队", Order::TeamReport { kind: TeamReportKind::Problem, note: "道路塌方".into() });
    assert!(
        access::view(&w, &role("command:East")).messages.iter().any(|m| m.text.contains("道路塌方") && m.by == "张三")
    );
    ok(&mut w, "team:东镇队", Order::RefuseTask { reason: "装备不足".into() });
    assert_eq!(access::view(&w, &role("team:东镇队")).teams[0].state, TeamState::Idle);
    assert!(access::view(&w, &role("command:East")).messages.iter().any(|m| m.text.contains("装备不足")));
    // On its own initiative, 3 km down the road.
    let to = road()[6];
    ok(&mut w, "team:东镇队", Order::MoveTo { point: to });
    assert!(access::view(&w, &role("command:East")).messages.iter().any(|m| m.text.contains("机动前往")));
    run(&mut w, 2);
    assert!(matches!(access::view(&w, &role("team:东镇队")).teams[0].state, TeamState::Moving { .. }));
    let events = run(&mut w, 10);
    assert!(events.iter().any(|e| matches!(e, EventKind::TeamArrived { team, .. } if team == "东镇队")));
    assert!(crate::world::dist(w.teams.list[1].pos, to) < 1.0, "{:?}", w.teams.list[1].pos);
}

#[test]
fn the_county_approves_teams_and_materials_and_its_team_moves() {
    let mut w = drill();
    let ask =
        Order::RequestSupport { kind: SupportKind::Teams, detail: "请派专业救援队".into(), material: None };
    ok(&mut w, "command:West", ask);
    let requests = access::view(&w, &role("county")).requests;
    assert_eq!((requests.len(), requests[0].id, requests[0].decision.clone()), (1, 1, None));
    let send_county_team =
        || Order::Dispatch { team: "县救援队".into(), task: Task::Rescue, target: Target::Village("Baix".into()) };
    let cmd = Command { from: role("command:West"), by: String::new(), order: send_county_team() };
    assert_eq!(w.apply(&cmd).map_err(|r| r.code()), Err("not_your_team"));
    ok(&mut w, "county", Order::Decide { request: 1, approve: true, note: "同意".into() });
    assert_eq!(access::view(&w, &role("command:West")).requests[0].decision, Some((true, "同意".into())));
    ok(&mut w, "command:West", send_county_team());
    let start = w.teams.list[2].pos;
    run(&mut w, 15);
    assert!(crate::world::dist(w.teams.list[2].pos, start) > 100.0, "the county team moves");
    // Materials: 5000 bags from the county reserve to the township's depot.
    let ask = Order::RequestSupport {
        kind: SupportKind::Materials,
        detail: "编织袋".into(),
        material: Some(("woven_bags".into(), 5000)),
    };
    ok(&mut w, "command:West", ask);
    ok(&mut w, "county", Order::Decide { request: 2, approve: true, note: String::new() });
    assert_eq!(w.depot_stock("县储备库", "woven_bags"), Some(15000));
    run(&mut w, 5);
    assert_eq!(w.depot_stock("西镇物资站", "woven_bags"), Some(15000));
    assert!(w.events().iter().any(|e| matches!(e.kind, EventKind::RequestDecided { id: 2, approved: true, .. })));
}

#[test]
fn a_directive_reaches_the_township_post() {
    let mut w = drill();
    ok(&mut w, "county", Order::Directive { to: role("command:East"), text: "立即组织转移".into() });
    let east = access::view(&w, &role("command:East")).messages;
    assert!(east.iter().any(|m| m.text == "立即组织转移" && m.from == Some(Role::County)));
    assert!(access::view(&w, &role("command:West")).messages.is_empty());
}

#[test]
fn scripted_injects_wait_for_the_controller_to_fire_them() {
    let mut w = drill();
    let events = run(&mut w, 15);
    assert!(events.contains(&EventKind::InjectDue { index: 0 }));
    assert!(access::view(&w, &Role::County).messages.is_empty(), "not delivered before it is fired");
    assert_eq!(access::view(&w, &Role::Controller).injects_due, vec![0]);
    assert!(
        !access::events_for(&Role::County, w.events()).iter().any(|e| matches!(e.kind, EventKind::InjectDue { .. }))
    );
    ok(&mut w, "controller", Order::FireInject { index: 0 });
    assert!(access::view(&w, &Role::County).messages.iter().any(|m| m.text.contains("强对流")));
    assert!(access::view(&w, &Role::Controller).injects_due.is_empty());
}

#[test]
fn a_fire_lit_by_an_inject_freezes_is_attacked_and_a_firebreak_takes_the_fuel_off_its_line() {
    let mut w = drill();
    // West of the road, on the forested valley side.
    let at = [12.5 * CELL, 30.5 * CELL];
    let light = Order::Inject { to: Role::Controller, message: "山火".into(), event: Some(WorldEvent::Ignition(at)) };
    ok(&mut w, "controller", light);
    run(&mut w, 20);
    let area = |w: &World| w.hazards.fire.as_ref().unwrap().model.area_ha();
    let grown = area(&w);
    assert!(grown > 0.0);
    ok(&mut w, "controller", Order::Freeze { hazard: HazardKind::Fire, frozen: true });
    run(&mut w, 30);
    assert_eq!(area(&w), grown, "a frozen fire does not spread");
    assert_eq!(access::view(&w, &Role::Controller).frozen, vec![HazardKind::Fire]);
    ok(&mut w, "controller", Order::Freeze { hazard: HazardKind::Fire, frozen: false });
    // A firebreak across the valley side north of the fire, and the brigade on the fire edge.
    let line = vec![[2.0 * CELL, 36.5 * CELL], [19.0 * CELL, 36.5 * CELL]];
    ok(
        &mut w,
        "command:West",
        Order::Dispatch { team: "西镇队".into(), task: Task::Firebreak, target: Target::Path(line.clone()) },
    );
    ok(
        &mut w,
        "command:West",
        Order::Dispatch { team: "森林消防队".into(), task: Task::AttackFire, target: Target::Point(at) },
    );
    // 1275 m of break: 90 minutes per 300 m.
    let events = run(&mut w, 420);
    assert!(events.iter().any(|e| matches!(e, EventKind::FireAttacked { cells, .. } if *cells > 0)), "direct attack");
    assert!(events.iter().any(|e| matches!(e, EventKind::TeamTaskDone { task: Task::Firebreak, .. })));
    let fire = &w.hazards.fire.as_ref().unwrap().model;
    let row = 36;
    for col in 3..19 {
        let c = row * w.map.grid.cols + col;
        assert_eq!(fire.state[c], CellFire::NoFuel, "the break at column {col}");
    }
}

#[test]
fn the_state_hash_covers_stock_requests_shelters_and_freezes() {
    let base = drill().state_hash();
    let changed = |change: &dyn Fn(&mut World)| {
        let mut w = drill();
        change(&mut w);
        w.state_hash()
    };
    assert_ne!(changed(&|w| w.materials.depots[0].stock.insert("diesel".into(), 1).map_or((), |_| ())), base);
    assert_ne!(changed(&|w| w.materials.teams[0].insert("diesel".into(), 1).map_or((), |_| ())), base);
    assert_ne!(
        changed(&|w| {
            w.requests.file(0, &role("command:West"), "", SupportKind::Experts, "专家", None);
        }),
        base
    );
    assert_ne!(changed(&|w| w.people.shelters[0].occupied = 3), base);
    assert_ne!(changed(&|w| w.plan.freeze(HazardKind::Fire, true)), base);
    assert_ne!(changed(&|w| w.plan.injects_due[0] = true), base);
    assert_ne!(changed(&|w| w.people.villages[0].held = true), base);
    assert_eq!(changed(&|_| ()), base, "the same drill hashes the same");
}

#[test]
fn a_team_watches_a_point_until_sent_elsewhere() {
    let mut w = drill();
    let point = road()[8];
    ok(
        &mut w,
        "command:East",
        Order::Dispatch { team: "东镇队".into(), task: Task::Watch, target: Target::Point(point) },
    );
    run(&mut w, 60);
    let me = access::view(&w, &role("team:东镇队"));
    assert!(matches!(me.teams[0].state, TeamState::Working { task: Task::Watch, .. }), "{:?}", me.teams[0].state);
    assert!(crate::world::dist(me.teams[0].pos, point) < 1.0);
    // Watching is no work that keeps it: it can be sent elsewhere.
    ok(
        &mut w,
        "command:East",
        Order::Dispatch { team: "东镇队".into(), task: Task::Evacuate, target: Target::Village("Alt".into()) },
    );
}

#[test]
fn a_pump_waits_for_its_diesel_where_the_drill_stocks_it() {
    let mut w = drill();
    ok(
        &mut w,
        "command:West",
        Order::Dispatch { team: "森林消防队".into(), task: Task::Pump, target: Target::Village("Mig".into()) },
    );
    let events = run(&mut w, 10);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, EventKind::TaskWaiting { material, missing: 40, .. } if material == "diesel"))
    );
    ok(
        &mut w,
        "command:West",
        Order::SendMaterials {
            depot: "西镇物资站".into(),
            material: "diesel".into(),
            amount: 40,
            to: Consignee::Village("Mig".into()),
        },
    );
    let events = run(&mut w, 40);
    assert!(events.iter().any(|e| matches!(e, EventKind::MaterialsUsed { amount: 40, .. })));
    assert!(events.iter().any(|e| matches!(e, EventKind::TeamTaskDone { task: Task::Pump, .. })));
    assert_eq!(w.depot_stock("西镇物资站", "diesel"), Some(60));
}

#[test]
fn a_team_clears_a_blocked_road_and_loads_get_through_again() {
    let mut w = drill();
    let block =
        Order::Inject {
            to: Role::Controller, message: "塌方".into(), event: Some(WorldEvent::RoadBlocked(road()[2]))
        };
    ok(&mut w, "controller", block);
    let send = || send_bags("Mig", 100);
    let cmd = Command { from: role("command:West"), by: String::new(), order: send() };
    assert_eq!(w.apply(&cmd).map_err(|r| r.code()), Err("no_route"));
    ok(
        &mut w,
        "command:West",
        Order::Dispatch { team: "西镇队".into(), task: Task::ClearRoad, target: Target::Point(road()[2]) },
    );
    let events = run(&mut w, 90);
    assert!(events.iter().any(|e| matches!(e, EventKind::TeamTaskDone { task: Task::ClearRoad, .. })), "{events:?}");
    ok(&mut w, "command:West", send());
}
