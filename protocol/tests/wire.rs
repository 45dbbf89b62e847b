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

use protocol::admission::{TokenReply, TokenRequest};
use protocol::delta::DeltaOp;
use protocol::{
    AdaptiveSpec, AdaptiveState, ClientMessage, ClockState, Control, ControllerData, DeltaKind, HELLO_TAG,
    PROTOCOL_VERSION, Seat, ServerMessage, ShownCodes, StaticData, ViewDelta, encode, hello_version,
};
use sim::access::{
    Briefing, BriefingDepot, BriefingPlan, BriefingShelter, BriefingTeam, BriefingVillage, DrillInfo, PublicBriefing,
    PublicReport, PublicView, PublicVillage, RegisteredPoint,
};
use sim::scenario::TeamKind;
use sim::scenario::{ActionKind, Anchor, Level, LevelSpec, ReactionSpec, RequiredAction, Stage, Trigger};
use sim::score::{
    ActionResult, ActionStatus, Category, CategoryResult, Deduction, DisciplineKind, Evidence, Finding, Grade,
    IndicatorResult, ItemResult, ObjectiveRating, Psmu, Report, ResponseTimes, Text, TownshipResult, VillageOutcome,
};
use sim::view::{
    DepotView, GaugeView, HazardCell, HazardCellKind, MessageView, ReportView, RequestView, RoleView, ShelterView,
    TeamState, TeamView, VillageView,
};
use sim::weather::Weather;
use sim::world::{
    Consignee, ReportClaim, ReportField, ReportForm, ReportStage, SupportKind, Target, TeamReportKind, Trend,
    TruthAtReport, UpCounts, WorldEvent,
};
use sim::{Event, EventKind, HazardKind, Order, OrderKind, Role, Task};

const CLIENT_NAMES: &[&str] = &["Hello", "Order", "Control", "CatchUp"];
const SERVER_NAMES: &[&str] = &[
    "Welcome", "Static", "Refused", "View", "Events", "Clock", "Ended", "Seated", "Public", "Score", "Watched",
    "Focus", "Delta",
];
const CONTROL_NAMES: &[&str] =
    &["Start", "Pause", "SetSpeed", "Step", "Adaptive", "ViewAs", "ShowObservers", "FocusArea"];
const ORDER_NAMES: &[&str] = &[
    "Report",
    "CallForHelp",
    "Warn",
    "Evacuate",
    "HeadCount",
    "Acknowledge",
    "Verify",
    "ActivateLevel",
    "LowerLevel",
    "EndResponse",
    "Dispatch",
    "SendMaterials",
    "ReportUp",
    "RequestSupport",
    "HoldVillage",
    "AcceptTask",
    "RefuseTask",
    "TeamReport",
    "MoveTo",
    "Decide",
    "Directive",
    "Inject",
    "FireInject",
    "Freeze",
];

fn client_name(m: &ClientMessage) -> &'static str {
    match m {
        ClientMessage::Hello { .. } => "Hello",
        ClientMessage::Order(_) => "Order",
        ClientMessage::Control(_) => "Control",
        ClientMessage::CatchUp { .. } => "CatchUp",
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
        ServerMessage::Delta(_) => "Delta",
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
        Order::Report(..) => "Report",
        Order::CallForHelp { .. } => "CallForHelp",
        Order::Warn { .. } => "Warn",
        Order::Evacuate { .. } => "Evacuate",
        Order::HeadCount { .. } => "HeadCount",
        Order::Acknowledge { .. } => "Acknowledge",
        Order::Verify { .. } => "Verify",
        Order::ActivateLevel { .. } => "ActivateLevel",
        Order::LowerLevel { .. } => "LowerLevel",
        Order::EndResponse => "EndResponse",
        Order::Dispatch { .. } => "Dispatch",
        Order::SendMaterials { .. } => "SendMaterials",
        Order::ReportUp { .. } => "ReportUp",
        Order::RequestSupport { .. } => "RequestSupport",
        Order::HoldVillage { .. } => "HoldVillage",
        Order::AcceptTask => "AcceptTask",
        Order::RefuseTask { .. } => "RefuseTask",
        Order::TeamReport { .. } => "TeamReport",
        Order::MoveTo { .. } => "MoveTo",
        Order::Decide { .. } => "Decide",
        Order::Directive { .. } => "Directive",
        Order::Inject { .. } => "Inject",
        Order::FireInject { .. } => "FireInject",
        Order::Freeze { .. } => "Freeze",
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
        EventKind::VerifyAsked { .. } => "VerifyAsked",
        EventKind::CalledForHelp { .. } => "CalledForHelp",
        EventKind::HeadCounted { .. } => "HeadCounted",
        EventKind::LevelLowered { .. } => "LevelLowered",
        EventKind::ResponseEnded { .. } => "ResponseEnded",
        EventKind::ShelterAssigned { .. } => "ShelterAssigned",
        EventKind::ShelterFull { .. } => "ShelterFull",
        EventKind::VillageHeld { .. } => "VillageHeld",
        EventKind::PeopleReturned { .. } => "PeopleReturned",
        EventKind::ReturnStopped { .. } => "ReturnStopped",
        EventKind::TaskAccepted { .. } => "TaskAccepted",
        EventKind::TaskRefused { .. } => "TaskRefused",
        EventKind::TaskWaiting { .. } => "TaskWaiting",
        EventKind::MaterialsUsed { .. } => "MaterialsUsed",
        EventKind::TeamReported { .. } => "TeamReported",
        EventKind::TeamMoving { .. } => "TeamMoving",
        EventKind::FireAttacked { .. } => "FireAttacked",
        EventKind::MaterialsSent { .. } => "MaterialsSent",
        EventKind::MaterialsArrived { .. } => "MaterialsArrived",
        EventKind::SupportRequested { .. } => "SupportRequested",
        EventKind::RequestDecided { .. } => "RequestDecided",
        EventKind::DirectiveSent { .. } => "DirectiveSent",
        EventKind::InjectDue { .. } => "InjectDue",
        EventKind::HazardFrozen { .. } => "HazardFrozen",
        EventKind::ReportTruth { .. } => "ReportTruth",
        EventKind::FalseReportPlanted { .. } => "FalseReportPlanted",
        EventKind::ReportUpTruth { .. } => "ReportUpTruth",
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
        EventKind::ReportFiled {
            id: 1,
            by: role("informant:Canillo"),
            village: v(),
            hazard: HazardKind::Flood,
            stage: ReportStage::Initial,
        },
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
        EventKind::ReportedUp { by: role("command:Canillo"), stage: ReportStage::Final },
        EventKind::RoadClosed { edge: 42, cause: HazardKind::Flood },
        EventKind::GaugeStage { gauge: "G1".into(), stage: Stage::Guaranteed, depth_m: 2.5 },
        EventKind::SlopeSigns { point: "东坡".into() },
        EventKind::SlopeFailed { point: "东坡".into() },
        EventKind::VillageHit { village: v(), hazard: HazardKind::Landslide, casualties: 3, trapped: 40 },
        EventKind::Rescued { village: v(), people: 40, team: t() },
        EventKind::InjectDelivered { to: role("county"), message: "上游水库泄洪".into() },
        EventKind::VerifyAsked { id: 1, by: by() },
        EventKind::CalledForHelp { village: v(), by: role("informant:Canillo") },
        EventKind::HeadCounted { village: v(), moved: 118, in_shelter: 120, by: role("informant:Canillo") },
        EventKind::LevelLowered { level: Level::IV, by: by() },
        EventKind::ResponseEnded { by: by() },
        EventKind::ShelterAssigned { village: v(), shelter: "学校".into(), by: by() },
        EventKind::ShelterFull { shelter: "学校".into(), village: v(), waiting: 30 },
        EventKind::VillageHeld { village: v(), held: true, by: by() },
        EventKind::PeopleReturned { village: v(), people: 25 },
        EventKind::ReturnStopped { village: v() },
        EventKind::TaskAccepted { team: t() },
        EventKind::TaskRefused { team: t(), reason: "道路中断".into() },
        EventKind::TaskWaiting { team: t(), material: "编织袋".into(), missing: 1200 },
        EventKind::MaterialsUsed { team: t(), material: "编织袋".into(), amount: 2000 },
        EventKind::TeamReported { team: t(), kind: TeamReportKind::Problem },
        EventKind::TeamMoving { team: t() },
        EventKind::FireAttacked { team: t(), cells: 4 },
        EventKind::MaterialsSent {
            depot: "物资库".into(),
            material: "编织袋".into(),
            amount: 2000,
            to: v(),
            by: by(),
            arrive_s: 1800,
        },
        EventKind::MaterialsArrived { material: "编织袋".into(), amount: 2000, to: t() },
        EventKind::SupportRequested { id: 1, kind: SupportKind::Experts, by: by() },
        EventKind::RequestDecided { id: 1, approved: false, by: role("county") },
        EventKind::DirectiveSent { to: by(), by: role("county") },
        EventKind::InjectDue { index: 3 },
        EventKind::HazardFrozen { hazard: HazardKind::Flood, frozen: true },
        EventKind::ReportTruth {
            id: 1,
            village: v(),
            township: Some("Canillo".into()),
            claim: ReportClaim {
                hazard: HazardKind::Flood,
                stage: ReportStage::FollowUp,
                at: Some([1500.0, 2500.0]),
                severity: 3,
                people_at_risk: 40,
                casualties: 2,
                trapped: 5,
                trend: Trend::Steady,
                follows: Some(1),
                fields: ReportField::ALL.to_vec(),
            },
            truth: TruthAtReport {
                hazards_here: vec![HazardKind::Flood, HazardKind::Landslide],
                distance_m: Some(120.5),
                severity: 4,
                people_at_risk: 35,
                casualties: 3,
                trapped: 12,
            },
        },
        EventKind::FalseReportPlanted { id: 2, village: v(), hazard: HazardKind::Fire, inject: 4 },
        EventKind::ReportUpTruth {
            by: role("command:Canillo"),
            stage: ReportStage::Initial,
            villages: vec![v(), "Soldeu".into()],
            claim: UpCounts { casualties: 1, trapped: 4, evacuated: 200 },
            told: UpCounts { casualties: 2, trapped: 5, evacuated: 180 },
            truth: UpCounts { casualties: 3, trapped: 12, evacuated: 150 },
        },
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
        ActionKind::FollowUpReport,
        ActionKind::FinalReport,
        ActionKind::HeadCount,
        ActionKind::SendMaterials,
        ActionKind::RequestSupport,
        ActionKind::DecideRequest,
        ActionKind::HoldVillage,
        ActionKind::EndResponse,
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
            late: None,
            early: None,
        })
        .collect();
    BriefingPlan { name: "防汛预案".into(), levels, actions }
}

fn role(s: &str) -> Role {
    s.parse().unwrap_or_else(|e| panic!("sample role {s}: {e}"))
}

/// One of every order, with every report stage, trend, task, target, consignee, support kind,
/// team report kind and world event.
fn orders() -> Vec<Order> {
    let form = |stage, trend, follows| ReportForm {
        stage,
        village: "Canillo".into(),
        hazard: HazardKind::Flood,
        at: Some([1500.0, 2500.0]),
        severity: 3,
        people_at_risk: 40,
        casualties: 2,
        trapped: 5,
        trend,
        actions_taken: "已通知村民上楼".into(),
        note: "河水漫过桥面".into(),
        follows,
    };
    let targets = [
        Target::Village("Canillo".into()),
        Target::Point([1200.0, 800.0]),
        Target::Path(vec![[0.0, 0.0], [100.0, 50.0], [200.0, 75.0]]),
    ];
    let mut orders = vec![
        Order::Report(form(ReportStage::Initial, Trend::Rising, None)),
        Order::Report(form(ReportStage::FollowUp, Trend::Steady, Some(1))),
        Order::Report(form(ReportStage::Final, Trend::Easing, Some(1))),
        Order::CallForHelp { village: "Canillo".into(), note: "有人被困".into() },
        Order::Warn { village: "Canillo".into() },
        Order::Evacuate { village: "Encamp".into(), shelter: Some("学校".into()) },
        Order::Evacuate { village: "Encamp".into(), shelter: None },
        Order::HeadCount { village: "Encamp".into(), moved: 118 },
        Order::Acknowledge { report: 3 },
        Order::Verify { report: 3 },
        Order::ActivateLevel { level: Level::IV },
        Order::LowerLevel { level: Level::IV },
        Order::EndResponse,
    ];
    for (i, task) in Task::ALL.iter().enumerate() {
        orders.push(Order::Dispatch {
            team: "抢险队".into(), task: *task, target: targets[i % targets.len()].clone()
        });
    }
    orders.extend([
        Order::SendMaterials {
            depot: "物资库".into(),
            material: "编织袋".into(),
            amount: 2000,
            to: Consignee::Village("Canillo".into()),
        },
        Order::SendMaterials {
            depot: "物资库".into(),
            material: "柴油".into(),
            amount: 200,
            to: Consignee::Team("抢险队".into()),
        },
        Order::ReportUp {
            stage: ReportStage::FollowUp,
            casualties: 0,
            trapped: 3,
            evacuated: 120,
            note: "已转移 120 人".into(),
        },
        Order::RequestSupport { kind: SupportKind::Teams, detail: "需要冲锋舟".into(), material: None },
        Order::RequestSupport {
            kind: SupportKind::Materials,
            detail: "沙袋".into(),
            material: Some(("编织袋".into(), 5000)),
        },
        Order::RequestSupport { kind: SupportKind::Experts, detail: "地质专家".into(), material: None },
        Order::HoldVillage { village: "Canillo".into(), held: true },
        Order::AcceptTask,
        Order::RefuseTask { reason: "道路中断".into() },
    ]);
    for kind in [TeamReportKind::Arrived, TeamReportKind::Progress, TeamReportKind::Done, TeamReportKind::Problem] {
        orders.push(Order::TeamReport { kind, note: "已到达".into() });
    }
    orders.extend([
        Order::MoveTo { point: [1300.0, 900.0] },
        Order::Decide { request: 1, approve: true, note: "同意".into() },
        Order::Directive { to: role("command:Canillo"), text: "立即转移".into() },
    ]);
    let events = [
        None,
        Some(WorldEvent::Cloudburst { rain_mm_per_h: 80.0, for_min: 60.0 }),
        Some(WorldEvent::Ignition([500.0, 600.0])),
        Some(WorldEvent::RoadBlocked([700.0, 800.0])),
        Some(WorldEvent::ReturnHome { village: "Canillo".into() }),
    ];
    for event in events {
        orders.push(Order::Inject { to: role("informant:Canillo"), message: "上游水库泄洪".into(), event });
    }
    orders.extend([Order::FireInject { index: 2 }, Order::Freeze { hazard: HazardKind::Fire, frozen: true }]);
    orders
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
        schema: sim::score::REPORT_SCHEMA,
        scenario: "测试".into(),
        seed: 7,
        at_min: 90.0,
        duration_min: 90.0,
        score: 72.5,
        grade: Grade::Poor,
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
            credit: 0.5,
            why: Text::new("迟 25 分钟", "25 min late"),
            evidence: vec![Evidence {
                t_s: 2400,
                event: Some(12),
                journal: Some(3),
                note: Text::new("叫应", "acknowledged"),
            }],
        }],
        findings: vec![Finding {
            kind: DisciplineKind::False,
            who: "informant:Canillo".into(),
            village: Some("Canillo".into()),
            report: Some(1),
            at_min: 5.0,
            text: Text::new("报告火情，实无", "reported a fire that was not there"),
            evidence: vec![Evidence { t_s: 300, event: Some(4), journal: Some(1), note: Text::default() }],
        }],
        indicators: vec![CategoryResult {
            category: Category::WarningAndReporting,
            label: Category::WarningAndReporting.label(),
            max: 10.0,
            got: 6.0,
            indicators: vec![IndicatorResult {
                id: "report".into(),
                label: Text::new("信息报告", "reporting"),
                items: vec![ItemResult {
                    id: "first_report".into(),
                    label: Text::new("初报时限", "first report in time"),
                    max: 10.0,
                    got: 6.0,
                    applicable: true,
                    deductions: vec![Deduction { points: 4.0, reason: Text::new("迟报", "late"), evidence: vec![] }],
                }],
            }],
        }],
        objectives: vec![ObjectiveRating {
            category: Category::WarningAndReporting,
            label: Category::WarningAndReporting.label(),
            rating: Psmu::S,
            share: 0.6,
            reasons: vec![Text::new("迟报", "late")],
            evidence: vec![],
        }],
        townships: vec![TownshipResult {
            township: "Canillo".into(),
            score: 72.5,
            grade: Grade::Poor,
            on_time: 1,
            late: 1,
            missing: 0,
            findings: 1,
            response_times: ResponseTimes::default(),
            casualties: 0,
            people_threatened: 120,
            people_safe: 100,
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
            township: Some("Canillo".into()),
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
            county: false,
        }],
        reaction: vec![ReactionSpec { who: "informant:*".into(), min_min: 2.0, max_min: 8.0 }],
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
            road_node: Some(42),
            shelter: Some("学校".into()),
            population: 300,
            at_home: Some(250),
            in_shelter: Some(50),
            casualties: None,
            warned: true,
            evacuation_ordered: false,
            held: true,
            waiting: Some(30),
        }],
        teams: [
            TeamState::Idle,
            TeamState::Mustering { village: "Canillo".into(), task: Task::Firebreak },
            TeamState::EnRoute { village: "Canillo".into(), task: Task::Evacuate, eta_s: 600 },
            TeamState::Working { village: "Canillo".into(), task: Task::ClearRoad },
            TeamState::Blocked { village: "Canillo".into() },
            TeamState::Waiting {
                village: "Canillo".into(),
                task: Task::Sandbag,
                material: "编织袋".into(),
                missing: 800,
            },
            TeamState::Moving { to: [1300.0, 900.0], eta_s: 420 },
        ]
        .into_iter()
        .map(|state| TeamView {
            name: "抢险队".into(),
            kind_zh: "乡镇抢险队".into(),
            size: 20,
            pos: [1000.0, 2000.0],
            node: Some(17),
            state,
            accepted: true,
            carrying: [("编织袋".to_string(), 400)].into_iter().collect(),
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
            by_name: "王五".into(),
            form: ReportForm::initial("Canillo", HazardKind::Flood, "河水上涨"),
            verify_asked: true,
        }],
        gauges: vec![GaugeView {
            name: "G1".into(),
            pos: [1200.0, 2400.0],
            depth_m: 1.25,
            stage: Some(Stage::Warning),
        }],
        messages: vec![MessageView {
            t_s: 600,
            text: "县气象局:暴雨红色预警".into(),
            from: Some(role("controller")),
            by: "李四".into(),
        }],
        orders: vec![OrderKind::Warn, OrderKind::Evacuate],
        closed_roads: vec![7],
        depots: vec![DepotView {
            name: "物资库".into(),
            pos: [1100.0, 2100.0],
            node: Some(3),
            county: true,
            stock: [("编织袋".to_string(), 1500)].into_iter().collect(),
        }],
        shelters: vec![ShelterView { name: "学校".into(), pos: [1600.0, 2600.0], capacity: 500, occupied: 120 }],
        requests: vec![RequestView {
            id: 1,
            t_s: 900,
            from: role("command"),
            by: "赵六".into(),
            kind: SupportKind::Materials,
            detail: "沙袋".into(),
            material: Some(("编织袋".into(), 5000)),
            decision: Some((true, "同意".into())),
        }],
        frozen: vec![HazardKind::Fire],
        injects_due: vec![2],
        messages_before: 3,
        left_out: 2,
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
    for (i, o) in orders().into_iter().enumerate() {
        let detail = format!("#{i}(Order::{})", order_name(&o));
        client(ClientMessage::Order(o), &detail);
    }
    for c in controls() {
        let detail = format!("(Control::{})", control_name(&c));
        client(ClientMessage::Control(c), &detail);
    }
    client(ClientMessage::CatchUp { seen: 300 }, "");
    let server_messages = vec![
        ServerMessage::Welcome {
            role: role("command"),
            roles_on_offer: vec![role("controller"), role("command"), role("county"), role("team:抢险队")],
        },
        ServerMessage::Static(Box::new(StaticData {
            briefing: Some(briefing()),
            public: None,
            controller: Some(ControllerData {
                scenario_ron: "(schema: 1)".into(),
                seed: 7,
                codes: Some(ShownCodes {
                    join: "K7M-4QP".into(),
                    controller: "D8R-2XW".into(),
                    seats: vec![("command:Canillo".into(), "H3N-9TB".into())],
                }),
            }),
            map_name: "andorra".into(),
            map_json: b"{}".to_vec(),
            terrain_bin: vec![0, 1, 2, 255],
            join_code: None,
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
                    stage: ReportStage::Initial,
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
        ServerMessage::Delta(Box::new(ViewDelta {
            kind: DeltaKind::Watched,
            base: 0x0123_4567_89ab_cdef,
            hash: 0xfedc_ba98_7654_3210,
            ops: vec![
                DeltaOp::Copy { at: 0, len: 300 },
                DeltaOp::Add(vec![1, 2, 3]),
                DeltaOp::Copy { at: 310, len: 9 },
            ],
        })),
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
        join_code: Some("K7M-4QP".into()),
    }));
    out.push(("ServerMessage::Static(public)".into(), encode(&public_static)));
    let token_request = TokenRequest {
        protocol: PROTOCOL_VERSION,
        seat: Seat::Role(role("command:Canillo")),
        player: "值班员".into(),
        code: Some("h3n-9tb".into()),
    };
    out.push(("admission::TokenRequest".into(), encode(&token_request)));
    out.push((
        "admission::TokenReply::Refused".into(),
        encode(&TokenReply::Refused { reason: "口令不对 / wrong code".into() }),
    ));
    out.push(("admission::TokenReply::Token".into(), encode(&TokenReply::Token { token: vec![1, 2, 3, 255] })));
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

/// The seeds of the `message` fuzz target (`fuzz/corpus/message/`) are the client samples
/// above, one file each; `UPDATE_EXPECT=1` rewrites them with the wire file.
#[test]
fn the_message_fuzz_seeds_are_the_client_samples() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/message");
    let seeds: Vec<(String, Vec<u8>)> = samples()
        .into_iter()
        .filter(|(label, _)| label.starts_with("ClientMessage::"))
        .map(|(label, bytes)| {
            let name: String =
                label.trim_start_matches("ClientMessage::").chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            (name, bytes)
        })
        .collect();
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    if update {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create fuzz/corpus/message");
    }
    let mut stale = Vec::new();
    for (name, bytes) in &seeds {
        let path = dir.join(format!("{name}.bin"));
        if update {
            std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        } else if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(name.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "fuzz seeds missing or stale: {stale:?}; regenerate with `UPDATE_EXPECT=1 cargo test -p protocol --test wire`"
    );
}
