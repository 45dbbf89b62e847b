//! Every refusal `authorise` gives for the orders of issue 7, with its code and its words, on
//! the drill of `world::orders_tests`: a refused order never changes the world.

use crate::roles::Role;
use crate::world::orders_tests::{drill, ok, road, role, run};
use crate::world::{
    Command, Consignee, HazardKind, Order, ReportForm, ReportStage, SupportKind, Target, Task, World, WorldEvent,
};

/// The refusal of `order` from `from`: its code, checking the world did not change and the
/// words name `word` in both languages.
fn refused(w: &mut World, from: &str, order: Order, word: &str) -> &'static str {
    let before = w.state_hash();
    let cmd = Command { from: role(from), by: "李四".into(), order };
    let r = w.apply(&cmd).expect_err("refused");
    let words = r.to_string();
    assert!(words.contains(" / ") && words.contains(word), "{words}");
    assert_eq!(w.state_hash(), before, "a refused order changes nothing");
    r.code()
}

fn report(village: &str) -> ReportForm {
    ReportForm::initial(village, HazardKind::Flood, "水")
}

#[test]
fn who_may_give_what_and_where() {
    let mut w = drill();
    assert_eq!(refused(&mut w, "informant:Nowhere", Order::Warn { village: "Baix".into() }, "Nowhere"), "unknown_role");
    let level = Order::ActivateLevel { level: crate::scenario::Level::I };
    assert_eq!(refused(&mut w, "informant:Baix", level, "启动响应"), "not_allowed");
    assert_eq!(refused(&mut w, "team:西镇队", Order::AcceptTask, "西镇队"), "no_task");
    assert_eq!(refused(&mut w, "county", Order::EndResponse, "county"), "no_response");
    let warn = |v: &str| Order::Warn { village: v.into() };
    assert_eq!(refused(&mut w, "command:West", warn("Nowhere"), "Nowhere"), "no_such_village");
    assert_eq!(refused(&mut w, "command:East", warn("Baix"), "Baix"), "not_your_village");
    assert_eq!(refused(&mut w, "informant:Alt", Order::Report(report("Baix")), "Baix"), "not_your_village");
    let dispatch =
        |team: &str| Order::Dispatch { team: team.into(), task: Task::Rescue, target: Target::Village("Baix".into()) };
    assert_eq!(refused(&mut w, "command:West", dispatch("无名队"), "无名队"), "no_such_team");
    assert_eq!(refused(&mut w, "command:West", dispatch("东镇队"), "东镇队"), "not_your_team");
    assert_eq!(refused(&mut w, "command:West", Order::Acknowledge { report: 4 }, "4"), "no_such_report");
    let inject = Order::Inject { to: Role::Informant("Nowhere".into()), message: "x".into(), event: None };
    assert_eq!(refused(&mut w, "controller", inject, "Nowhere"), "no_such_role");
    let evacuate = Order::Evacuate { village: "Baix".into(), shelter: Some("无此处".into()) };
    assert_eq!(refused(&mut w, "command:West", evacuate, "无此处"), "no_such_shelter");
}

#[test]
fn reports_and_requests_are_answered_once() {
    let mut w = drill();
    ok(&mut w, "informant:Baix", Order::Report(report("Baix")));
    ok(&mut w, "command:West", Order::Acknowledge { report: 1 });
    assert_eq!(refused(&mut w, "command:West", Order::Acknowledge { report: 1 }, "1"), "already_acknowledged");
    assert_eq!(refused(&mut w, "command:East", Order::Verify { report: 1 }, "Baix"), "not_your_village");
    assert_eq!(
        refused(&mut w, "county", Order::Decide { request: 1, approve: true, note: String::new() }, "1"),
        "no_such_request"
    );
    let ask = Order::RequestSupport { kind: SupportKind::Experts, detail: "专家".into(), material: None };
    ok(&mut w, "command:West", ask);
    ok(&mut w, "county", Order::Decide { request: 1, approve: false, note: "暂无".into() });
    let again = Order::Decide { request: 1, approve: true, note: String::new() };
    assert_eq!(refused(&mut w, "county", again, "已审批"), "already_decided");
    // More bags than the county holds.
    let ask = Order::RequestSupport {
        kind: SupportKind::Materials,
        detail: "编织袋".into(),
        material: Some(("woven_bags".into(), 50_000)),
    };
    ok(&mut w, "command:West", ask);
    let approve = Order::Decide { request: 2, approve: true, note: String::new() };
    assert_eq!(refused(&mut w, "county", approve, "woven_bags"), "no_stock");
    assert_eq!(refused(&mut w, "controller", Order::FireInject { index: 5 }, "5"), "no_such_inject");
    ok(&mut w, "controller", Order::FireInject { index: 0 });
    assert_eq!(refused(&mut w, "controller", Order::FireInject { index: 0 }, "0"), "already_fired");
}

#[test]
fn stock_depots_roads_and_busy_teams() {
    let mut w = drill();
    let send = |depot: &str, amount: u32, to: &str| Order::SendMaterials {
        depot: depot.into(),
        material: "woven_bags".into(),
        amount,
        to: Consignee::Village(to.into()),
    };
    assert_eq!(refused(&mut w, "command:West", send("西镇物资站", 20_000, "Mig"), "10000"), "no_stock");
    assert_eq!(refused(&mut w, "command:West", send("无此库", 1, "Mig"), "无此库"), "no_such_depot");
    assert_eq!(refused(&mut w, "command:East", send("西镇物资站", 1, "Alt"), "西镇物资站"), "not_your_depot");
    assert_eq!(refused(&mut w, "command:West", send("县储备库", 1, "Mig"), "县储备库"), "not_your_depot");
    assert_eq!(refused(&mut w, "command:West", send("西镇物资站", 1, "Alt"), "Alt"), "not_your_village");
    // A team at work on site is busy.
    let evacuate =
        Order::Dispatch { team: "西镇队".into(), task: Task::Evacuate, target: Target::Village("Baix".into()) };
    ok(&mut w, "command:West", evacuate.clone());
    run(&mut w, 7);
    assert_eq!(refused(&mut w, "command:West", evacuate, "西镇队"), "team_busy");
    assert_eq!(refused(&mut w, "team:西镇队", Order::MoveTo { point: road()[5] }, "西镇队"), "team_busy");
    // The road between Baix and Mig blocked: nothing gets through.
    let block =
        Order::Inject {
            to: Role::Controller, message: "塌方".into(), event: Some(WorldEvent::RoadBlocked(road()[2]))
        };
    ok(&mut w, "controller", block);
    assert_eq!(refused(&mut w, "command:West", send("西镇物资站", 1, "Mig"), "Mig"), "no_route");
    assert_eq!(refused(&mut w, "team:东镇队", Order::MoveTo { point: road()[1] }, "point"), "no_route");
}

#[test]
fn bad_forms_say_what_is_wrong() {
    let mut w = drill();
    let mut bad = report("Baix");
    bad.severity = 5;
    assert_eq!(refused(&mut w, "informant:Baix", Order::Report(bad), "1–4"), "bad_form");
    let mut bad = report("Baix");
    bad.at = Some([-10.0, 5.0]);
    assert_eq!(refused(&mut w, "informant:Baix", Order::Report(bad), "地图"), "bad_form");
    let mut bad = report("Baix");
    bad.note = "水".repeat(1366);
    assert_eq!(refused(&mut w, "informant:Baix", Order::Report(bad), "4096"), "too_long");
    let mut bad = report("Baix");
    bad.follows = Some(9);
    bad.stage = ReportStage::FollowUp;
    assert_eq!(refused(&mut w, "informant:Baix", Order::Report(bad), "9"), "no_such_report");
    let line = |task: Task, target: Target| Order::Dispatch { team: "西镇队".into(), task, target };
    assert_eq!(refused(&mut w, "command:West", line(Task::Sandbag, Target::Path(vec![])), "empty"), "bad_form");
    let long: Vec<_> = (0..201).map(|i| [100.0 + i as f64, 100.0]).collect();
    assert_eq!(refused(&mut w, "command:West", line(Task::Sandbag, Target::Path(long)), "200"), "bad_form");
    assert_eq!(refused(&mut w, "command:West", line(Task::Sandbag, Target::Point([100.0, 100.0])), "line"), "bad_form");
    assert_eq!(
        refused(&mut w, "command:West", line(Task::Rescue, Target::Point([100.0, 100.0])), "village"),
        "bad_form"
    );
    assert_eq!(
        refused(&mut w, "command:West", line(Task::AttackFire, Target::Point([1.0e7, 100.0])), "off the map"),
        "bad_form"
    );
    let zero = Order::SendMaterials {
        depot: "西镇物资站".into(),
        material: "woven_bags".into(),
        amount: 0,
        to: Consignee::Village("Mig".into()),
    };
    assert_eq!(refused(&mut w, "command:West", zero, "0"), "bad_form");
    let count = Order::HeadCount { village: "Baix".into(), moved: 121 };
    assert_eq!(refused(&mut w, "informant:Baix", count, "人口"), "bad_form");
    let directive = Order::Directive { to: role("informant:Baix"), text: "x".into() };
    assert_eq!(refused(&mut w, "county", directive, "command post"), "bad_form");
    let storm = Order::Inject {
        to: Role::Controller,
        message: "x".into(),
        event: Some(WorldEvent::Cloudburst { rain_mm_per_h: -5.0, for_min: 30.0 }),
    };
    assert_eq!(refused(&mut w, "controller", storm, "mm/h"), "bad_form");
}

#[test]
fn levels_lower_only_below_the_current_one_and_the_drill_ends() {
    let mut w = drill();
    let lower = |l| Order::LowerLevel { level: l };
    assert_eq!(refused(&mut w, "command:West", lower(crate::scenario::Level::IV), "-"), "not_lower");
    ok(&mut w, "command:West", Order::ActivateLevel { level: crate::scenario::Level::IV });
    assert_eq!(refused(&mut w, "command:West", lower(crate::scenario::Level::III), "III"), "not_lower");
    run(&mut w, 12 * 60);
    assert!(w.is_finished());
    assert_eq!(refused(&mut w, "command:West", Order::EndResponse, "结束"), "ended");
}

/// Issue 9: 1 MB and 12 MB notes were accepted and journaled. Every text and name an order
/// carries has a limit, checked before anything quotes it: the refusal is short whatever the
/// size, and a text at the limit passes.
#[test]
fn every_text_and_name_has_a_limit() {
    use super::{MAX_NAME_BYTES, MAX_TEXT_BYTES};
    let mut w = drill();
    let text = "字".repeat(MAX_TEXT_BYTES / 3 + 1);
    let name = "名".repeat(MAX_NAME_BYTES / 3 + 1);
    let huge = "x".repeat(12 << 20);
    let with_note = |note: &str| {
        let mut f = report("Baix");
        f.note = note.into();
        Order::Report(f)
    };
    let with_actions = {
        let mut f = report("Baix");
        f.actions_taken = text.clone();
        Order::Report(f)
    };
    let cases: Vec<(&str, Order, &str)> = vec![
        ("informant:Baix", with_note(&huge), "备注"),
        ("informant:Baix", with_actions, "actions taken"),
        ("informant:Baix", Order::Report(report(&name)), "village"),
        ("informant:Baix", Order::CallForHelp { village: "Baix".into(), note: text.clone() }, "the call"),
        ("command:West", Order::Warn { village: huge.clone() }, "village"),
        ("command:West", Order::Evacuate { village: "Baix".into(), shelter: Some(name.clone()) }, "shelter"),
        ("command:West", Order::HoldVillage { village: name.clone(), held: true }, "village"),
        (
            "command:West",
            Order::Dispatch { team: name.clone(), task: Task::Rescue, target: Target::Village("Baix".into()) },
            "team",
        ),
        (
            "command:West",
            Order::Dispatch { team: "西镇队".into(), task: Task::Rescue, target: Target::Village(name.clone()) },
            "village",
        ),
        (
            "command:West",
            Order::SendMaterials {
                depot: "西镇物资站".into(),
                material: name.clone(),
                amount: 1,
                to: Consignee::Village("Mig".into()),
            },
            "material",
        ),
        (
            "command:West",
            Order::SendMaterials {
                depot: "西镇物资站".into(),
                material: "woven_bags".into(),
                amount: 1,
                to: Consignee::Team(name.clone()),
            },
            "team",
        ),
        (
            "command:West",
            Order::ReportUp {
                stage: ReportStage::Initial,
                casualties: 0,
                trapped: 0,
                evacuated: 0,
                note: text.clone(),
            },
            "the report",
        ),
        (
            "command:West",
            Order::RequestSupport { kind: SupportKind::Materials, detail: text.clone(), material: None },
            "the request",
        ),
        (
            "command:West",
            Order::RequestSupport {
                kind: SupportKind::Materials,
                detail: "x".into(),
                material: Some((name.clone(), 1)),
            },
            "material",
        ),
        ("team:西镇队", Order::RefuseTask { reason: text.clone() }, "reason"),
        (
            "team:西镇队",
            Order::TeamReport { kind: crate::world::TeamReportKind::Progress, note: text.clone() },
            "the report",
        ),
        ("county", Order::Decide { request: 1, approve: true, note: text.clone() }, "the note"),
        ("county", Order::Directive { to: role("command:West"), text: text.clone() }, "directive"),
        ("controller", Order::Inject { to: Role::Controller, message: text.clone(), event: None }, "message"),
        (
            "controller",
            Order::Inject {
                to: Role::Controller,
                message: "x".into(),
                event: Some(WorldEvent::ReturnHome { village: name.clone() }),
            },
            "village",
        ),
    ];
    for (from, order, word) in cases {
        let kind = order.kind();
        let cmd = Command { from: role(from), by: String::new(), order: order.clone() };
        let r = w.apply(&cmd).expect_err("refused");
        assert_eq!(r.code(), "too_long", "{kind:?}: {r}");
        let words = r.to_string();
        assert!(words.contains(word) && words.len() < 200, "{kind:?}: {words}");
        assert_eq!(refused(&mut w, from, order, word), "too_long");
    }
    // The person's name.
    let cmd = Command { from: role("informant:Baix"), by: name.clone(), order: Order::Report(report("Baix")) };
    assert_eq!(w.apply(&cmd).expect_err("refused").code(), "too_long");
    // At the limit: accepted.
    let at_limit = "a".repeat(MAX_TEXT_BYTES);
    ok(&mut w, "informant:Baix", with_note(&at_limit));
}
