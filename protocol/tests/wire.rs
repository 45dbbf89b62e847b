//! The wire format, pinned per protocol version: one sample of every message (every
//! `ClientMessage` and `ServerMessage` variant, every `Control`, every `sim::Order`, every
//! `EventKind`; views with every team state and hazard cell kind; a briefing whose plan holds
//! every trigger, action kind and anchor) is encoded and
//! compared with `tests/wire/v<PROTOCOL_VERSION>.hex`, one `label: hex` line per sample, so a
//! change to any message shows as a readable diff and cannot ship under an old version number.
//!
//! When a message changes shape: bump `protocol::PROTOCOL_VERSION`, then
//! `UPDATE_EXPECT=1 cargo test -p protocol --test wire` writes the new version's file. The file
//! of a version never changes once written (the update refuses to overwrite it with other
//! bytes); files of older versions are kept for reference and never read.
//!
//! To extend: add the new variant's sample in [`samples`] and its name in the matching `*_NAMES`
//! list and `*_name` match (the match has no wildcard, so a new variant does not compile until
//! it is named).

use std::path::PathBuf;

use protocol::{
    AdaptiveSpec, AdaptiveState, ClientMessage, ClockState, Control, ControllerData, HELLO_TAG, PROTOCOL_VERSION, Seat,
    ServerMessage, StaticData, encode, hello_version,
};
use sim::access::{
    Briefing, BriefingDepot, BriefingPlan, BriefingShelter, BriefingTeam, BriefingVillage, DrillInfo, PublicBriefing,
    PublicReport, PublicView, PublicVillage, RegisteredPoint,
};
use sim::scenario::TeamKind;
use sim::scenario::{ActionKind, Anchor, Level, LevelSpec, RequiredAction, Stage, Trigger};
use sim::score::{ActionResult, ActionStatus, Report, ResponseTimes, VillageOutcome};
use sim::view::{
    GaugeView, HazardCell, HazardCellKind, MessageView, ReportView, RoleView, TeamState, TeamView, VillageView,
};
use sim::weather::Weather;
use sim::{Event, EventKind, HazardKind, Order, OrderKind, Role, Task};

const CLIENT_NAMES: &[&str] = &["Hello", "Order", "Control"];
const SERVER_NAMES: &[&str] = &[
    "Welcome", "Static", "Refused", "View", "Events", "Clock", "Ended", "Seated", "Public", "Score", "Watched", "Focus",
];
const CONTROL_NAMES: &[&str] =
    &["Start", "Pause", "SetSpeed", "Step", "Adaptive", "ViewAs", "ShowObservers", "FocusArea"];
const ORDER_NAMES: &[&str] =
    &["Report", "Acknowledge", "ActivateLevel", "Warn", "Evacuate", "Dispatch", "ReportUp", "Inject"];

fn client_name(m: &ClientMessage) -> &'static str {
    match m {
        ClientMessage::Hello { .. } => "Hello",
        ClientMessage::Order(_) => "Order",
        ClientMessage::Control(_) => "Control",
    }
}

fn server_name(m: &ServerMessage) -> &'static str {
    match m {
        ServerMessage::Welcome { .. } => "Welcome",
        ServerMessage::Static(_) => "Static",
        ServerMessage::Refused { .. } => "Refused",
        ServerMessage::View(_) => "View",
        ServerMessage::Events(_) => "Events",
        ServerMessage::Clock { .. } => "Clock",
        ServerMessage::Ended { .. } => "Ended",
        ServerMessage::Seated { .. } => "Seated",
        ServerMessage::Public(_) => "Public",
        ServerMessage::Score(_) => "Score",
        ServerMessage::Watched(_) => "Watched",
        ServerMessage::Focus(_) => "Focus",
    }
}

fn control_name(c: &Control) -> &'static str {
    match c {
        Control::Start => "Start",
        Control::Pause => "Pause",
        Control::SetSpeed(_) => "SetSpeed",
        Control::Step => "Step",
        Control::Adaptive(_) => "Adaptive",
        Control::ViewAs(_) => "ViewAs",
        Control::ShowObservers(_) => "ShowObservers",
        Control::FocusArea(_) => "FocusArea",
    }
}

fn order_name(o: &Order) -> &'static str {
    match o {
        Order::Report { .. } => "Report",
        Order::Acknowledge { .. } => "Acknowledge",
        Order::ActivateLevel { .. } => "ActivateLevel",
        Order::Warn { .. } => "Warn",
        Order::Evacuate { .. } => "Evacuate",
        Order::Dispatch { .. } => "Dispatch",
        Order::ReportUp { .. } => "ReportUp",
        Order::Inject { .. } => "Inject",
    }
}

fn event_name(k: &EventKind) -> &'static str {
    match k {
        EventKind::DrillStarted => "DrillStarted",
        EventKind::DrillEnded => "DrillEnded",
        EventKind::HazardStarted { .. } => "HazardStarted",
        EventKind::HazardSeen { .. } => "HazardSeen",
        EventKind::ReportFiled { .. } => "ReportFiled",
        EventKind::ReportAcknowledged { .. } => "ReportAcknowledged",
        EventKind::LevelTriggered { .. } => "LevelTriggered",
        EventKind::LevelActivated { .. } => "LevelActivated",
        EventKind::WarningIssued { .. } => "WarningIssued",
        EventKind::EvacuationOrdered { .. } => "EvacuationOrdered",
        EventKind::VillageEvacuated { .. } => "VillageEvacuated",
        EventKind::TeamDispatched { .. } => "TeamDispatched",
        EventKind::TeamArrived { .. } => "TeamArrived",
        EventKind::TeamTaskDone { .. } => "TeamTaskDone",
        EventKind::TeamCannotReach { .. } => "TeamCannotReach",
        EventKind::ReportedUp { .. } => "ReportedUp",
        EventKind::RoadClosed { .. } => "RoadClosed",
        EventKind::GaugeStage { .. } => "GaugeStage",
        EventKind::SlopeSigns { .. } => "SlopeSigns",
        EventKind::SlopeFailed { .. } => "SlopeFailed",
        EventKind::VillageHit { .. } => "VillageHit",
        EventKind::Rescued { .. } => "Rescued",
        EventKind::InjectDelivered { .. } => "InjectDelivered",
    }
}

/// One of every event, each with its fields filled.
fn events() -> Vec<EventKind> {
    let (v, t, by) = (|| "Canillo".to_string(), || "抢险队".to_string(), || role("command"));
    vec![
        EventKind::DrillStarted,
        EventKind::DrillEnded,
        EventKind::HazardStarted { hazard: HazardKind::Fire, near: v() },
        EventKind::HazardSeen { hazard: HazardKind::Landslide, by: role("informant:Canillo"), village: v() },
        EventKind::ReportFiled { id: 1, by: role("informant:Canillo"), village: v(), hazard: HazardKind::Flood },
        EventKind::ReportAcknowledged { id: 1, by: by() },
        EventKind::LevelTriggered { level: Level::III },
        EventKind::LevelActivated { level: Level::II, by: by() },
        EventKind::WarningIssued { village: v(), by: by() },
        EventKind::EvacuationOrdered { village: v(), by: by() },
        EventKind::VillageEvacuated { village: v(), people: 120 },
        EventKind::TeamDispatched { team: t(), village: v(), task: Task::Rescue, by: by() },
        EventKind::TeamArrived { team: t(), village: v() },
        EventKind::TeamTaskDone { team: t(), village: v(), task: Task::Pump },
        EventKind::TeamCannotReach { team: t(), village: v() },
        EventKind::ReportedUp { by: role("command:Canillo") },
        EventKind::RoadClosed { edge: 42, cause: HazardKind::Flood },
        EventKind::GaugeStage { gauge: "G1".into(), stage: Stage::Guaranteed, depth_m: 2.5 },
        EventKind::SlopeSigns { point: "东坡".into() },
        EventKind::SlopeFailed { point: "东坡".into() },
        EventKind::VillageHit { village: v(), hazard: HazardKind::Landslide, casualties: 3, trapped: 40 },
        EventKind::Rescued { village: v(), people: 40, team: t() },
        EventKind::InjectDelivered { to: role("county"), message: "上游水库泄洪".into() },
    ]
}

/// A plan with every trigger (in one `Any`), every kind of action and every anchor.
fn plan() -> BriefingPlan {
    let trigger = Trigger::Any(vec![
        Trigger::RainOver { hours: 3.0, mm: 50.0 },
        Trigger::GaugeAbove { gauge: "G1".into(), stage: Stage::Warning },
        Trigger::FireArea { hectares: 1.0 },
        Trigger::FireBurning { hours: 3.0 },
        Trigger::RainIntensityDuration { scale_mm_per_h: 14.82, exponent: 0.39 },
        Trigger::SlopeSigns { point: "滑坡点1".into() },
        Trigger::SlopeFailed { point: "滑坡点1".into() },
        Trigger::FirstReport,
        Trigger::AtMinute(30.0),
    ]);
    let levels = vec![LevelSpec { level: Level::IV, trigger, by: "command".into(), source: "预案 4.1".into() }];
    let anchors = [
        Anchor::Start,
        Anchor::HazardSeen,
        Anchor::LevelTriggered(Level::IV),
        Anchor::LevelActivated(Level::IV),
        Anchor::Action("a0".into()),
    ];
    let whats = [
        ActionKind::Report,
        ActionKind::Acknowledge,
        ActionKind::ActivateLevel(Level::IV),
        ActionKind::Warn(None),
        ActionKind::Evacuate(Some("Canillo".into())),
        ActionKind::Dispatch(Some("抢险队".into())),
        ActionKind::ReportUp,
        ActionKind::AllSafe(None),
    ];
    let actions = whats
        .into_iter()
        .enumerate()
        .map(|(i, what)| RequiredAction {
            id: format!("a{i}"),
            name: format!("动作 {i}"),
            who: "command".into(),
            what,
            deadline_min: 10.0 + i as f64,
            after: anchors[i % anchors.len()].clone(),
            source: String::new(),
        })
        .collect();
    BriefingPlan { name: "防汛预案".into(), levels, actions }
}

fn role(s: &str) -> Role {
    s.parse().unwrap_or_else(|e| panic!("sample role {s}: {e}"))
}

/// One of every order.
fn orders() -> Vec<Order> {
    vec![
        Order::Report { village: "Canillo".into(), hazard: HazardKind::Flood, note: "河水漫过桥面".into() },
        Order::Acknowledge { report: 3 },
        Order::ActivateLevel { level: Level::IV },
        Order::Warn { village: "Canillo".into() },
        Order::Evacuate { village: "Encamp".into() },
        Order::Dispatch { team: "抢险队".into(), village: "Canillo".into(), task: Task::Sandbag },
        Order::ReportUp { note: "已转移 120 人".into() },
        Order::Inject { to: role("informant:Canillo"), message: "上游水库泄洪".into() },
    ]
}

fn adaptive() -> AdaptiveSpec {
    AdaptiveSpec { decision_speed: 1.0, fast_speed: 120.0, hold_min: 10.0 }
}

fn controls() -> Vec<Control> {
    vec![
        Control::Start,
        Control::Pause,
        Control::SetSpeed(60.0),
        Control::Step,
        Control::Adaptive(Some(adaptive())),
        Control::ViewAs(Some(role("informant:Canillo"))),
        Control::ShowObservers(None),
        Control::FocusArea(Some([100.0, 200.0, 3100.0, 2200.0])),
    ]
}

fn public_village() -> PublicVillage {
    PublicVillage {
        name: "Canillo".into(),
        name_zh: Some("卡尼略".into()),
        township: Some("T1".into()),
        pos: [1200.0, 800.0],
        population: 120,
        warned: true,
        evacuation_ordered: true,
        evacuated: false,
    }
}

fn public_view() -> PublicView {
    PublicView {
        t_s: 3600,
        duration_s: 86_400,
        finished: false,
        weather: weather(),
        levels: vec![(role("command"), Level::III)],
        villages: vec![public_village()],
        villages_warned: 1,
        villages_evacuating: 1,
        villages_evacuated: 0,
        roads_closed: 12,
        reports: vec![PublicReport {
            t_s: 600,
            village: "Canillo".into(),
            hazard: HazardKind::Flood,
            acknowledged: true,
        }],
        teams_out: 2,
        teams_total: 5,
    }
}

fn score_report() -> Report {
    Report {
        scenario: "测试".into(),
        seed: 7,
        duration_min: 90.0,
        score: 72.5,
        adherence: 0.8,
        timeliness: 0.6,
        outcome: 0.9,
        actions: vec![ActionResult {
            id: "ack".into(),
            name: "叫应".into(),
            who: "command".into(),
            status: ActionStatus::Late,
            due_from_min: Some(10.0),
            deadline_min: 15.0,
            done_at_min: Some(40.0),
            done_by: Some("command".into()),
        }],
        response_times: ResponseTimes {
            hazard_seen_min: Some(5.0),
            seen_to_reported_min: Some(3.0),
            reported_to_acknowledged_min: None,
            seen_to_decided_min: None,
            seen_to_people_safe_min: None,
        },
        villages: vec![VillageOutcome {
            village: "Canillo".into(),
            population: 120,
            threatened: true,
            hit_by: vec![HazardKind::Flood],
            at_home: 10,
            in_shelter: 100,
            in_transit: 10,
            casualties: 0,
            trapped: 0,
        }],
        casualties: 0,
        trapped: 0,
        people_threatened: 120,
        people_safe: 100,
        orders_refused: 1,
    }
}

fn weather() -> Weather {
    Weather {
        rain_mm_per_h: 42.5,
        rain_totals_mm: std::array::from_fn(|i| 5.0 * (i + 1) as f64),
        wind_m_per_s: 3.0,
        wind_from_deg: 270.0,
        temperature_c: 18.5,
        humidity_percent: 95.0,
    }
}

/// A briefing with one element in every list.
fn briefing() -> Briefing {
    Briefing {
        role: role("command"),
        drill: DrillInfo {
            name: "卡尼略防汛演练".into(),
            name_en: Some("Canillo flood drill".into()),
            description: "暴雨引发山洪".into(),
            start: "2024-07-01 06:00".into(),
            duration_s: 57_600,
            tick_s: 60,
            map: "andorra".into(),
        },
        roles_on_offer: vec![role("controller"), role("command")],
        hazards: vec![HazardKind::Flood],
        villages: vec![BriefingVillage {
            name: "Canillo".into(),
            name_zh: Some("卡尼略".into()),
            township: Some("Canillo".into()),
            pos: [1500.0, 2500.5],
            population: 300,
            vulnerable: 40,
            shelter: Some("学校".into()),
        }],
        shelters: vec![BriefingShelter { name: "学校".into(), pos: [1600.0, 2600.0], capacity: 500 }],
        teams: vec![BriefingTeam {
            name: "抢险队".into(),
            kind: TeamKind::Township,
            kind_zh: "乡镇抢险队".into(),
            size: 20,
            township: Some("Canillo".into()),
            muster_min: 15.0,
            base: [1000.0, 2000.0],
        }],
        depots: vec![BriefingDepot {
            name: "物资库".into(),
            pos: [1100.0, 2100.0],
            materials: [("沙袋".to_string(), 2000)].into_iter().collect(),
        }],
        plan: plan(),
        hazard_register: vec![RegisteredPoint {
            name: "滑坡点1".into(),
            pos: [900.0, 1900.0],
            threatens: vec!["Canillo".into()],
        }],
        weather: weather(),
    }
}

/// A view with one element in every list.
fn view() -> RoleView {
    RoleView {
        role: role("command"),
        t_s: 3600,
        duration_s: 57_600,
        finished: false,
        level: Some(Level::III),
        weather: weather(),
        hazard: [
            HazardCellKind::Water,
            HazardCellKind::Burning,
            HazardCellKind::Burned,
            HazardCellKind::Debris,
            HazardCellKind::Barrier,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, kind)| HazardCell { cell: 12_345 + i as u32, kind, amount: 80 })
        .collect(),
        villages: vec![VillageView {
            name: "Canillo".into(),
            name_zh: Some("卡尼略".into()),
            pos: [1500.0, 2500.5],
            township: Some("Canillo".into()),
            shelter: Some("学校".into()),
            population: 300,
            at_home: Some(250),
            in_shelter: Some(50),
            casualties: None,
            warned: true,
            evacuation_ordered: false,
        }],
        teams: [
            TeamState::Idle,
            TeamState::Mustering { village: "Canillo".into(), task: Task::Firebreak },
            TeamState::EnRoute { village: "Canillo".into(), task: Task::Evacuate, eta_s: 600 },
            TeamState::Working { village: "Canillo".into(), task: Task::ClearRoad },
            TeamState::Blocked { village: "Canillo".into() },
        ]
        .into_iter()
        .map(|state| TeamView {
            name: "抢险队".into(),
            kind_zh: "乡镇抢险队".into(),
            size: 20,
            pos: [1000.0, 2000.0],
            state,
        })
        .collect(),
        reports: vec![ReportView {
            id: 1,
            t_s: 1800,
            by: role("informant:Canillo"),
            village: "Canillo".into(),
            hazard: HazardKind::Flood,
            note: "河水上涨".into(),
            acknowledged: true,
        }],
        gauges: vec![GaugeView {
            name: "G1".into(),
            pos: [1200.0, 2400.0],
            depth_m: 1.25,
            stage: Some(Stage::Warning),
        }],
        messages: vec![MessageView { t_s: 600, text: "县气象局:暴雨红色预警".into() }],
        orders: vec![OrderKind::Warn, OrderKind::Evacuate],
        closed_roads: vec![7],
    }
}

/// Every sample, labelled. Add new messages here.
fn samples() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut client = |m: ClientMessage, detail: &str| {
        out.push((format!("ClientMessage::{}{detail}", client_name(&m)), encode(&m)));
    };
    for (seat, name) in
        [(Seat::Role(role("informant:Canillo")), "Role"), (Seat::Observer, "Observer"), (Seat::Projector, "Projector")]
    {
        client(
            ClientMessage::Hello { protocol: PROTOCOL_VERSION, seat, player: "张三".into() },
            &format!("(Seat::{name})"),
        );
    }
    for o in orders() {
        let detail = format!("(Order::{})", order_name(&o));
        client(ClientMessage::Order(o), &detail);
    }
    for c in controls() {
        let detail = format!("(Control::{})", control_name(&c));
        client(ClientMessage::Control(c), &detail);
    }
    let server_messages = vec![
        ServerMessage::Welcome {
            role: role("command"),
            roles_on_offer: vec![role("controller"), role("command"), role("county"), role("team:抢险队")],
        },
        ServerMessage::Static(Box::new(StaticData {
            briefing: Some(briefing()),
            public: None,
            controller: Some(ControllerData { scenario_ron: "(schema: 1)".into(), seed: 7 }),
            map_name: "andorra".into(),
            map_json: b"{}".to_vec(),
            terrain_bin: vec![0, 1, 2, 255],
        })),
        ServerMessage::Refused { reason: "角色已被占用 / role taken".into() },
        ServerMessage::View(Box::new(view())),
        ServerMessage::Events(vec![
            Event { t_s: 60, kind: EventKind::DrillStarted },
            Event {
                t_s: 120,
                kind: EventKind::ReportFiled {
                    id: 1,
                    by: role("informant:Canillo"),
                    village: "Canillo".into(),
                    hazard: HazardKind::Flood,
                },
            },
            Event { t_s: 180, kind: EventKind::GaugeStage { gauge: "G1".into(), stage: Stage::Alert, depth_m: 0.5 } },
        ]),
        ServerMessage::Clock(ClockState {
            running: true,
            speed: 1.0,
            t_s: 3600,
            duration_s: 86_400,
            adaptive: Some(AdaptiveState { spec: adaptive(), waiting_for: Some("新报告 / new report".into()) }),
            wall_left_s: Some(7200.0),
            session_h: Some(2.5),
        }),
        ServerMessage::Ended { score: 87.5, summary: "得分 Score 87.5".into() },
        ServerMessage::Seated { seat: Seat::Projector, roles_on_offer: vec![role("controller"), role("command")] },
        ServerMessage::Public(Box::new(public_view())),
        ServerMessage::Score(Box::new(score_report())),
        ServerMessage::Watched(Box::new(view())),
        ServerMessage::Focus(Some([0.0, 0.0, 5000.0, 4000.0])),
    ];
    for m in server_messages {
        out.push((format!("ServerMessage::{}", server_name(&m)), encode(&m)));
    }
    let public_static = ServerMessage::Static(Box::new(StaticData {
        briefing: None,
        public: Some(PublicBriefing {
            drill: briefing().drill,
            roles_on_offer: vec![role("controller"), role("command")],
            hazards: vec![HazardKind::Flood],
            villages: vec![public_village()],
            shelters: vec![("学校".into(), [1500.0, 900.0], 400)],
            plan_name: "防汛预案".into(),
            levels: vec![Level::IV, Level::III],
        }),
        controller: None,
        map_name: "andorra".into(),
        map_json: b"{}".to_vec(),
        terrain_bin: vec![0, 1, 2, 255],
    }));
    out.push(("ServerMessage::Static(public)".into(), encode(&public_static)));
    for (i, kind) in events().into_iter().enumerate() {
        let name = format!("ServerMessage::Events(EventKind::{})", event_name(&kind));
        out.push((name, encode(&ServerMessage::Events(vec![Event { t_s: 60 * i as u32, kind }]))));
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn render(samples: &[(String, Vec<u8>)]) -> String {
    let mut text = format!(
        "# sandtable wire format, PROTOCOL_VERSION {PROTOCOL_VERSION}: postcard bytes of one sample per message.\n\
         # Written by `UPDATE_EXPECT=1 cargo test -p protocol --test wire`; never edit by hand.\n"
    );
    for (label, bytes) in samples {
        text.push_str(&format!("{label}: {}\n", hex(bytes)));
    }
    text
}

fn expected_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("wire").join(format!("v{PROTOCOL_VERSION}.hex"))
}

/// The lines of `a` and `b` that differ, for the failure message.
fn diff(expected: &str, got: &str) -> String {
    let exp: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = got.lines().collect();
    let mut out = String::new();
    for i in 0..exp.len().max(new.len()) {
        let (e, g) = (exp.get(i).copied(), new.get(i).copied());
        if e != g {
            out.push_str(&format!("  - {}\n  + {}\n", e.unwrap_or("<none>"), g.unwrap_or("<none>")));
        }
    }
    out
}

#[test]
fn every_message_encodes_as_the_stored_file_of_this_protocol_version_says() {
    let samples = samples();
    let labels: Vec<&str> = samples.iter().map(|(l, _)| l.as_str()).collect();
    let mut uncovered = Vec::new();
    for n in CLIENT_NAMES.iter().map(|n| format!("ClientMessage::{n}")) {
        if !labels.iter().any(|l| l.starts_with(&n)) {
            uncovered.push(n);
        }
    }
    for n in SERVER_NAMES.iter().map(|n| format!("ServerMessage::{n}")) {
        if !labels.contains(&n.as_str()) {
            uncovered.push(n);
        }
    }
    for n in CONTROL_NAMES.iter().map(|n| format!("(Control::{n})")) {
        if !labels.iter().any(|l| l.ends_with(&n)) {
            uncovered.push(n);
        }
    }
    for n in ORDER_NAMES.iter().map(|n| format!("(Order::{n})")) {
        if !labels.iter().any(|l| l.ends_with(&n)) {
            uncovered.push(n);
        }
    }
    assert!(uncovered.is_empty(), "samples() lacks a sample of {uncovered:?}");
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "two samples share a label: {labels:?}");

    let got = render(&samples);
    let path = expected_path();
    let stored = std::fs::read_to_string(&path).ok();
    if stored.as_deref() == Some(got.as_str()) {
        return;
    }
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    match (&stored, update) {
        (None, true) => {
            std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create tests/wire");
            std::fs::write(&path, &got).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            eprintln!("wrote {}", path.display());
        }
        (None, false) => panic!(
            "the wire format changed, or {} is missing: bump PROTOCOL_VERSION in protocol/src/lib.rs if a message \
             changed shape, and regenerate with `UPDATE_EXPECT=1 cargo test -p protocol --test wire`",
            path.display()
        ),
        (Some(stored), _) => panic!(
            "the wire format changed: the bytes differ from {} (PROTOCOL_VERSION {PROTOCOL_VERSION}).\n\
             Bump PROTOCOL_VERSION in protocol/src/lib.rs and regenerate with \
             `UPDATE_EXPECT=1 cargo test -p protocol --test wire` (a version's file is never overwritten; \
             delete it only if that version never left your machine).\n{}",
            path.display(),
            diff(stored, &got)
        ),
    }
}

/// The bytes another version must still understand: a hello's tag and version, a refusal.
#[test]
fn the_leading_bytes_of_hello_and_refused_are_frozen() {
    let hello = encode(&ClientMessage::Hello {
        protocol: PROTOCOL_VERSION,
        seat: Seat::Role(Role::County),
        player: String::new(),
    });
    assert_eq!(u32::from(hello[0]), HELLO_TAG);
    assert_eq!(hello_version(&hello), Some(PROTOCOL_VERSION));
    let refused = encode(&ServerMessage::Refused { reason: "x".into() });
    assert_eq!(refused, [2, 1, b'x'], "Refused must stay variant 2 with only its reason");
}
