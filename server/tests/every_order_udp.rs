//! End to end over real UDP on the shipped county scenario: every order kind accepted once from a
//! real seat (two people in one command post, an informant, a team, the county, the controller;
//! an observer and the projector beside them) with its effect seen over the wire and its author
//! in the journal, and every refusal that can come over the wire with its reason in both
//! languages and nothing journaled.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use protocol::{ClientMessage, Control, Seat, ServerMessage};
use server::drill::{DrillSetup, journal, record};
use server::hosting::{ServeOptions, ServerHandle, Serving};
use server::net::JoinRequest;
use server::net::NetClient;
use server::net::client::hello_seat;
use sim::access::PublicView;
use sim::scenario::Level;
use sim::view::{RoleView, TeamState};
use sim::world::{
    Consignee, EventKind, HazardKind, Order, OrderKind, ReportForm, ReportStage, SupportKind, Target, Task,
    TeamReportKind, Trend, WorldEvent,
};
use sim::{Role, map::Xy};

const SCENARIO: &str = "scenarios/county_valira_orient.ron";
const WAIT: Duration = Duration::from_secs(20);

const CANILLO_DEPOT: &str = "卡尼略镇物资储备站";
const COUNTY_DEPOT: &str = "县防汛物资仓库";
const SMALL_SHELTER: &str = "埃尔塔尔特坡上避灾点";
const SCHOOL: &str = "卡尼略高地学校避灾点";
const TOWN_TEAM: &str = "卡尼略镇综合应急救援队";
const VILLAGE_TEAM: &str = "埃尔塔尔特村应急分队";
const COUNTY_TEAM: &str = "县水上救援队";
const ENCAMP_TEAM: &str = "恩坎普镇综合应急救援队";

/// One seat over UDP and what it has received so far.
struct Peer {
    name: &'static str,
    c: NetClient,
    view: Option<Box<RoleView>>,
    public: Option<Box<PublicView>>,
    events: Vec<EventKind>,
    refused: Vec<String>,
    clock: Option<protocol::ClockState>,
    seated: bool,
    ended: bool,
    last_sent: Option<Instant>,
}

impl Peer {
    fn view(&self) -> &RoleView {
        self.view.as_deref().unwrap_or_else(|| panic!("{} has no view yet", self.name))
    }
    fn messages_contain(&self, text: &str, by: &str) -> bool {
        self.view.as_ref().is_some_and(|v| v.messages.iter().any(|m| m.text.contains(text) && m.by == by))
    }
    fn team(&self, name: &str) -> Option<&sim::view::TeamView> {
        self.view.as_ref()?.teams.iter().find(|t| t.name == name)
    }
    fn village(&self, name: &str) -> Option<&sim::view::VillageView> {
        self.view.as_ref()?.villages.iter().find(|v| v.name == name)
    }
}

const CHIEF: usize = 0;
const DUTY: usize = 1;
const INFORMANT: usize = 2;
const TEAM: usize = 3;
const COUNTY: usize = 4;
const CONTROLLER: usize = 5;
const OBSERVER: usize = 6;
const PROJECTOR: usize = 7;

/// Every seat of the test, and the orders accepted so far (the journal must hold exactly these).
struct Table {
    peers: Vec<Peer>,
    accepted: Vec<(String, OrderKind)>,
    refusals: Vec<&'static str>,
}

impl Table {
    fn pump(&mut self) {
        for p in &mut self.peers {
            p.c.update().unwrap_or_else(|e| panic!("{}: {e}", p.name));
            for m in p.c.receive() {
                match m {
                    // A view carries recent communications: keep the rest, as the client does.
                    ServerMessage::View(mut v) => {
                        if let Some(old) = &p.view {
                            v.merge_history(old);
                        }
                        p.view = Some(v)
                    }
                    ServerMessage::Public(v) => p.public = Some(v),
                    ServerMessage::Events(es) => p.events.extend(es.into_iter().map(|e| e.kind)),
                    ServerMessage::Refused { reason } => p.refused.push(reason),
                    ServerMessage::Clock(c) => p.clock = Some(c),
                    ServerMessage::Welcome { .. } | ServerMessage::Seated { .. } => p.seated = true,
                    ServerMessage::Ended { .. } => p.ended = true,
                    _ => {}
                }
            }
            p.c.flush().unwrap_or_else(|e| panic!("{}: {e}", p.name));
        }
    }

    /// Pumps every seat until `pred` holds for seat `who`, or fails after [`WAIT`].
    fn wait(&mut self, who: usize, what: &str, pred: impl Fn(&Peer) -> bool) {
        let start = Instant::now();
        loop {
            self.pump();
            if pred(&self.peers[who]) {
                return;
            }
            if start.elapsed() > WAIT {
                let p = &self.peers[who];
                panic!(
                    "{}: no {what} within {WAIT:?}; refused: {:?}; clock: {:?}; view: {:#?}",
                    p.name, p.refused, p.clock, p.view
                );
            }
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// Sends at most one message a seat every 60 ms, below the host's rate limit of 20 a second.
    fn send(&mut self, who: usize, msg: &ClientMessage) {
        while self.peers[who].last_sent.is_some_and(|t| t.elapsed() < Duration::from_millis(60)) {
            self.pump();
            thread::sleep(Duration::from_millis(2));
        }
        let p = &mut self.peers[who];
        p.last_sent = Some(Instant::now());
        p.c.send(msg);
        p.c.flush_now().unwrap();
    }

    /// Gives an order that must be accepted; the caller then awaits its effect.
    fn give(&mut self, who: usize, order: Order) {
        self.accepted.push((self.peers[who].name.to_string(), order.kind()));
        self.send(who, &ClientMessage::Order(order));
    }

    fn control(&mut self, control: Control) {
        self.send(CONTROLLER, &ClientMessage::Control(control));
    }

    /// Sends a message that must be refused, and checks the reason carries both halves.
    fn refuse(&mut self, who: usize, code: &'static str, msg: ClientMessage, zh: &str, en: &str) {
        assert!(
            self.peers[who].refused.is_empty(),
            "{}: refused before: {:?}",
            self.peers[who].name,
            self.peers[who].refused
        );
        self.send(who, &msg);
        self.wait(who, &format!("refusal {code}"), |p| !p.refused.is_empty());
        let reason = self.peers[who].refused.remove(0);
        let (zh_half, en_half) = reason.split_once(" / ").unwrap_or_else(|| panic!("{code}: no ' / ' in {reason:?}"));
        assert!(zh_half.contains(zh) && !zh_half.is_ascii(), "{code}: Chinese half {zh_half:?} lacks {zh:?}");
        assert!(en_half.contains(en), "{code}: English half {en_half:?} lacks {en:?}");
        self.refusals.push(code);
    }

    fn refuse_order(&mut self, who: usize, code: &'static str, order: Order, zh: &str, en: &str) {
        self.refuse(who, code, ClientMessage::Order(order), zh, en);
    }

    /// Asserts no seat was refused anything unexpected.
    fn no_stray_refusals(&self) {
        for p in &self.peers {
            assert!(p.refused.is_empty(), "{} was refused: {:?}", p.name, p.refused);
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

fn join(server: &ServerHandle, seat: &str, name: &'static str) -> Peer {
    let seat = seat.parse::<Seat>().unwrap();
    let request = JoinRequest::new(seat.clone(), name).with_code(Some(server.code_for(&seat)));
    let mut c = NetClient::join(server.addr, &request).unwrap();
    c.wait_connected(Duration::from_secs(10)).unwrap();
    c.flush_now().unwrap();
    Peer {
        name,
        c,
        view: None,
        public: None,
        events: Vec::new(),
        refused: Vec::new(),
        clock: None,
        seated: false,
        ended: false,
        last_sent: None,
    }
}

fn dist(a: Xy, b: Xy) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn village_xy(setup: &DrillSetup, name: &str) -> Xy {
    let v = setup.map.features.settlements.iter().find(|v| v.name == name).unwrap_or_else(|| panic!("no {name}"));
    v.pos
}

/// A dead end (a road node with one edge) reachable from the node at `from`, the nearest more
/// than 500 m away and at a point no other node shares: blocking its one edge cuts it off.
fn dead_end_near(roads: &sim::map::RoadGraph, from: Xy) -> Xy {
    let n = roads.nodes.len();
    let mut adj = vec![Vec::new(); n];
    for e in &roads.edges {
        adj[e.a as usize].push(e.b as usize);
        adj[e.b as usize].push(e.a as usize);
    }
    let start = roads.nearest_node(from).unwrap() as usize;
    let mut seen = vec![false; n];
    let mut stack = vec![start];
    seen[start] = true;
    while let Some(a) = stack.pop() {
        for &b in &adj[a] {
            if !seen[b] {
                seen[b] = true;
                stack.push(b);
            }
        }
    }
    (0..n)
        .filter(|&i| seen[i] && adj[i].len() == 1 && dist(roads.nodes[i], from) > 500.0)
        .filter(|&i| (0..n).all(|j| j == i || dist(roads.nodes[j], roads.nodes[i]) > 1.0))
        .min_by(|&a, &b| dist(roads.nodes[a], from).total_cmp(&dist(roads.nodes[b], from)))
        .map(|i| roads.nodes[i])
        .expect("a dead end on the roads")
}

#[test]
fn every_order_kind_is_accepted_over_udp_with_its_effect_and_every_refusal_has_its_reason() {
    let root = root();
    let dir = std::env::temp_dir().join(format!("sandtable-every-order-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let setup = DrillSetup::load_with_maps(&root.join(SCENARIO), &root.join("assets/maps"), None).unwrap();
    let tarter_xy = setup.map.features.roads.nodes
        [setup.map.features.roads.nearest_node(village_xy(&setup, "el Tarter")).unwrap() as usize];
    let dead_end = dead_end_near(&setup.map.features.roads, tarter_xy);
    let mut opts = ServeOptions::new(root.join(SCENARIO));
    opts.bind = "127.0.0.1:0".parse().unwrap();
    opts.record_dir = Some(dir.join("rec"));
    // Only the seats of the test act: no bot answers for anyone.
    opts.bots = false;
    // Time to refuse an order after the end.
    opts.linger = Duration::from_secs(20);
    let server = ServerHandle::run(Serving::from_setup(setup, opts).unwrap()).unwrap();
    let addr = server.addr;

    let peers = vec![
        join(&server, "command:Canillo", "指挥长 王五"),
        join(&server, "command:Canillo", "值班员 赵六"),
        join(&server, "informant:Canillo", "信息员 张三"),
        join(&server, &format!("team:{TOWN_TEAM}"), "队长 刘"),
        join(&server, "county", "县指挥 陈"),
        join(&server, "controller", "导调 李"),
        join(&server, "observer", "观摩 甲"),
        join(&server, "projector", "大屏"),
    ];
    let mut t = Table { peers, accepted: Vec::new(), refusals: Vec::new() };
    for who in 0..t.peers.len() {
        t.wait(who, "seat", |p| p.seated);
    }
    for who in [CHIEF, DUTY, INFORMANT, TEAM, COUNTY, CONTROLLER] {
        t.wait(who, "first view", |p| p.view.is_some());
    }
    for who in [OBSERVER, PROJECTOR] {
        t.wait(who, "public situation", |p| p.public.is_some() && p.view.is_none());
    }
    let pos = |t: &Table, v: &str| t.peers[CHIEF].village(v).unwrap_or_else(|| panic!("no {v}")).pos;
    let canillo = pos(&t, "Canillo");
    let tarter = pos(&t, "el Tarter");

    // ---- Seats: hello refusals.
    t.refuse(CHIEF, "already_joined", hello_seat(Seat::Role(Role::County), "x"), "已加入", "already joined");
    // A client that has no seat: a role not on offer, an order before a seat, garbage, and a
    // hello of another protocol version.
    let stray_request = JoinRequest::new(Seat::Observer, "无名").with_code(Some(server.code_for(&Seat::Observer)));
    let mut stray = NetClient::connect(addr, &stray_request).unwrap();
    stray.wait_connected(Duration::from_secs(10)).unwrap();
    t.peers.push(Peer {
        name: "无名",
        c: stray,
        view: None,
        public: None,
        events: Vec::new(),
        refused: Vec::new(),
        clock: None,
        seated: false,
        ended: false,
        last_sent: None,
    });
    let stray = t.peers.len() - 1;
    let nowhere = hello_seat("command:Nowhere".parse::<Seat>().unwrap(), "无名");
    t.refuse(stray, "role_not_on_offer", nowhere, "不在本次演练中", "is not on offer");
    let order = ClientMessage::Order(Order::Warn { village: "Canillo".into() });
    t.refuse(stray, "hello_first", order, "请先选择角色", "send Hello with a role first");
    t.peers[stray].c.send_raw(vec![0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff]);
    t.wait(stray, "refusal undecodable", |p| !p.refused.is_empty());
    let garbage = t.peers[stray].refused.remove(0);
    assert!(garbage.contains("无法解析的消息 / undecodable message"), "{garbage}");
    t.refusals.push("undecodable");
    let newer = ClientMessage::Hello {
        protocol: protocol::PROTOCOL_VERSION + 1,
        seat: Seat::Role(Role::County),
        player: "未来".into(),
    };
    t.refuse(stray, "versions_differ", newer, "协议版本不同", "versions differ");
    assert!(!t.peers[stray].seated);

    // ---- The informant's reports reach both people of the command post with every field.
    let form = ReportForm {
        stage: ReportStage::Initial,
        village: "Canillo".into(),
        hazard: HazardKind::Flood,
        at: Some([canillo[0] + 50.0, canillo[1]]),
        severity: 3,
        people_at_risk: 40,
        casualties: 1,
        trapped: 6,
        trend: Trend::Rising,
        actions_taken: "已敲锣示警".into(),
        note: "河水漫过桥面".into(),
        follows: None,
    };
    t.give(INFORMANT, Order::Report(form.clone()));
    for who in [CHIEF, DUTY] {
        t.wait(who, "the 初报 with its form", |p| {
            p.view().reports.iter().any(|r| r.id == 1 && r.form == form && r.by_name == "信息员 张三")
        });
    }
    t.wait(INFORMANT, "ReportFiled", |p| p.events.iter().any(|e| matches!(e, EventKind::ReportFiled { id: 1, .. })));
    let follow = ReportForm { stage: ReportStage::FollowUp, follows: Some(1), severity: 4, ..form.clone() };
    t.give(INFORMANT, Order::Report(follow));
    t.wait(DUTY, "the 续报", |p| {
        p.view().reports.iter().any(|r| r.id == 2 && r.form.stage == ReportStage::FollowUp && r.form.follows == Some(1))
    });
    t.refuse_order(
        INFORMANT,
        "bad_form",
        Order::Report(ReportForm { severity: 9, ..form.clone() }),
        "填写有误",
        "severity must be 1 to 4",
    );
    t.refuse_order(
        INFORMANT,
        "not_your_village",
        Order::Warn { village: "el Tarter".into() },
        "不归",
        "is not in the care of",
    );
    t.refuse_order(
        INFORMANT,
        "not_allowed",
        Order::ActivateLevel { level: Level::I },
        "无权下达",
        "may not give the order",
    );
    t.refuse_order(
        INFORMANT,
        "no_such_village",
        Order::CallForHelp { village: "Atlantis".into(), note: String::new() },
        "没有村庄",
        "no village named",
    );

    // ---- 叫应 and 核实 from two people of one post; the informant hears both.
    t.give(CHIEF, Order::Acknowledge { report: 1 });
    t.give(DUTY, Order::Verify { report: 2 });
    t.wait(DUTY, "report 1 acknowledged, 2 to be checked", |p| {
        let r = &p.view().reports;
        r.iter().any(|r| r.id == 1 && r.acknowledged) && r.iter().any(|r| r.id == 2 && r.verify_asked)
    });
    t.wait(INFORMANT, "the post's answers", |p| {
        p.messages_contain("已收到", "指挥长 王五") && p.messages_contain("核实", "值班员 赵六")
    });
    t.refuse_order(CHIEF, "already_acknowledged", Order::Acknowledge { report: 1 }, "已确认", "already acknowledged");
    t.refuse_order(DUTY, "no_such_report", Order::Verify { report: 99 }, "没有第 99 号报告", "no report number 99");

    // ---- A call for help and warnings.
    t.give(INFORMANT, Order::CallForHelp { village: "Canillo".into(), note: "老人被困".into() });
    t.wait(CHIEF, "the call for help", |p| p.messages_contain("老人被困", "信息员 张三"));
    t.give(INFORMANT, Order::Warn { village: "Canillo".into() });
    t.give(DUTY, Order::Warn { village: "el Tarter".into() });
    t.wait(CHIEF, "both villages warned", |p| {
        p.village("Canillo").is_some_and(|v| v.warned) && p.village("el Tarter").is_some_and(|v| v.warned)
    });
    t.wait(PROJECTOR, "the warnings on the big screen", |p| p.public.as_ref().is_some_and(|v| v.villages_warned >= 2));
    t.refuse_order(CHIEF, "not_your_village", Order::Warn { village: "Encamp".into() }, "不归", "not in the care of");

    // ---- Levels: refused before any, then up, down and ended.
    t.refuse_order(CHIEF, "no_response", Order::EndResponse, "尚未启动响应", "has no response running");
    t.refuse_order(CHIEF, "not_lower", Order::LowerLevel { level: Level::IV }, "无法降为", "is not lower");
    t.give(CHIEF, Order::ActivateLevel { level: Level::III });
    t.wait(DUTY, "level III", |p| p.view().level == Some(Level::III));
    t.give(DUTY, Order::LowerLevel { level: Level::IV });
    t.wait(CHIEF, "level IV", |p| {
        p.events.iter().any(|e| matches!(e, EventKind::LevelLowered { level: Level::IV, .. }))
    });
    t.wait(CHIEF, "level IV in the view", |p| p.view().level == Some(Level::IV));
    t.give(CHIEF, Order::EndResponse);
    t.wait(DUTY, "the response ended", |p| p.events.iter().any(|e| matches!(e, EventKind::ResponseEnded { .. })));
    t.wait(DUTY, "no level in the view", |p| p.view().level.is_none());

    // ---- Materials: stock goes down at once; refused when short or not the post's depot.
    let bags = |p: &Peer| {
        p.view().depots.iter().find(|d| d.name == CANILLO_DEPOT).and_then(|d| d.stock.get("woven_bags").copied())
    };
    t.wait(CHIEF, "the depot's stock", |p| bags(p) == Some(15000));
    t.give(
        CHIEF,
        Order::SendMaterials {
            depot: CANILLO_DEPOT.into(),
            material: "woven_bags".into(),
            amount: 3000,
            to: Consignee::Village("Canillo".into()),
        },
    );
    t.wait(DUTY, "stock down by 3000", |p| bags(p) == Some(12000));
    t.wait(CHIEF, "MaterialsSent", |p| {
        p.events.iter().any(|e| matches!(e, EventKind::MaterialsSent { amount: 3000, .. }))
    });
    let tents = |amount| Order::SendMaterials {
        depot: CANILLO_DEPOT.into(),
        material: "tents".into(),
        amount,
        to: Consignee::Village("Canillo".into()),
    };
    t.refuse_order(CHIEF, "no_stock", tents(11), "物资不足", "not enough tents");
    t.refuse_order(DUTY, "bad_form", tents(0), "数量须大于 0", "the amount must be above 0");
    t.refuse_order(
        CHIEF,
        "not_your_depot",
        Order::SendMaterials {
            depot: COUNTY_DEPOT.into(),
            material: "woven_bags".into(),
            amount: 1,
            to: Consignee::Village("Canillo".into()),
        },
        "不归",
        "is not in the care of",
    );
    t.refuse_order(
        CHIEF,
        "no_such_depot",
        Order::SendMaterials {
            depot: "无此仓库".into(),
            material: "woven_bags".into(),
            amount: 1,
            to: Consignee::Village("Canillo".into()),
        },
        "没有物资库",
        "no depot named",
    );

    // ---- The county loop: report up, a request refused teams, approved, then the county team.
    t.give(
        CHIEF,
        Order::ReportUp {
            stage: ReportStage::Initial,
            casualties: 0,
            trapped: 2,
            evacuated: 0,
            note: "河水上涨".into(),
        },
    );
    t.wait(COUNTY, "the 初报 up", |p| p.messages_contain("被困 2 人", "指挥长 王五"));
    t.refuse_order(
        CHIEF,
        "not_your_team",
        Order::Dispatch { team: COUNTY_TEAM.into(), task: Task::Rescue, target: Target::Village("Canillo".into()) },
        "请向县里申请",
        "ask the county",
    );
    t.refuse_order(
        CHIEF,
        "not_your_team",
        Order::Dispatch { team: ENCAMP_TEAM.into(), task: Task::Watch, target: Target::Village("Canillo".into()) },
        "不归",
        "does not answer to",
    );
    t.give(DUTY, Order::RequestSupport { kind: SupportKind::Teams, detail: "请派水上救援队".into(), material: None });
    t.wait(COUNTY, "the request", |p| {
        p.view().requests.iter().any(|r| r.id == 1 && r.decision.is_none() && r.by == "值班员 赵六")
    });
    t.refuse_order(
        COUNTY,
        "no_such_request",
        Order::Decide { request: 9, approve: true, note: String::new() },
        "没有第 9 号请求",
        "no request number 9",
    );
    t.give(COUNTY, Order::Decide { request: 1, approve: true, note: "同意".into() });
    t.wait(CHIEF, "the approval", |p| {
        p.view().requests.iter().any(|r| r.id == 1 && r.decision == Some((true, "同意".into())))
    });
    t.refuse_order(
        COUNTY,
        "already_decided",
        Order::Decide { request: 1, approve: false, note: String::new() },
        "已审批",
        "already decided",
    );
    // Materials from the county reserve: its stock goes down on approval.
    let reserve = |p: &Peer| {
        p.view().depots.iter().find(|d| d.name == COUNTY_DEPOT).and_then(|d| d.stock.get("woven_bags").copied())
    };
    t.wait(COUNTY, "the county reserve", |p| reserve(p) == Some(20000));
    t.give(
        DUTY,
        Order::RequestSupport {
            kind: SupportKind::Materials,
            detail: "编织袋".into(),
            material: Some(("woven_bags".into(), 5000)),
        },
    );
    t.wait(COUNTY, "the request for bags", |p| p.view().requests.iter().any(|r| r.id == 2 && r.decision.is_none()));
    t.give(COUNTY, Order::Decide { request: 2, approve: true, note: String::new() });
    t.wait(COUNTY, "the county reserve down by 5000", |p| reserve(p) == Some(15000));
    t.give(COUNTY, Order::Directive { to: "command:Canillo".parse().unwrap(), text: "立即组织沿河群众转移".into() });
    t.wait(DUTY, "the directive", |p| {
        p.view().messages.iter().any(|m| m.text == "立即组织沿河群众转移" && m.from == Some(Role::County))
    });
    t.refuse_order(
        COUNTY,
        "no_such_role",
        Order::Directive { to: "command:Nowhere".parse().unwrap(), text: "x".into() },
        "没有角色",
        "no role",
    );
    t.refuse_order(
        COUNTY,
        "bad_form",
        Order::Directive { to: Role::Controller, text: "x".into() },
        "只能下达给乡镇指挥部",
        "directives go to a township command post",
    );

    // ---- The controller: a scripted inject fired before it is due, a freeze.
    t.give(CONTROLLER, Order::FireInject { index: 0 });
    t.wait(COUNTY, "the scripted inject", |p| p.view().messages.iter().any(|m| m.text.contains("暴雨蓝色预警")));
    t.refuse_order(CONTROLLER, "already_fired", Order::FireInject { index: 0 }, "已发出", "already fired");
    t.refuse_order(
        CONTROLLER,
        "no_such_inject",
        Order::FireInject { index: 99 },
        "没有第 99 号预设情况",
        "no scripted inject",
    );
    t.give(CONTROLLER, Order::Freeze { hazard: HazardKind::Flood, frozen: true });
    t.wait(CONTROLLER, "the flood frozen", |p| p.view().frozen == vec![HazardKind::Flood]);
    t.give(CONTROLLER, Order::Freeze { hazard: HazardKind::Flood, frozen: false });
    t.wait(CONTROLLER, "the flood unfrozen", |p| p.view().frozen.is_empty());
    t.refuse_order(
        CONTROLLER,
        "bad_form",
        Order::Inject { to: Role::County, message: "山火".into(), event: Some(WorldEvent::Ignition(canillo)) },
        "没有山火模型",
        "no fire model",
    );
    t.refuse_order(
        CONTROLLER,
        "bad_form",
        Order::Inject {
            to: Role::County,
            message: "暴雨".into(),
            event: Some(WorldEvent::Cloudburst { rain_mm_per_h: -1.0, for_min: 10.0 }),
        },
        "降雨须在",
        "rain must be",
    );
    t.refuse(
        CONTROLLER,
        "bad_speed",
        ClientMessage::Control(Control::SetSpeed(-1.0)),
        "速度须大于 0",
        "speed must be above 0",
    );
    t.refuse(
        CHIEF,
        "controller_only",
        ClientMessage::Control(Control::Pause),
        "只有导调可以",
        "only the controller may",
    );
    t.refuse_order(
        OBSERVER,
        "not_allowed",
        Order::Warn { village: "Canillo".into() },
        "无权下达",
        "observer may not give the order",
    );
    t.refuse_order(TEAM, "no_task", Order::AcceptTask, "没有待执行的任务", "has no task to accept or refuse");

    // ---- The clock: one drill minute, then paused.
    t.control(Control::Step);
    t.wait(CONTROLLER, "the step", |p| p.clock.as_ref().is_some_and(|c| c.t_s == 60 && !c.running));
    t.wait(PROJECTOR, "the minute on the big screen", |p| p.public.as_ref().is_some_and(|v| v.t_s == 60));
    // Observers are shown the command post.
    t.control(Control::ShowObservers(Some("command:Canillo".parse().unwrap())));
    t.wait(OBSERVER, "the post's view", |p| {
        p.view.as_ref().is_some_and(|v| v.role == "command:Canillo".parse().unwrap())
    });

    // ---- Dispatches, accepted at t = 1 min, paused: every team leaves Idle.
    t.give(
        CHIEF,
        Order::Dispatch { team: TOWN_TEAM.into(), task: Task::Watch, target: Target::Village("Canillo".into()) },
    );
    t.wait(TEAM, "its task", |p| p.team(TOWN_TEAM).is_some_and(|t| t.state != TeamState::Idle && !t.accepted));
    t.give(TEAM, Order::AcceptTask);
    t.wait(TEAM, "accepted", |p| p.team(TOWN_TEAM).is_some_and(|t| t.accepted));
    t.wait(CHIEF, "the team's acceptance", |p| p.messages_contain("接受任务", "队长 刘"));
    t.give(TEAM, Order::TeamReport { kind: TeamReportKind::Problem, note: "桥面积水".into() });
    t.wait(DUTY, "the team's report", |p| p.messages_contain("桥面积水", "队长 刘"));
    t.give(TEAM, Order::RefuseTask { reason: "装备不足".into() });
    t.wait(TEAM, "idle again", |p| p.team(TOWN_TEAM).is_some_and(|t| t.state == TeamState::Idle));
    t.wait(CHIEF, "the refusal's reason", |p| p.messages_contain("装备不足", "队长 刘"));
    let county_start = t.peers[CHIEF].team(COUNTY_TEAM).expect("an approved county team is in the post's view").pos;
    t.give(
        CHIEF,
        Order::Dispatch { team: COUNTY_TEAM.into(), task: Task::Rescue, target: Target::Village("Canillo".into()) },
    );
    t.wait(CHIEF, "the county team dispatched", |p| {
        p.team(COUNTY_TEAM).is_some_and(|t| matches!(t.state, TeamState::Mustering { task: Task::Rescue, .. }))
    });
    t.give(
        DUTY,
        Order::Dispatch {
            team: VILLAGE_TEAM.into(),
            task: Task::ClearRoad,
            target: Target::Village("el Tarter".into()),
        },
    );
    t.wait(DUTY, "the village team mustering", |p| p.team(VILLAGE_TEAM).is_some_and(|t| t.state != TeamState::Idle));
    t.refuse_order(
        CHIEF,
        "bad_form",
        Order::Dispatch { team: TOWN_TEAM.into(), task: Task::Sandbag, target: Target::Path(Vec::new()) },
        "线路为空",
        "the path is empty",
    );
    t.refuse_order(
        CHIEF,
        "no_such_team",
        Order::Dispatch { team: "无此队".into(), task: Task::Watch, target: Target::Village("Canillo".into()) },
        "没有队伍",
        "no team named",
    );
    t.refuse_order(
        TEAM,
        "bad_form",
        Order::MoveTo { point: [-1.0e9, -1.0e9] },
        "地点不在地图上",
        "the point is off the map",
    );

    // ---- Evacuation: a shelter too small fills and people wait; sent on, they go.
    t.give(CHIEF, Order::Evacuate { village: "Canillo".into(), shelter: Some(SMALL_SHELTER.into()) });
    t.refuse_order(
        DUTY,
        "no_such_shelter",
        Order::Evacuate { village: "Canillo".into(), shelter: Some("无此安置点".into()) },
        "没有安置点",
        "no shelter named",
    );
    t.give(TEAM, Order::MoveTo { point: tarter });

    // Now the drill runs: 10 drill minutes a wall second.
    t.control(Control::SetSpeed(600.0));
    t.control(Control::Start);
    t.wait(CONTROLLER, "the clock running", |p| p.clock.as_ref().is_some_and(|c| c.running && c.speed == 600.0));
    t.wait(TEAM, "moving on its own", |p| {
        p.events.iter().any(|e| matches!(e, EventKind::TeamMoving { team } if team == TOWN_TEAM))
            && p.team(TOWN_TEAM)
                .is_some_and(|t| matches!(t.state, TeamState::Moving { .. }) || dist(t.pos, tarter) < 300.0)
    });
    // The village team works on site (10 min muster, an hour's work): busy.
    t.wait(DUTY, "the village team working", |p| {
        p.team(VILLAGE_TEAM).is_some_and(|t| matches!(t.state, TeamState::Working { .. }))
    });
    t.refuse_order(
        DUTY,
        "team_busy",
        Order::Dispatch { team: VILLAGE_TEAM.into(), task: Task::Watch, target: Target::Village("el Tarter".into()) },
        "正在执行任务",
        "is busy",
    );
    t.wait(CHIEF, "the small shelter full", |p| {
        let full = p.view().shelters.iter().any(|s| s.name == SMALL_SHELTER && s.occupied == s.capacity);
        full && p.village("Canillo").is_some_and(|v| v.waiting.is_some_and(|n| n > 0))
    });
    t.wait(CHIEF, "the word that it is full", |p| p.view().messages.iter().any(|m| m.text.contains("已满")));
    t.wait(CHIEF, "the county team on its way", |p| {
        p.team(COUNTY_TEAM).is_some_and(|t| t.state != TeamState::Idle && dist(t.pos, county_start) > 100.0)
    });
    // The informant starts the village's own evacuation by its sheet, now the small shelter the
    // post named: the people still wait. The post sends them on to the school, and they go.
    t.give(INFORMANT, Order::Evacuate { village: "Canillo".into(), shelter: None });
    t.wait(INFORMANT, "its evacuation order", |p| {
        p.events.iter().any(|e| matches!(e, EventKind::EvacuationOrdered { village, by } if village == "Canillo" && matches!(by, Role::Informant(_))))
    });
    t.give(DUTY, Order::Evacuate { village: "Canillo".into(), shelter: Some(SCHOOL.into()) });
    t.wait(CHIEF, "Canillo's people in the school, none waiting", |p| {
        let school = p.view().shelters.iter().any(|s| s.name == SCHOOL && s.occupied > 0);
        school && p.village("Canillo").is_some_and(|v| v.in_shelter.is_some_and(|n| n > 0) && v.waiting == Some(0))
    });
    t.control(Control::Pause);
    t.wait(CONTROLLER, "paused", |p| p.clock.as_ref().is_some_and(|c| !c.running));
    let paused_at = t.peers[CONTROLLER].clock.as_ref().unwrap().t_s;
    t.wait(CHIEF, "the view of the paused minute", |p| p.view().t_s == paused_at);
    let moved = t.peers[CHIEF].village("Canillo").and_then(|v| v.in_shelter).unwrap();
    t.give(INFORMANT, Order::HeadCount { village: "Canillo".into(), moved });
    t.wait(CHIEF, "the head count", |p| p.messages_contain(&format!("转移到位 {moved}"), "信息员 张三"));
    t.refuse_order(
        INFORMANT,
        "bad_form",
        Order::HeadCount { village: "Canillo".into(), moved: 100_000 },
        "转移人数超过村庄人口",
        "more people moved than live there",
    );

    // ---- 管控, then people want to go home: held, they stay.
    t.give(DUTY, Order::HoldVillage { village: "Canillo".into(), held: true });
    t.wait(CHIEF, "Canillo held", |p| p.village("Canillo").is_some_and(|v| v.held));
    t.give(
        CONTROLLER,
        Order::Inject {
            to: "command:Canillo".parse().unwrap(),
            message: "避灾点群众要求回家".into(),
            event: Some(WorldEvent::ReturnHome { village: "Canillo".into() }),
        },
    );
    t.wait(CHIEF, "the inject", |p| {
        p.events
            .iter()
            .any(|e| matches!(e, EventKind::InjectDelivered { message, .. } if message == "避灾点群众要求回家"))
    });
    t.wait(CONTROLLER, "the return stopped", |p| {
        p.events.iter().any(|e| matches!(e, EventKind::ReturnStopped { village } if village == "Canillo"))
    });
    t.wait(CHIEF, "still in shelter", |p| p.village("Canillo").is_some_and(|v| v.in_shelter == Some(moved)));

    // ---- The road to a dead end blocked: no route to it for the team.
    t.give(
        CONTROLLER,
        Order::Inject {
            to: "command:Canillo".parse().unwrap(),
            message: "道路塌方".into(),
            event: Some(WorldEvent::RoadBlocked(dead_end)),
        },
    );
    t.wait(CONTROLLER, "the road closed", |p| !p.view().closed_roads.is_empty());
    t.refuse_order(TEAM, "no_route", Order::MoveTo { point: dead_end }, "道路中断", "no route");

    // One more round trip so a late refusal would show, then the record.
    t.control(Control::Step);
    t.wait(CONTROLLER, "the last step", |p| p.clock.as_ref().is_some_and(|c| !c.running && c.t_s == paused_at + 60));
    // A burst beyond the rate limit: the first are judged (no such report), the rest refused
    // for the rate; none is journaled.
    for _ in 0..40 {
        t.peers[DUTY].c.send(&ClientMessage::Order(Order::Verify { report: 99 }));
    }
    t.peers[DUTY].c.flush_now().unwrap();
    t.wait(DUTY, "40 refusals", |p| p.refused.len() == 40);
    let burst: Vec<String> = t.peers[DUTY].refused.drain(..).collect();
    let limited = burst.iter().filter(|r| r.starts_with("指令过于频繁") && r.contains("too many orders")).count();
    let judged = burst.iter().filter(|r| r.contains("no report number 99")).count();
    assert!(limited > 0 && limited + judged == 40, "{burst:?}");
    t.refusals.push("too_many_orders");

    // The drill played to its end at top speed: an order after it is refused.
    t.control(Control::SetSpeed(100_000.0));
    t.control(Control::Start);
    t.wait(INFORMANT, "the end", |p| p.ended);
    t.refuse_order(
        INFORMANT,
        "ended",
        Order::CallForHelp { village: "Canillo".into(), note: String::new() },
        "演练已结束",
        "the drill has ended",
    );
    t.no_stray_refusals();
    let accepted = t.accepted.clone();
    let refusals = t.refusals.clone();
    for p in &mut t.peers {
        p.c.disconnect();
    }
    server.stop().unwrap();

    let missing: Vec<OrderKind> =
        OrderKind::ALL.into_iter().filter(|k| !accepted.iter().any(|(_, a)| a == k)).collect();
    assert!(missing.is_empty(), "order kinds never accepted over UDP: {missing:?}");
    for code in [
        "not_allowed",
        "not_your_village",
        "not_your_team",
        "not_your_depot",
        "no_stock",
        "team_busy",
        "bad_form",
        "no_such_village",
        "no_such_team",
        "no_such_report",
        "no_such_shelter",
        "no_such_depot",
        "no_such_request",
        "no_such_inject",
        "no_such_role",
        "already_acknowledged",
        "already_decided",
        "already_fired",
        "no_task",
        "not_lower",
        "no_response",
        "controller_only",
        "bad_speed",
        "already_joined",
        "role_not_on_offer",
        "no_route",
        "hello_first",
        "undecodable",
        "versions_differ",
        "too_many_orders",
        "ended",
    ] {
        assert!(refusals.contains(&code), "refusal {code} never checked");
    }

    // The journal holds exactly the accepted orders, in order, each with its person's name;
    // nothing refused reached it.
    let lines = journal::read_journal(&dir.join("rec").join(record::JOURNAL)).unwrap();
    let journaled: Vec<(String, OrderKind)> =
        lines.iter().filter_map(|l| l.order.as_ref().map(|o| (l.player.clone(), o.kind()))).collect();
    // Seats send at once, so only each person's own orders keep their order across seats.
    let of = |list: &[(String, OrderKind)], who: &str| -> Vec<OrderKind> {
        list.iter().filter(|(p, _)| p == who).map(|(_, k)| *k).collect()
    };
    assert_eq!(journaled.len(), accepted.len(), "journaled {journaled:?}, accepted {accepted:?}");
    for (who, _) in &accepted {
        assert_eq!(of(&journaled, who), of(&accepted, who), "the journal of {who}");
    }
    assert!(lines.iter().filter(|l| l.control.is_some()).all(|l| l.player == "导调 李"));
    let _ = std::fs::remove_dir_all(&dir);
}
