//! Why a message, an order or a control was refused: one type with stable codes (for logs,
//! records and tests) and its words, Chinese first, in one place. The lobby (joining a seat)
//! and the drill (orders, the clock) both refuse with it.

use crate::world::OrderKind;

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("演练已结束 / the drill has ended")]
    Ended,
    #[error("角色 {role} 不在本次演练中 / role {role} is not part of this drill")]
    UnknownRole { role: String },
    #[error("角色 {role} 无权下达{zh} / role {role} may not give the order {order:?}", zh = order.label_zh())]
    NotAllowed { role: String, order: OrderKind },
    #[error("只有导调可以{zh} / only the controller may {en}", zh = what.0, en = what.1)]
    ControllerOnly { what: (&'static str, &'static str) },
    #[error("速度须大于 0 且不超过 {max} / speed must be above 0 and at most {max}, not {speed}")]
    BadSpeed { speed: f32, max: f32 },
    #[error("本次演练没有村庄 {village} / no village named {village} in this drill")]
    NoSuchVillage { village: String },
    #[error("本次演练没有队伍 {team} / no team named {team} in this drill")]
    NoSuchTeam { team: String },
    #[error("没有第 {report} 号报告 / no report number {report}")]
    NoSuchReport { report: u32 },
    #[error("第 {report} 号报告已确认 / report {report} is already acknowledged")]
    AlreadyAcknowledged { report: u32 },
    #[error("本次演练没有角色 {role} / no role {role} in this drill")]
    NoSuchRole { role: String },
    #[error("村庄 {village} 不归 {role} 管 / {village} is not in the care of {role}")]
    NotYourVillage { role: String, village: String },
    #[error("队伍 {team} 不归 {role} 调遣, 请向县里申请 / team {team} does not answer to {role}; ask the county")]
    NotYourTeam { role: String, team: String },
    #[error("日志写入失败, 指令未执行 / journal write failed, the command was not applied: {reason}")]
    RecordFailed { reason: String },
    #[error("无法解析的消息 / undecodable message ({bytes} bytes): {error}")]
    Undecodable { bytes: usize, error: String },
    #[error(
        "协议版本不同, 请使用与服务器相同版本的 sandtable / versions differ: client protocol {client}, server protocol {server}; use the same sandtable version as the server"
    )]
    VersionsDiffer { client: String, server: String },
    #[error("请先选择角色 / send Hello with a role first")]
    HelloFirst,
    #[error("指令过于频繁 / too many orders: at most {per_s} per second")]
    TooManyOrders { per_s: f64 },
    #[error("已加入为 {role} / already joined as {role}")]
    AlreadyJoined { role: String },
    #[error("角色 {role} 不在本次演练中 / role {role} is not on offer; on offer: {offer}")]
    RoleNotOnOffer { role: String, offer: String },
    #[error("角色 {role} 已被 {by} 占用 / role {role} is taken by {by}")]
    RoleTaken { role: String, by: String },
    #[error(
        "物资不足: {depot} 的 {material} 现有 {have}, 需要 {want} / not enough {material} at {depot}: {have}, {want} asked"
    )]
    NoStock { depot: String, material: String, have: u32, want: u32 },
    #[error("道路中断, 无法到达 {to} / the roads to {to} are closed: no route")]
    NoRoute { to: String },
    #[error("队伍 {team} 正在执行任务 / team {team} is busy with a task on site")]
    TeamBusy { team: String },
    #[error("本次演练没有安置点 {shelter} / no shelter named {shelter} in this drill")]
    NoSuchShelter { shelter: String },
    #[error("本次演练没有物资库 {depot} / no depot named {depot} in this drill")]
    NoSuchDepot { depot: String },
    #[error("物资库 {depot} 不归 {role} 调拨 / depot {depot} is not in the care of {role}")]
    NotYourDepot { role: String, depot: String },
    #[error("没有第 {request} 号请求 / no request number {request}")]
    NoSuchRequest { request: u32 },
    #[error("第 {request} 号请求已审批 / request {request} is already decided")]
    AlreadyDecided { request: u32 },
    #[error("队伍 {team} 没有待执行的任务 / team {team} has no task to accept or refuse")]
    NoTask { team: String },
    #[error("没有第 {index} 号预设情况 / no scripted inject number {index}")]
    NoSuchInject { index: u32 },
    #[error("第 {index} 号预设情况已发出 / scripted inject {index} was already fired")]
    AlreadyFired { index: u32 },
    #[error("填写有误: {zh} / bad form: {en}")]
    BadForm { zh: String, en: String },
    #[error("当前响应为 {current}, 无法降为 {level} / the response is at {current}: {level} is not lower")]
    NotLower { current: String, level: String },
    #[error("尚未启动响应: {role} / {role} has no response running")]
    NoResponse { role: String },
    #[error("{zh}过长: {bytes} 字节, 最多 {max} 字节 / {en} is too long: {bytes} bytes, at most {max}", zh = what.0, en = what.1)]
    TooLong { what: (&'static str, &'static str), bytes: usize, max: usize },
    #[error("消息过大: {bytes} 字节, 最多 {max} 字节 / message too large: {bytes} bytes, at most {max}")]
    MessageTooLarge { bytes: usize, max: usize },
    #[error("需要口令: {seat} / {seat} needs a drill code: ask the controller (导调) for it")]
    CodeMissing { seat: String },
    #[error("口令不对 / wrong code for {seat}")]
    CodeWrong { seat: String },
    #[error("口令错误次数过多, 请 {wait_s} 秒后再试 / too many wrong codes from this address: try again in {wait_s} s")]
    TooManyCodeAttempts { wait_s: u64 },
    #[error("口令只允许加入 {granted}, 不能加入 {asked} / your code admits you to {granted}, not {asked}")]
    NotYourSeat { granted: String, asked: String },
    #[error("无法解析的入场请求 / bad token request: {error}")]
    BadTokenRequest { error: String },
    #[error(
        "本服务器只接受加密 (TLS) 的入场请求, 请用 --tls-pin 加上服务器打印的证书指纹 / this server takes token requests over TLS only: join with --tls-pin and the pin the server printed"
    )]
    TlsRequired,
}

impl Refusal {
    /// A form that cannot be right, with why in both languages.
    pub fn bad_form(zh: &str, en: &str) -> Refusal {
        Refusal::BadForm { zh: zh.to_string(), en: en.to_string() }
    }
}

impl Refusal {
    /// A stable code for logs, records and tests; the words may change, the codes do not.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Ended => "ended",
            Refusal::UnknownRole { .. } => "unknown_role",
            Refusal::NotAllowed { .. } => "not_allowed",
            Refusal::ControllerOnly { .. } => "controller_only",
            Refusal::BadSpeed { .. } => "bad_speed",
            Refusal::NoSuchVillage { .. } => "no_such_village",
            Refusal::NoSuchTeam { .. } => "no_such_team",
            Refusal::NoSuchReport { .. } => "no_such_report",
            Refusal::AlreadyAcknowledged { .. } => "already_acknowledged",
            Refusal::NoSuchRole { .. } => "no_such_role",
            Refusal::NotYourVillage { .. } => "not_your_village",
            Refusal::NotYourTeam { .. } => "not_your_team",
            Refusal::RecordFailed { .. } => "record_failed",
            Refusal::Undecodable { .. } => "undecodable",
            Refusal::VersionsDiffer { .. } => "versions_differ",
            Refusal::HelloFirst => "hello_first",
            Refusal::TooManyOrders { .. } => "too_many_orders",
            Refusal::AlreadyJoined { .. } => "already_joined",
            Refusal::RoleNotOnOffer { .. } => "role_not_on_offer",
            Refusal::RoleTaken { .. } => "role_taken",
            Refusal::NoStock { .. } => "no_stock",
            Refusal::NoRoute { .. } => "no_route",
            Refusal::TeamBusy { .. } => "team_busy",
            Refusal::NoSuchShelter { .. } => "no_such_shelter",
            Refusal::NoSuchDepot { .. } => "no_such_depot",
            Refusal::NotYourDepot { .. } => "not_your_depot",
            Refusal::NoSuchRequest { .. } => "no_such_request",
            Refusal::AlreadyDecided { .. } => "already_decided",
            Refusal::NoTask { .. } => "no_task",
            Refusal::NoSuchInject { .. } => "no_such_inject",
            Refusal::AlreadyFired { .. } => "already_fired",
            Refusal::BadForm { .. } => "bad_form",
            Refusal::NotLower { .. } => "not_lower",
            Refusal::NoResponse { .. } => "no_response",
            Refusal::TooLong { .. } => "too_long",
            Refusal::MessageTooLarge { .. } => "message_too_large",
            Refusal::CodeMissing { .. } => "code_missing",
            Refusal::CodeWrong { .. } => "code_wrong",
            Refusal::TooManyCodeAttempts { .. } => "too_many_code_attempts",
            Refusal::NotYourSeat { .. } => "not_your_seat",
            Refusal::BadTokenRequest { .. } => "bad_token_request",
            Refusal::TlsRequired => "tls_required",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_carry_both_languages_and_codes_are_distinct() {
        let all = [
            Refusal::Ended,
            Refusal::UnknownRole { role: "x".into() },
            Refusal::NotAllowed { role: "team:T".into(), order: OrderKind::Warn },
            Refusal::ControllerOnly { what: ("暂停", "pause") },
            Refusal::BadSpeed { speed: -1.0, max: 10.0 },
            Refusal::NoSuchVillage { village: "V".into() },
            Refusal::NoSuchTeam { team: "T".into() },
            Refusal::NoSuchReport { report: 3 },
            Refusal::AlreadyAcknowledged { report: 3 },
            Refusal::NoSuchRole { role: "r".into() },
            Refusal::NotYourVillage { role: "r".into(), village: "V".into() },
            Refusal::NotYourTeam { role: "r".into(), team: "T".into() },
            Refusal::RecordFailed { reason: "disk full".into() },
            Refusal::Undecodable { bytes: 3, error: "eof".into() },
            Refusal::VersionsDiffer { client: "1".into(), server: "2".into() },
            Refusal::HelloFirst,
            Refusal::TooManyOrders { per_s: 20.0 },
            Refusal::AlreadyJoined { role: "county".into() },
            Refusal::RoleNotOnOffer { role: "county".into(), offer: "command".into() },
            Refusal::RoleTaken { role: "command".into(), by: "张三".into() },
            Refusal::NoStock { depot: "D".into(), material: "woven_bags".into(), have: 1, want: 2 },
            Refusal::NoRoute { to: "V".into() },
            Refusal::TeamBusy { team: "T".into() },
            Refusal::NoSuchShelter { shelter: "S".into() },
            Refusal::NoSuchDepot { depot: "D".into() },
            Refusal::NotYourDepot { role: "command:A".into(), depot: "D".into() },
            Refusal::NoSuchRequest { request: 1 },
            Refusal::AlreadyDecided { request: 1 },
            Refusal::NoTask { team: "T".into() },
            Refusal::NoSuchInject { index: 9 },
            Refusal::AlreadyFired { index: 0 },
            Refusal::bad_form("严重程度须为 1–4", "severity must be 1 to 4"),
            Refusal::NotLower { current: "IV".into(), level: "III".into() },
            Refusal::NoResponse { role: "command".into() },
            Refusal::TooLong { what: ("备注", "the note"), bytes: 5000, max: 4096 },
            Refusal::MessageTooLarge { bytes: 70_000, max: 65_536 },
            Refusal::CodeMissing { seat: "controller".into() },
            Refusal::CodeWrong { seat: "controller".into() },
            Refusal::TooManyCodeAttempts { wait_s: 60 },
            Refusal::NotYourSeat { granted: "informant:A".into(), asked: "controller".into() },
            Refusal::BadTokenRequest { error: "eof".into() },
            Refusal::TlsRequired,
        ];
        let mut codes: Vec<&str> = all.iter().map(Refusal::code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for r in &all {
            let words = r.to_string();
            assert!(words.contains(" / "), "{words}");
            assert!(words.chars().next().is_some_and(|c| !c.is_ascii()), "Chinese first: {words}");
        }
        assert!(Refusal::NotAllowed { role: "team:T".into(), order: OrderKind::Warn }.to_string().contains("发布预警"));
    }
}
