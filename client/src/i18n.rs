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
    Clock,
    Paused,
    Running,
    Speed,
    Level,
    NoLevel,
    Weather,
    Rain,
    Rain6h,
    Wind,
    Humidity,
    Orders,
    NoOrders,
    Reports,
    NoReports,
    Messages,
    NoMessages,
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
    Water,
    Burning,
    Burned,
    Debris,
    Barrier,
    Population,
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
            T::Clock => ("演练时间", "Drill time"),
            T::Paused => ("已暂停", "paused"),
            T::Running => ("进行中", "running"),
            T::Speed => ("倍速", "speed"),
            T::Level => ("应急响应", "Response level"),
            T::NoLevel => ("未启动", "none"),
            T::Weather => ("天气", "Weather"),
            T::Rain => ("雨强", "rain"),
            T::Rain6h => ("6小时雨量", "rain 6 h"),
            T::Wind => ("风", "wind"),
            T::Humidity => ("湿度", "humidity"),
            T::Orders => ("指令", "Orders"),
            T::NoOrders => ("本角色没有可下达的指令", "this role gives no orders"),
            T::Reports => ("险情报告", "Reports"),
            T::NoReports => ("暂无报告", "no reports yet"),
            T::Messages => ("消息", "Messages"),
            T::NoMessages => ("暂无消息", "no messages yet"),
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
            T::Water => ("积水", "water"),
            T::Burning => ("燃烧", "burning"),
            T::Burned => ("过火", "burned"),
            T::Debris => ("泥石", "debris"),
            T::Barrier => ("隔离/堤", "barrier"),
            T::Population => ("人口", "population"),
        };
        lang.pick(zh, en)
    }
}

/// Installs the language resource (from the command line) and the CJK font.
pub fn plugin(lang: Lang) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(lang).add_systems(EguiPrimaryContextPass, install_fonts);
    }
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
        for t in [T::AppTitle, T::Orders, T::Clock, T::Reports, T::Send, T::Legend] {
            let (zh, en) = (t.text(Lang::Zh), t.text(Lang::En));
            assert!(!zh.is_empty() && !en.is_empty());
            assert_ne!(zh, en);
            assert!(zh.chars().any(|c| c as u32 >= 0x4e00), "{zh} has no Chinese");
        }
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::Zh.other(), Lang::En);
    }
}
