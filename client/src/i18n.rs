//! Every UI string in Chinese (the default) and English, the language resource, and the plugin
//! that installs the bundled CJK font into egui once the context exists.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::fonts;

/// The UI language. Chinese first: the people who run these drills read Chinese.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the Chinese or the English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
    /// The other language, for the toggle button.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
    /// The toggle button's label names the language it switches to.
    pub fn toggle_label(self) -> &'static str {
        match self {
            Lang::Zh => "English",
            Lang::En => "中文",
        }
    }
}

/// UI strings by meaning. Domain names (orders, tasks, levels, events) live in `labels`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum T {
    AppTitle,
    Join,
    Host,
    ServerAddress,
    Scenario,
    Role,
    PlayerName,
    Start,
    Connecting,
    WaitingForMap,
    Refused,
    Disconnected,
    BackToLauncher,
    NoScenarios,
    OtherScenario,
    Open,
    ScenarioUnreadable,
    RoleHint,
    Paused,
    Running,
    Speed,
    Level,
    NoLevel,
    Rain,
    Rain6h,
    Humidity,
    Orders,
    NoOrders,
    Reports,
    NoReports,
    Events,
    Village,
    Note,
    Send,
    Acknowledge,
    Acknowledged,
    Controller,
    StartDrill,
    PauseDrill,
    Villages,
    Teams,
    Gauges,
    AtHome,
    InShelter,
    Warned,
    EvacOrdered,
    DrillEnded,
    Score,
    Message,
    ZoomHint,
    ResetView,
    Legend,
    Burning,
    Burned,
    Debris,
    Barrier,
    Population,
    NetworkError,
    NoAnswer,
    ServerClosed,
    BadMap,
    CannotHost,
    UndecodableMessages,
    SessionClosedAfterEnd,
    NoOrdersSent,
    StatusSent,
    StatusAccepted,
    StatusRefused,
    StatusWaiting,
    StatusUnknown,
    StatusNotSent,
    Reconnecting,
    AckSent,
    WaitingForController,
    ControllerMayStart,
    NewReport,
    UnansweredReports,
    KeyEvents,
    RoadsClosed,
    LegendHazards,
    LegendMap,
    FloodWater,
    River,
    ClosedRoad,
    VillageQuiet,
    VillageWarned,
    VillageEvacuating,
    VillageHarmed,
    AtHomeCounter,
    TeamIdle,
    TeamMoving,
    TeamWorking,
    TeamBlocked,
    GaugeMarker,
    UiScale,
    FormsClosed,
    LastNotice,
    RolesOnServer,
    AskServer,
    AskingServer,
    NoRolesYet,
    StepMinute,
    AdaptiveTime,
    AdaptiveHint,
    DecisionSpeed,
    FastSpeed,
    AdaptiveWaiting,
    AdaptiveFast,
    ExpectedEnd,
    SuggestedSession,
    OwnView,
    ViewAs,
    ObserversSee,
    PublicSituation,
    ProjectorArea,
    ThisMapArea,
    WholeMap,
    LiveScore,
    TeamsOut,
    Warned2,
    Evacuating2,
    Evacuated2,
    Follows,
    Severity,
    Trend,
    PeopleAtRisk,
    ActionsTaken,
    Held,
    Moved,
    Shelter,
    BySheet,
    MapPoint,
    MapPath,
    Amount,
    Casualties,
    Trapped,
    Material,
    Reason,
    Approve,
    Reject,
    WorldEvent,
    NoInjects,
    FireNow,
    Unfreeze,
    FreezeIt,
    ClickTheMap,
    Done,
    DrawOnMap,
    PickOnMap,
    PointsOfLine,
    CommsLog,
    Replay,
    ReplayLoading,
    BadRecord,
    ScoreAtMoment,
    Play,
    Pause,
    PointOfView,
    DrillMinute,
    WorkingOut,
    NoSuchRole,
    DrillCode,
    JoinCode,
    ControllerCode,
    SeatCode,
    EdTitle,
    EdSave,
    EdSaved,
    EdSaveFailed,
    EdUnsaved,
    EdUndo,
    EdCheck,
    EdChecking,
    EdNoProblems,
    EdPlaces,
    EdShelter,
    EdGauge,
    EdInflow,
    EdIgnition,
    EdSlidePoint,
    EdTeamBase,
    EdDepot,
    EdNotOnMap,
    EdPreview,
    EdPreviewHint,
    EdPreviewRunning,
    EdBackToEdit,
    EdCannotOpen,
    EdDragHint,
    EdMoved,
    EdAdd,
    EdInject,
    EdAddHint,
    EdPickOnMap,
    EdNewEntry,
    EdAdded,
    EdCancel,
    EdDelete,
    EdDeleted,
    EdName,
    EdCapacity,
    EdAlertM,
    EdWarningM,
    EdGuaranteedM,
    EdFlow,
    EdStartMin,
    EdCause,
    EdThreatens,
    EdVolume,
    EdTeamKind,
    EdTeamVillage,
    EdTeamTownship,
    EdTeamCounty,
    EdTeamFire,
    EdTeamVolunteer,
    EdSize,
    EdTownship,
    EdCountyTeam,
    EdMusterMin,
    EdMaterial,
    EdCount,
    EdCloseTitle,
    EdCloseSave,
    EdCloseDiscard,
}

impl T {
    /// The text of this string in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            T::AppTitle => ("沙盘推演 · 乡镇应急演练", "sandtable · township emergency drill"),
            T::Join => ("加入演练", "Join a drill"),
            T::Host => ("本机主持演练", "Host a drill here"),
            T::ServerAddress => ("服务器地址", "Server address"),
            T::Scenario => ("想定文件", "Scenario file"),
            T::Role => ("角色", "Role"),
            T::PlayerName => ("姓名", "Name"),
            T::Start => ("开始", "Start"),
            T::Connecting => ("正在连接服务器……", "Connecting to the server…"),
            T::WaitingForMap => ("正在接收地图和态势……", "Receiving the map and the situation…"),
            T::Refused => ("服务器拒绝", "Refused by the server"),
            T::Disconnected => ("连接已断开", "Disconnected"),
            T::BackToLauncher => ("返回", "Back"),
            T::NoScenarios => ("scenarios/ 下没有想定文件", "no scenario files under scenarios/"),
            T::OtherScenario => ("或输入其他想定文件路径", "or the path of another scenario file"),
            T::Open => ("打开", "Open"),
            T::ScenarioUnreadable => ("想定文件无法读取", "the scenario file cannot be read"),
            T::RoleHint => (
                "例如 command、county、informant:村名、team:队名",
                "e.g. command, county, informant:<village>, team:<team>",
            ),
            T::Paused => ("已暂停", "paused"),
            T::Running => ("进行中", "running"),
            T::Speed => ("倍速", "speed"),
            T::Level => ("应急响应", "Response level"),
            T::NoLevel => ("未启动", "none"),
            T::Rain => ("雨强", "rain"),
            T::Rain6h => ("6小时雨量", "rain 6 h"),
            T::Humidity => ("湿度", "humidity"),
            T::Orders => ("指令", "Orders"),
            T::NoOrders => ("本角色没有可下达的指令", "this role gives no orders"),
            T::Reports => ("险情报告", "Reports"),
            T::NoReports => ("暂无报告", "no reports yet"),
            T::Events => ("动态", "Events"),
            T::Village => ("村庄", "Village"),
            T::Note => ("说明", "Note"),
            T::Send => ("下达", "Send"),
            T::Acknowledge => ("确认收到", "Acknowledge"),
            T::Acknowledged => ("已确认", "acknowledged"),
            T::Controller => ("导调控制", "Controller"),
            T::StartDrill => ("开始/继续", "Start / resume"),
            T::PauseDrill => ("暂停", "Pause"),
            T::Villages => ("村庄", "Villages"),
            T::Teams => ("队伍", "Teams"),
            T::Gauges => ("水位站", "Gauges"),
            T::AtHome => ("在家", "at home"),
            T::InShelter => ("已安置", "sheltered"),
            T::Warned => ("已预警", "warned"),
            T::EvacOrdered => ("已令转移", "evacuating"),
            T::DrillEnded => ("演练结束", "Drill ended"),
            T::Score => ("得分", "Score"),
            T::Message => ("内容", "Message"),
            T::ZoomHint => ("拖动平移 · 滚轮缩放", "drag to pan · scroll to zoom"),
            T::ResetView => ("复位", "Reset view"),
            T::Legend => ("图例", "Legend"),
            T::Burning => ("燃烧", "burning"),
            T::Burned => ("过火", "burned"),
            T::Debris => ("泥石", "debris"),
            T::Barrier => ("隔离/堤", "barrier"),
            T::Population => ("人口", "population"),
            T::NetworkError => ("网络错误", "network error"),
            T::NoAnswer => (
                "服务器无应答 (是否已启动? 版本是否相同?)",
                "no answer from the server (is it running, and of the same major version?)",
            ),
            T::ServerClosed => ("服务器关闭了连接", "the server closed the connection"),
            T::BadMap => ("服务器发来的地图无法读取", "the map from the server cannot be read"),
            T::CannotHost => ("无法在本机主持演练", "cannot host the drill here"),
            T::UndecodableMessages => {
                ("条服务器消息无法解析 (版本不同?)", "undecodable message(s) from the server (another version?)")
            }
            T::SessionClosedAfterEnd => ("演练已结束, 连接已关闭", "the drill has ended; the connection is closed"),
            T::NoOrdersSent => ("尚未下达指令", "no orders sent yet"),
            T::StatusSent => ("已发送", "sent"),
            T::StatusAccepted => ("已执行", "accepted"),
            T::StatusRefused => ("被拒绝", "refused"),
            T::StatusWaiting => ("等待重连后发送", "waiting for the link"),
            T::StatusUnknown => ("未确认 (连接中断时发出)", "not confirmed (sent as the link dropped)"),
            T::StatusNotSent => ("未发送", "not sent"),
            T::Reconnecting => ("连接中断，正在重连…", "link lost, reconnecting…"),
            T::AckSent => ("已发送确认", "acknowledgement sent"),
            T::WaitingForController => ("等待导调开始", "waiting for the controller to start"),
            T::ControllerMayStart => ("演练尚未开始: 按 开始/继续", "the drill has not started: press Start / resume"),
            T::NewReport => ("新险情报告", "new report"),
            T::UnansweredReports => ("份报告待确认", "report(s) to acknowledge"),
            T::KeyEvents => ("要事", "Key events"),
            T::RoadsClosed => ("段道路中断", "road sections closed"),
            T::LegendHazards => ("险情", "Hazards"),
            T::LegendMap => ("标记", "Markers"),
            T::FloodWater => ("洪水淹没 (越深越暗)", "flood water (darker is deeper)"),
            T::River => ("河流、水面", "river, lake"),
            T::ClosedRoad => ("道路中断", "road closed"),
            T::VillageQuiet => ("村庄: 未预警", "village: not warned"),
            T::VillageWarned => ("村庄: 已预警", "village: warned"),
            T::VillageEvacuating => ("村庄: 已令转移", "village: evacuation ordered"),
            T::VillageHarmed => ("村庄: 有伤亡 (红色只表示伤亡)", "village: casualties (red means only this)"),
            T::AtHomeCounter => ("620/620 = 在家人数/总人口", "620/620 = people at home / population"),
            T::TeamIdle => ("队伍: 待命", "team: standing by"),
            T::TeamMoving => ("队伍: 集结或途中", "team: mustering or en route"),
            T::TeamWorking => ("队伍: 作业中", "team: working"),
            T::TeamBlocked => ("队伍: 受阻", "team: blocked"),
            T::GaugeMarker => ("水位站 (颜色为水位级别)", "gauge (colour is the stage)"),
            T::UiScale => ("界面大小", "UI scale"),
            T::FormsClosed => ("演练已结束, 不再接受指令", "the drill has ended; no more orders"),
            T::LastNotice => ("提示", "Notice"),
            T::RolesOnServer => ("服务器上的角色", "Roles on the server"),
            T::AskServer => ("查询角色", "Ask the server"),
            T::AskingServer => ("正在查询……", "asking…"),
            T::NoRolesYet => ("先查询服务器上的角色", "ask the server for its roles first"),
            T::StepMinute => ("单步 1 分钟", "Step 1 min"),
            T::AdaptiveTime => ("自适应时间", "Adaptive time"),
            T::AdaptiveHint => (
                "无事时快进, 有报告、注入、触发或队伍报告时降到决策倍速, 处理后再加速",
                "fast-forward while nothing needs anyone; decision speed when a report, inject, trigger or team report arrives; fast again once answered",
            ),
            T::DecisionSpeed => ("决策倍速", "decision"),
            T::FastSpeed => ("快进倍速", "fast"),
            T::AdaptiveWaiting => ("等待处置", "waiting for"),
            T::AdaptiveFast => ("快进中", "fast-forwarding"),
            T::ExpectedEnd => ("预计结束还需", "expected end in"),
            T::SuggestedSession => ("建议时长", "suggested session"),
            T::OwnView => ("导调全局", "controller's own"),
            T::ViewAs => ("查看角色", "View as"),
            T::ObserversSee => ("观摩者看", "Observers see"),
            T::PublicSituation => ("公开态势", "the public situation"),
            T::ProjectorArea => ("大屏区域", "Projector area"),
            T::ThisMapArea => ("当前地图范围", "this map area"),
            T::WholeMap => ("全图", "whole map"),
            T::LiveScore => ("实时评分", "Live score"),
            T::TeamsOut => ("出动队伍", "teams out"),
            T::Warned2 => ("已预警村庄", "villages warned"),
            T::Evacuating2 => ("转移中", "evacuating"),
            T::Evacuated2 => ("已转移", "evacuated"),
            T::Follows => ("接续报告", "follows"),
            T::Severity => ("程度", "severity"),
            T::Trend => ("趋势", "trend"),
            T::PeopleAtRisk => ("受威胁人数", "people at risk"),
            T::ActionsTaken => ("已采取措施", "actions taken"),
            T::Held => ("管控 (不准返回)", "held (nobody returns)"),
            T::Moved => ("转移到位人数", "people moved"),
            T::Shelter => ("安置点", "shelter"),
            T::BySheet => ("按明白纸", "by the evacuation sheet"),
            T::MapPoint => ("地图点", "map point"),
            T::MapPath => ("地图画线", "path on the map"),
            T::Amount => ("数量", "amount"),
            T::Casualties => ("伤亡", "casualties"),
            T::Trapped => ("被困", "trapped"),
            T::Material => ("物资", "material"),
            T::Reason => ("理由", "reason"),
            T::Approve => ("批准", "Approve"),
            T::Reject => ("驳回", "Refuse"),
            T::WorldEvent => ("态势事件", "world event"),
            T::NoInjects => ("本想定没有脚本注入", "this scenario has no scripted injects"),
            T::FireNow => ("立即发出", "Fire now"),
            T::Unfreeze => ("解冻", "Unfreeze"),
            T::FreezeIt => ("冻结", "Freeze"),
            T::ClickTheMap => ("在地图上点击", "click the map"),
            T::Done => ("完成", "Done"),
            T::DrawOnMap => ("在地图上画线", "Draw on the map"),
            T::PickOnMap => ("在地图上选点", "Pick on the map"),
            T::PointsOfLine => ("点连线", "points"),
            T::CommsLog => ("通信记录", "Communications log"),
            T::Replay => ("回放", "Replay"),
            T::ReplayLoading => ("正在读取记录、重演演练……", "Reading the record and playing the drill again…"),
            T::BadRecord => ("记录无法回放", "the record cannot be replayed"),
            T::ScoreAtMoment => ("此刻得分", "Score at this moment"),
            T::Play => ("▶ 播放", "▶ Play"),
            T::Pause => ("⏸ 暂停", "⏸ Pause"),
            T::PointOfView => ("视角", "Point of view"),
            T::DrillMinute => ("演练时间 (分钟)", "drill time (minutes)"),
            T::WorkingOut => ("正在计算此刻态势……", "working out this moment…"),
            T::NoSuchRole => ("本次演练没有这个角色", "no such role in this drill"),
            T::DrillCode => ("口令", "Drill code"),
            T::JoinCode => ("加入口令", "Join code"),
            T::ControllerCode => ("导调口令", "Controller code"),
            T::SeatCode => ("席位口令", "Seat code"),
            T::EdTitle => ("场景编辑", "Scenario editor"),
            T::EdSave => ("保存", "Save"),
            T::EdSaved => ("已保存", "Saved"),
            T::EdSaveFailed => ("保存失败", "Save failed"),
            T::EdUnsaved => ("有未保存的修改", "Unsaved changes"),
            T::EdUndo => ("撤销", "Undo"),
            T::EdCheck => ("检查结果", "Check"),
            T::EdChecking => ("正在检查……", "Checking…"),
            T::EdNoProblems => ("没有发现问题", "No problems found"),
            T::EdPlaces => ("位置 (在地图上拖动标记)", "Places (drag a marker on the map)"),
            T::EdShelter => ("避灾点", "Shelter"),
            T::EdGauge => ("水位站", "Gauge"),
            T::EdInflow => ("来水点", "Inflow"),
            T::EdIgnition => ("起火点", "Ignition"),
            T::EdSlidePoint => ("地灾隐患点", "Landslide point"),
            T::EdTeamBase => ("队伍驻地", "Team base"),
            T::EdDepot => ("物资储备站", "Depot"),
            T::EdNotOnMap => ("不在地图上", "not on the map"),
            T::EdPreview => ("预演灾情", "Preview the hazard"),
            T::EdPreviewHint => (
                "机器人快速推演全程, 在地图上显示洪水或火势的蔓延 (按当前未保存的内容)",
                "Bots play the drill fast; the flood or the fire spreads on the map (the text as edited, saved or not)",
            ),
            T::EdPreviewRunning => ("正在快速推演……", "Playing the drill fast…"),
            T::EdBackToEdit => ("返回编辑", "Back to editing"),
            T::EdCannotOpen => ("场景无法打开", "The scenario cannot be opened"),
            T::EdDragHint => (
                "拖动标记即可移动, 选中后可删除; 保存时只改写改动的条目, 注释和排版保持不变",
                "Drag a marker to move it, select one to delete it; saving rewrites only the edited entries, comments and layout stay",
            ),
            T::EdMoved => ("已移动", "Moved"),
            T::EdAdd => ("添加", "Add"),
            T::EdInject => ("注入事件地点", "Inject's place"),
            T::EdAddHint => ("选一类, 再在地图上点击放置的位置", "Pick a kind, then click the map where it goes"),
            T::EdPickOnMap => ("在地图上点击放置的位置", "Click the map where it goes"),
            T::EdNewEntry => ("新建", "New"),
            T::EdAdded => ("已添加", "Added"),
            T::EdCancel => ("取消", "Cancel"),
            T::EdDelete => ("删除", "Delete"),
            T::EdDeleted => ("已删除", "Deleted"),
            T::EdName => ("名称", "Name"),
            T::EdCapacity => ("容纳人数", "Capacity (people)"),
            T::EdAlertM => ("设防水位 (米)", "Alert stage (m)"),
            T::EdWarningM => ("警戒水位 (米)", "Warning stage (m)"),
            T::EdGuaranteedM => ("保证水位 (米)", "Guaranteed stage (m)"),
            T::EdFlow => ("来水流量 (立方米/秒)", "Flow (m³/s)"),
            T::EdStartMin => ("起火时间 (开始后分钟)", "Starts (minutes from the start)"),
            T::EdCause => ("起火原因", "Cause"),
            T::EdThreatens => ("威胁的村", "Village threatened"),
            T::EdVolume => ("方量 (立方米)", "Volume (m³)"),
            T::EdTeamKind => ("队伍类型", "Kind of team"),
            T::EdTeamVillage => ("村级应急队伍", "Village team"),
            T::EdTeamTownship => ("乡镇综合应急救援队", "Township rescue team"),
            T::EdTeamCounty => ("县专业队伍", "County professional team"),
            T::EdTeamFire => ("森林消防 / 消防救援", "Fire brigade"),
            T::EdTeamVolunteer => ("志愿者队伍", "Volunteers"),
            T::EdSize => ("人数", "Members"),
            T::EdTownship => ("所属乡镇", "Township"),
            T::EdCountyTeam => ("县级 (不属乡镇)", "County (no township)"),
            T::EdMusterMin => ("集结时间 (分钟)", "Muster time (minutes)"),
            T::EdMaterial => ("物资", "Material"),
            T::EdCount => ("数量", "Count"),
            T::EdCloseTitle => ("有未保存的修改, 关闭前保存吗?", "There are unsaved changes. Save before closing?"),
            T::EdCloseSave => ("保存并关闭", "Save and close"),
            T::EdCloseDiscard => ("不保存, 关闭", "Close without saving"),
        };
        lang.pick(zh, en)
    }
}

/// The half of a server text for the UI language. The server and the bots write
/// `"中文 / English"` (refusals, notes) or labels as `"中文 English"` pairs (the end-of-drill
/// summary); the catalogue's own strings never pass through here.
pub fn bilingual(text: &str, lang: Lang) -> String {
    text.lines().map(|line| bilingual_line(line, lang)).collect::<Vec<_>>().join("\n")
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303f | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xff00..=0xffef)
}

/// A word of English: letters (and arrows, hyphens), maybe closed by punctuation.
fn is_english_word(w: &str) -> bool {
    let core = w.trim_end_matches([':', ',', ')', ';', '.']);
    !core.is_empty() && core.chars().all(|c| c.is_ascii_alphabetic() || c == '→' || c == '-' || c == '\'')
}

fn bilingual_line(line: &str, lang: Lang) -> String {
    if let Some((zh, en)) = line.split_once(" / ") {
        return match lang {
            Lang::Zh => zh.trim().to_string(),
            Lang::En => en.trim().to_string(),
        };
    }
    if !line.chars().any(is_cjk) {
        return line.to_string();
    }
    let words: Vec<&str> = line.split(' ').collect();
    let mut out: Vec<String> = Vec::new();
    match lang {
        Lang::Zh => {
            // Drop the English words that follow a Chinese label; keep their punctuation.
            let mut after_label = false;
            for w in words {
                if after_label && is_english_word(w) {
                    let tail = &w[w.trim_end_matches([':', ',', ')', ';', '.']).len()..];
                    if let Some(last) = out.last_mut() {
                        last.push_str(tail);
                    }
                    continue;
                }
                after_label = w.chars().any(is_cjk);
                out.push(w.to_string());
            }
        }
        Lang::En => {
            // Drop a Chinese label when English words follow it; keep Chinese data (names).
            for (i, w) in words.iter().enumerate() {
                let label = w.chars().any(is_cjk) && words.get(i + 1).is_some_and(|n| is_english_word(n));
                if label {
                    // Keep an opening bracket the label carried: "(演练提前结束 stopped" → "(stopped".
                    let open: String = w.chars().take_while(|c| *c == '(').collect();
                    if !open.is_empty() {
                        out.push(open);
                    }
                    continue;
                }
                out.push(w.to_string());
            }
        }
    }
    let joined = out.iter().filter(|w| !w.is_empty()).cloned().collect::<Vec<_>>().join(" ");
    joined.replace("( ", "(")
}

/// The UI scale (egui's zoom): 1.0 on a laptop, larger for a projector across the hall.
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct UiScale(pub f32);

impl UiScale {
    pub const MIN: f32 = 0.75;
    pub const MAX: f32 = 3.0;
    /// One step of 25 % up (+1) or down (-1), within [`UiScale::MIN`]..=[`UiScale::MAX`].
    pub fn step(&mut self, dir: i32) {
        self.0 = (self.0 + 0.25 * dir as f32).clamp(Self::MIN, Self::MAX);
    }
}

/// Installs the language and scale resources (from the command line) and the CJK font.
pub fn plugin(lang: Lang, scale: f32) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(lang)
            .insert_resource(UiScale(scale.clamp(UiScale::MIN, UiScale::MAX)))
            .add_systems(EguiPrimaryContextPass, (install_fonts, apply_scale));
    }
}

fn apply_scale(mut contexts: EguiContexts, scale: Res<UiScale>) -> Result {
    let ctx = contexts.ctx_mut()?;
    if (ctx.zoom_factor() - scale.0).abs() > f32::EPSILON {
        ctx.set_zoom_factor(scale.0);
    }
    Ok(())
}

/// Runs until the egui context exists, then sets the fonts once.
fn install_fonts(mut contexts: EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    let ctx: &mut egui::Context = contexts.ctx_mut()?;
    ctx.set_fonts(fonts::definitions());
    *done = true;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_has_both_languages() {
        // A sample across the table: both texts exist and differ (no untranslated copies).
        for t in [
            T::AppTitle,
            T::Orders,
            T::CommsLog,
            T::Reports,
            T::WaitingForController,
            T::Send,
            T::Legend,
            T::Replay,
            T::ScoreAtMoment,
        ] {
            let (zh, en) = (t.text(Lang::Zh), t.text(Lang::En));
            assert!(!zh.is_empty() && !en.is_empty());
            assert_ne!(zh, en);
            assert!(zh.chars().any(|c| c as u32 >= 0x4e00), "{zh} has no Chinese");
        }
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::Zh.other(), Lang::En);
        let mut s = UiScale(2.9);
        s.step(1);
        assert_eq!(s.0, UiScale::MAX);
        s.step(-1);
        assert_eq!(s.0, 2.75);
    }

    #[test]
    fn server_texts_show_the_half_of_the_ui_language() {
        let refusal = "村庄 Canillo 不归 乡镇指挥部 管 / Canillo is not in the care of command";
        assert_eq!(bilingual(refusal, Lang::Zh), "村庄 Canillo 不归 乡镇指挥部 管");
        assert_eq!(bilingual(refusal, Lang::En), "Canillo is not in the care of command");
        let note = "按预案报告: 乡镇 20 分钟内电话向县报告 / as the plan requires: report_county";
        assert!(!bilingual(note, Lang::Zh).contains("report_county"));
        let summary = "演练 Drill: 洪水演练 (480 分钟 min, 种子 seed 42)\n\
            得分 Score: 71.5/100  (预案执行 adherence 0.80, 时效 timeliness 0.50, 结果 outcome 0.90)\n\
            规定动作 Required actions: 按时 on time 3, 迟 late 1\n\
            响应时间 Response: 发现→上报 seen→reported 4 min";
        let zh = bilingual(summary, Lang::Zh);
        for english in ["Drill", "Score", "adherence", "Required", "on time", "seen→reported", "seed"] {
            assert!(!zh.contains(english), "{english} in {zh}");
        }
        for kept in ["演练: 洪水演练", "得分: 71.5/100", "按时 3", "发现→上报 4 min", "种子 42"] {
            assert!(zh.contains(kept), "{kept} not in {zh}");
        }
        let en = bilingual(summary, Lang::En);
        assert!(!en.contains("得分") && !en.contains("预案执行"), "{en}");
        assert!(
            en.contains("Drill: 洪水演练") && en.contains("Score: 71.5/100") && en.contains("(adherence 0.80"),
            "{en}"
        );
        assert_eq!(bilingual("plain text", Lang::Zh), "plain text");
    }
}
