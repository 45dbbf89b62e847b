//! The order forms of the side panel: one small form per order the role may give (as the server
//! lists them in the role's view), each with its own choices (a village picked for a warning
//! stays out of the evacuation form), quick to fill: choices from what the seat knows (its
//! villages, teams, shelters, depots and their stock, requests), numbers with sensible
//! defaults, points picked and paths drawn on the map. Acknowledge and verify sit on the
//! reports; the controller's clock is in `console`. Sending only queues the message; the server
//! decides and answers with events or a refusal.

use std::collections::BTreeMap;

use bevy::prelude::*;
use bevy_egui::egui::{self, ComboBox, RichText};
use protocol::ClientMessage;
use sim::map::Xy;
use sim::scenario::Level;
use sim::view::RoleView;
use sim::world::{Consignee, ReportForm, ReportStage, SupportKind, Target, TeamReportKind, Trend, WorldEvent};
use sim::{HazardKind, Order, OrderKind, Role, Task};

use crate::drill::{Drill, MapPick};
use crate::i18n::{Lang, T};
use crate::labels::{self, Words};

/// How a dispatched team's target is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum TargetMode {
    #[default]
    Village,
    Point,
    Path,
}

/// A world event the controller may attach to an inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum EventChoice {
    #[default]
    None,
    Cloudburst,
    Ignition,
    RoadBlocked,
    ReturnHome,
}

/// What the player has chosen in the forms so far.
#[derive(Resource, Debug)]
pub struct OrderForm {
    /// The village chosen in each form, by the form's order kind.
    villages: BTreeMap<u8, String>,
    /// Free text of each form, by kind and field.
    texts: BTreeMap<(u8, &'static str), String>,
    /// Numbers of each form, by kind and field.
    numbers: BTreeMap<(u8, &'static str), u32>,
    team: String,
    task: Task,
    target: TargetMode,
    hazard: HazardKind,
    level: Level,
    lower_level: Level,
    stage: ReportStage,
    up_stage: ReportStage,
    trend: Trend,
    severity: u8,
    follows: Option<u32>,
    shelter: Option<String>,
    depot: String,
    material: String,
    to_team: bool,
    to_team_name: String,
    support: SupportKind,
    team_report: TeamReportKind,
    held: bool,
    request: Option<u32>,
    role_to: Option<Role>,
    event: EventChoice,
    rain: f64,
    rain_min: f64,
    freeze_hazard: HazardKind,
    /// The hazard choice was set from the briefing once; the player's choice stands after that.
    hazard_from_scenario: bool,
    console: crate::console::ConsoleForm,
}

impl Default for OrderForm {
    fn default() -> Self {
        OrderForm {
            villages: BTreeMap::new(),
            texts: BTreeMap::new(),
            numbers: BTreeMap::new(),
            team: String::new(),
            task: Task::Evacuate,
            target: TargetMode::Village,
            hazard: HazardKind::Flood,
            level: Level::IV,
            lower_level: Level::IV,
            stage: ReportStage::Initial,
            up_stage: ReportStage::Initial,
            trend: Trend::Rising,
            severity: 2,
            follows: None,
            shelter: None,
            depot: String::new(),
            material: String::new(),
            to_team: false,
            to_team_name: String::new(),
            support: SupportKind::Teams,
            team_report: TeamReportKind::Arrived,
            held: true,
            request: None,
            role_to: None,
            event: EventChoice::None,
            rain: 60.0,
            rain_min: 60.0,
            freeze_hazard: HazardKind::Flood,
            hazard_from_scenario: false,
            console: Default::default(),
        }
    }
}

/// The orders section: a form per order kind the view allows.
pub fn orders_ui(ui: &mut egui::Ui, drill: &mut Drill, form: &mut OrderForm, lang: Lang) {
    let Some(view) = drill.view.clone() else { return };
    if sim::access::may_steer_clock(&drill.role) {
        let extent = drill.view_extent;
        crate::console::console_ui(ui, drill, &mut form.console, lang, extent);
    }
    // Acknowledge and verify are on the reports.
    let kinds: Vec<OrderKind> =
        view.orders.iter().copied().filter(|k| !matches!(k, OrderKind::Acknowledge | OrderKind::Verify)).collect();
    if kinds.is_empty() && !view.orders.contains(&OrderKind::Acknowledge) {
        ui.weak(T::NoOrders.text(lang));
        return;
    }
    default_choices(form, drill, &view);
    for kind in kinds {
        if let Some(order) = order_form(ui, kind, form, drill, &view, lang) {
            drill.picked.remove(&(kind as u8));
            drill.send(ClientMessage::Order(order));
        }
        ui.add_space(4.0);
    }
}

/// Picks sensible defaults: an informant's own village, the first team, the drill's hazard.
fn default_choices(form: &mut OrderForm, drill: &Drill, view: &RoleView) {
    if !form.hazard_from_scenario
        && let Some(b) = &drill.briefing
    {
        form.hazard = b.hazards.first().copied().unwrap_or(form.hazard);
        form.freeze_hazard = form.hazard;
        form.hazard_from_scenario = true;
    }
    let default_village = match &drill.role {
        Role::Informant(v) if view.villages.iter().any(|x| &x.name == v) => v.clone(),
        _ => view.villages.first().map(|v| v.name.clone()).unwrap_or_default(),
    };
    for kind in &view.orders {
        let chosen = form.villages.entry(*kind as u8).or_default();
        if !view.villages.iter().any(|v| &v.name == chosen) {
            *chosen = default_village.clone();
        }
    }
    if !view.teams.iter().any(|t| t.name == form.team) {
        form.team = view.teams.first().map(|t| t.name.clone()).unwrap_or_default();
    }
    if !view.depots.iter().any(|d| d.name == form.depot) {
        form.depot = view.depots.first().map(|d| d.name.clone()).unwrap_or_default();
    }
    if let Some(d) = view.depots.iter().find(|d| d.name == form.depot)
        && !d.stock.contains_key(&form.material)
    {
        form.material = d.stock.keys().next().cloned().unwrap_or_default();
    }
    if form.to_team_name.is_empty() {
        form.to_team_name = form.team.clone();
    }
}

fn order_form(
    ui: &mut egui::Ui,
    kind: OrderKind,
    form: &mut OrderForm,
    drill: &mut Drill,
    view: &RoleView,
    lang: Lang,
) -> Option<Order> {
    let mut out = None;
    let k = kind as u8;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(labels::order(kind, lang)).strong());
        let words = Words::new(lang, &drill.names_zh);
        match kind {
            OrderKind::Report => {
                ui.horizontal_wrapped(|ui| {
                    for s in [ReportStage::Initial, ReportStage::FollowUp, ReportStage::Final] {
                        let r = ui.selectable_value(&mut form.stage, s, labels::stage(s, lang));
                        crate::drive::note(&format!("stage:{s:?}"), &r);
                    }
                    if form.stage != ReportStage::Initial {
                        ui.label(T::Follows.text(lang));
                        let shown = form.follows.map(|id| format!("#{id}")).unwrap_or_default();
                        ComboBox::from_id_salt("follows").selected_text(shown).show_ui(ui, |ui| {
                            for r in view.reports.iter().filter(|r| r.by == drill.role) {
                                ui.selectable_value(&mut form.follows, Some(r.id), format!("#{}", r.id));
                            }
                        });
                    }
                });
                village_combo(ui, kind, form.villages.entry(k).or_default(), view, lang);
                ui.horizontal_wrapped(|ui| {
                    for h in labels::HAZARDS {
                        ui.selectable_value(&mut form.hazard, h, labels::hazard(h, lang));
                    }
                });
                ui.horizontal_wrapped(|ui| {
                    ui.label(T::Severity.text(lang));
                    for (s, zh, en) in
                        [(1, "一般", "minor"), (2, "较大", "serious"), (3, "重大", "major"), (4, "特别重大", "extreme")]
                    {
                        ui.selectable_value(&mut form.severity, s, lang.pick(zh, en));
                    }
                });
                ui.horizontal_wrapped(|ui| {
                    ui.label(T::Trend.text(lang));
                    for t in [Trend::Rising, Trend::Steady, Trend::Easing] {
                        ui.selectable_value(&mut form.trend, t, labels::trend(t, lang));
                    }
                });
                number(ui, form, k, "people", T::PeopleAtRisk, lang);
                number(ui, form, k, "casualties", T::Casualties, lang);
                number(ui, form, k, "trapped", T::Trapped, lang);
                point_picker(ui, drill, kind, lang, false);
                text(ui, form, k, "actions", T::ActionsTaken, lang);
                text(ui, form, k, "note", T::Note, lang);
                let village = form.villages.get(&k).cloned().unwrap_or_default();
                if send_button(ui, kind, lang, !village.is_empty()) {
                    out = Some(Order::Report(ReportForm {
                        stage: form.stage,
                        village,
                        hazard: form.hazard,
                        at: drill.picked.get(&k).and_then(|p| p.first().copied()),
                        severity: form.severity,
                        people_at_risk: num(form, k, "people"),
                        casualties: num(form, k, "casualties"),
                        trapped: num(form, k, "trapped"),
                        trend: form.trend,
                        actions_taken: take(form, k, "actions"),
                        note: take(form, k, "note"),
                        follows: if form.stage == ReportStage::Initial { None } else { form.follows },
                    }));
                }
            }
            OrderKind::CallForHelp => {
                village_combo(ui, kind, form.villages.entry(k).or_default(), view, lang);
                text(ui, form, k, "note", T::Note, lang);
                let village = form.villages.get(&k).cloned().unwrap_or_default();
                if send_button(ui, kind, lang, !village.is_empty()) {
                    out = Some(Order::CallForHelp { village, note: take(form, k, "note") });
                }
            }
            OrderKind::Warn | OrderKind::HoldVillage | OrderKind::HeadCount => {
                village_combo(ui, kind, form.villages.entry(k).or_default(), view, lang);
                if kind == OrderKind::HoldVillage {
                    ui.checkbox(&mut form.held, T::Held.text(lang));
                }
                if kind == OrderKind::HeadCount {
                    number(ui, form, k, "moved", T::Moved, lang);
                }
                let village = form.villages.get(&k).cloned().unwrap_or_default();
                if send_button(ui, kind, lang, !village.is_empty()) {
                    out = Some(match kind {
                        OrderKind::Warn => Order::Warn { village },
                        OrderKind::HoldVillage => Order::HoldVillage { village, held: form.held },
                        _ => Order::HeadCount { village, moved: num(form, k, "moved") },
                    });
                }
            }
            OrderKind::Evacuate => {
                village_combo(ui, kind, form.villages.entry(k).or_default(), view, lang);
                ui.horizontal(|ui| {
                    ui.label(T::Shelter.text(lang));
                    let by_sheet = T::BySheet.text(lang).to_string();
                    let shown = form.shelter.clone().unwrap_or_else(|| by_sheet.clone());
                    ComboBox::from_id_salt("shelter").selected_text(shown).show_ui(ui, |ui| {
                        ui.selectable_value(&mut form.shelter, None, by_sheet);
                        for s in &view.shelters {
                            let text = format!("{} {}/{}", s.name, s.occupied, s.capacity);
                            ui.selectable_value(&mut form.shelter, Some(s.name.clone()), text);
                        }
                    });
                });
                let village = form.villages.get(&k).cloned().unwrap_or_default();
                if send_button(ui, kind, lang, !village.is_empty()) {
                    out = Some(Order::Evacuate { village, shelter: form.shelter.clone() });
                }
            }
            OrderKind::ActivateLevel | OrderKind::LowerLevel => {
                let level = if kind == OrderKind::ActivateLevel { &mut form.level } else { &mut form.lower_level };
                ui.horizontal_wrapped(|ui| {
                    for l in labels::LEVELS {
                        let r = ui.selectable_value(
                            level,
                            l,
                            RichText::new(labels::level(l, lang)).color(labels::level_colour(l)),
                        );
                        crate::drive::note(&format!("level:{kind:?}={}", l.name()), &r);
                    }
                });
                if send_button(ui, kind, lang, true) {
                    out = Some(if kind == OrderKind::ActivateLevel {
                        Order::ActivateLevel { level: *level }
                    } else {
                        Order::LowerLevel { level: *level }
                    });
                }
            }
            OrderKind::EndResponse => {
                if send_button(ui, kind, lang, view.level.is_some()) {
                    out = Some(Order::EndResponse);
                }
            }
            OrderKind::Dispatch => {
                let r = ComboBox::from_id_salt("team").selected_text(form.team.as_str()).show_ui(ui, |ui| {
                    for t in &view.teams {
                        let item = ui.selectable_value(
                            &mut form.team,
                            t.name.clone(),
                            format!("{} · {}", t.name, labels::team_state(&t.state, &words)),
                        );
                        crate::drive::note(&format!("team={}", t.name), &item);
                    }
                });
                crate::drive::note("team", &r.response);
                ui.horizontal_wrapped(|ui| {
                    for t in labels::TASKS {
                        let r = ui.selectable_label(form.task == t, labels::task(t, lang));
                        crate::drive::note(&format!("task={t:?}"), &r);
                        if r.clicked() && form.task != t {
                            form.task = t;
                            // A line for works along a path, a point for a watch or a road.
                            form.target = match t {
                                Task::Sandbag | Task::Firebreak | Task::AttackFire => TargetMode::Path,
                                Task::Watch | Task::ClearRoad => TargetMode::Point,
                                _ => TargetMode::Village,
                            };
                        }
                    }
                });
                ui.horizontal(|ui| {
                    for (m, t) in [
                        (TargetMode::Village, T::Village),
                        (TargetMode::Point, T::MapPoint),
                        (TargetMode::Path, T::MapPath),
                    ] {
                        ui.selectable_value(&mut form.target, m, t.text(lang));
                    }
                });
                let target = match form.target {
                    TargetMode::Village => {
                        village_combo(ui, kind, form.villages.entry(k).or_default(), view, lang);
                        let v = form.villages.get(&k).cloned().unwrap_or_default();
                        (!v.is_empty()).then_some(Target::Village(v))
                    }
                    TargetMode::Point => {
                        point_picker(ui, drill, kind, lang, false);
                        drill.picked.get(&k).and_then(|p| p.first().copied()).map(Target::Point)
                    }
                    TargetMode::Path => {
                        point_picker(ui, drill, kind, lang, true);
                        drill.picked.get(&k).filter(|p| p.len() >= 2).cloned().map(Target::Path)
                    }
                };
                if send_button(ui, kind, lang, !form.team.is_empty() && target.is_some())
                    && let Some(target) = target
                {
                    out = Some(Order::Dispatch { team: form.team.clone(), task: form.task, target });
                }
            }
            OrderKind::SendMaterials => {
                let depot = view.depots.iter().find(|d| d.name == form.depot);
                ui.horizontal_wrapped(|ui| {
                    ComboBox::from_id_salt("depot").selected_text(form.depot.as_str()).show_ui(ui, |ui| {
                        for d in &view.depots {
                            ui.selectable_value(&mut form.depot, d.name.clone(), d.name.as_str());
                        }
                    });
                    let shown =
                        depot.and_then(|d| d.stock.get(&form.material)).map(|n| format!("{} ({n})", form.material));
                    ComboBox::from_id_salt("material").selected_text(shown.unwrap_or_default()).show_ui(ui, |ui| {
                        for (m, n) in depot.iter().flat_map(|d| &d.stock) {
                            ui.selectable_value(&mut form.material, m.clone(), format!("{m} ({n})"));
                        }
                    });
                });
                number(ui, form, k, "amount", T::Amount, lang);
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut form.to_team, false, T::Village.text(lang));
                    ui.selectable_value(&mut form.to_team, true, T::Teams.text(lang));
                });
                let to = if form.to_team {
                    ComboBox::from_id_salt("to_team").selected_text(form.to_team_name.as_str()).show_ui(ui, |ui| {
                        for t in &view.teams {
                            ui.selectable_value(&mut form.to_team_name, t.name.clone(), t.name.as_str());
                        }
                    });
                    Consignee::Team(form.to_team_name.clone())
                } else {
                    village_combo(ui, kind, form.villages.entry(k).or_default(), view, lang);
                    Consignee::Village(form.villages.get(&k).cloned().unwrap_or_default())
                };
                let amount = num(form, k, "amount");
                if send_button(ui, kind, lang, !form.depot.is_empty() && !form.material.is_empty() && amount > 0) {
                    out = Some(Order::SendMaterials {
                        depot: form.depot.clone(),
                        material: form.material.clone(),
                        amount,
                        to,
                    });
                }
            }
            OrderKind::ReportUp => {
                ui.horizontal_wrapped(|ui| {
                    for s in [ReportStage::Initial, ReportStage::FollowUp, ReportStage::Final] {
                        ui.selectable_value(&mut form.up_stage, s, labels::stage(s, lang));
                    }
                });
                number(ui, form, k, "casualties", T::Casualties, lang);
                number(ui, form, k, "trapped", T::Trapped, lang);
                number(ui, form, k, "evacuated", T::Evacuated2, lang);
                text(ui, form, k, "note", T::Note, lang);
                if send_button(ui, kind, lang, true) {
                    out = Some(Order::ReportUp {
                        stage: form.up_stage,
                        casualties: num(form, k, "casualties"),
                        trapped: num(form, k, "trapped"),
                        evacuated: num(form, k, "evacuated"),
                        note: take(form, k, "note"),
                    });
                }
            }
            OrderKind::RequestSupport => {
                ui.horizontal(|ui| {
                    for s in [SupportKind::Teams, SupportKind::Materials, SupportKind::Experts] {
                        ui.selectable_value(&mut form.support, s, labels::support(s, lang));
                    }
                });
                text(ui, form, k, "detail", T::Note, lang);
                if form.support == SupportKind::Materials {
                    text(ui, form, k, "material", T::Material, lang);
                    number(ui, form, k, "amount", T::Amount, lang);
                }
                if send_button(ui, kind, lang, true) {
                    let material = (form.support == SupportKind::Materials)
                        .then(|| (take(form, k, "material"), num(form, k, "amount")))
                        .filter(|(m, n)| !m.trim().is_empty() && *n > 0);
                    out = Some(Order::RequestSupport { kind: form.support, detail: take(form, k, "detail"), material });
                }
            }
            OrderKind::AcceptTask => {
                if send_button(ui, kind, lang, true) {
                    out = Some(Order::AcceptTask);
                }
            }
            OrderKind::RefuseTask => {
                text(ui, form, k, "reason", T::Reason, lang);
                let ready = form.texts.get(&(k, "reason")).is_some_and(|t| !t.trim().is_empty());
                if send_button(ui, kind, lang, ready) {
                    out = Some(Order::RefuseTask { reason: take(form, k, "reason") });
                }
            }
            OrderKind::TeamReport => {
                ui.horizontal(|ui| {
                    for t in [
                        TeamReportKind::Arrived,
                        TeamReportKind::Progress,
                        TeamReportKind::Done,
                        TeamReportKind::Problem,
                    ] {
                        let r = ui.selectable_value(&mut form.team_report, t, labels::team_report(t, lang));
                        crate::drive::note(&format!("team_report={t:?}"), &r);
                    }
                });
                text(ui, form, k, "note", T::Note, lang);
                if send_button(ui, kind, lang, true) {
                    out = Some(Order::TeamReport { kind: form.team_report, note: take(form, k, "note") });
                }
            }
            OrderKind::MoveTo => {
                point_picker(ui, drill, kind, lang, false);
                let point = drill.picked.get(&k).and_then(|p| p.first().copied());
                if send_button(ui, kind, lang, point.is_some())
                    && let Some(point) = point
                {
                    out = Some(Order::MoveTo { point });
                }
            }
            OrderKind::Decide => {
                let open: Vec<_> = view.requests.iter().filter(|r| r.decision.is_none()).collect();
                if !open.iter().any(|r| Some(r.id) == form.request) {
                    form.request = open.first().map(|r| r.id);
                }
                let shown = form.request.map(|id| format!("#{id}")).unwrap_or_default();
                ComboBox::from_id_salt("request").selected_text(shown).show_ui(ui, |ui| {
                    for r in &open {
                        let what = format!(
                            "#{} {} · {} {}",
                            r.id,
                            labels::role(&r.from, &words),
                            labels::support(r.kind, lang),
                            r.detail
                        );
                        ui.selectable_value(&mut form.request, Some(r.id), what);
                    }
                });
                text(ui, form, k, "note", T::Note, lang);
                ui.horizontal(|ui| {
                    for (approve, t) in [(true, T::Approve), (false, T::Reject)] {
                        let b = ui.add_enabled(form.request.is_some(), egui::Button::new(t.text(lang)));
                        crate::drive::note(&format!("decide:{approve}"), &b);
                        if b.clicked()
                            && let Some(request) = form.request
                        {
                            out = Some(Order::Decide { request, approve, note: take(form, k, "note") });
                        }
                    }
                });
            }
            OrderKind::Directive | OrderKind::Inject => {
                let to_text = form.role_to.as_ref().map(|r| labels::role(r, &words)).unwrap_or_default();
                let combo = ComboBox::from_id_salt(("role_to", k)).selected_text(to_text).show_ui(ui, |ui| {
                    let roles = drill
                        .roles_on_offer
                        .iter()
                        .filter(|r| kind == OrderKind::Inject || matches!(r, Role::Command(_)));
                    for r in roles {
                        let item = ui.selectable_value(&mut form.role_to, Some(r.clone()), labels::role(r, &words));
                        crate::drive::note(&format!("to:{kind:?}={r}"), &item);
                    }
                });
                crate::drive::note(&format!("to:{kind:?}"), &combo.response);
                text(ui, form, k, "text", T::Message, lang);
                let event =
                    if kind == OrderKind::Inject { world_event(ui, form, drill, view, lang) } else { Some(None) };
                let ready =
                    form.role_to.is_some() && form.texts.get(&(k, "text")).is_some_and(|t| !t.trim().is_empty());
                if send_button(ui, kind, lang, ready && event.is_some())
                    && let (Some(to), Some(event)) = (form.role_to.clone(), event)
                {
                    let text = take(form, k, "text");
                    out = Some(if kind == OrderKind::Inject {
                        Order::Inject { to, message: text, event }
                    } else {
                        Order::Directive { to, text }
                    });
                }
            }
            OrderKind::FireInject => {
                out = msel(ui, drill, view, lang);
            }
            OrderKind::Freeze => {
                ui.horizontal(|ui| {
                    for h in labels::HAZARDS {
                        let frozen = view.frozen.contains(&h);
                        let text = format!("{} {}", labels::hazard(h, lang), if frozen { "❄" } else { "" });
                        ui.selectable_value(&mut form.freeze_hazard, h, text);
                    }
                });
                let frozen = view.frozen.contains(&form.freeze_hazard);
                let label = if frozen { T::Unfreeze } else { T::FreezeIt };
                let b = ui.button(label.text(lang));
                crate::drive::note("send:Freeze", &b);
                if b.clicked() {
                    out = Some(Order::Freeze { hazard: form.freeze_hazard, frozen: !frozen });
                }
            }
            OrderKind::Acknowledge | OrderKind::Verify => {}
        }
    });
    out
}

/// The inject's world event: `Some(None)` for none, `None` while a needed point is missing.
fn world_event(
    ui: &mut egui::Ui,
    form: &mut OrderForm,
    drill: &mut Drill,
    view: &RoleView,
    lang: Lang,
) -> Option<Option<WorldEvent>> {
    let k = OrderKind::Inject as u8;
    ui.horizontal_wrapped(|ui| {
        ui.label(T::WorldEvent.text(lang));
        for (e, zh, en) in [
            (EventChoice::None, "无", "none"),
            (EventChoice::Cloudburst, "暴雨", "cloudburst"),
            (EventChoice::Ignition, "起火", "ignition"),
            (EventChoice::RoadBlocked, "道路阻断", "road blocked"),
            (EventChoice::ReturnHome, "群众返家", "people return home"),
        ] {
            ui.selectable_value(&mut form.event, e, lang.pick(zh, en));
        }
    });
    match form.event {
        EventChoice::None => Some(None),
        EventChoice::Cloudburst => {
            ui.horizontal(|ui| {
                ui.add(egui::DragValue::new(&mut form.rain).range(1.0..=300.0).suffix(" mm/h"));
                ui.add(egui::DragValue::new(&mut form.rain_min).range(10.0..=1440.0).suffix(" min"));
            });
            Some(Some(WorldEvent::Cloudburst { rain_mm_per_h: form.rain, for_min: form.rain_min }))
        }
        EventChoice::Ignition | EventChoice::RoadBlocked => {
            point_picker(ui, drill, OrderKind::Inject, lang, false);
            let p = drill.picked.get(&k).and_then(|p| p.first().copied())?;
            Some(Some(if form.event == EventChoice::Ignition {
                WorldEvent::Ignition(p)
            } else {
                WorldEvent::RoadBlocked(p)
            }))
        }
        EventChoice::ReturnHome => {
            village_combo(ui, OrderKind::Inject, form.villages.entry(k).or_default(), view, lang);
            let village = form.villages.get(&k).cloned().filter(|v| !v.is_empty())?;
            Some(Some(WorldEvent::ReturnHome { village }))
        }
    }
}

/// The MSEL: every scripted inject with "fire now"; the ones that are due first.
fn msel(ui: &mut egui::Ui, drill: &Drill, view: &RoleView, lang: Lang) -> Option<Order> {
    let injects = drill
        .script
        .as_ref()
        .and_then(|s| sim::scenario::parse_scenario("scenario.ron", &s.scenario_ron).ok())
        .map(|s| s.injects)
        .unwrap_or_default();
    let mut out = None;
    if injects.is_empty() {
        ui.weak(T::NoInjects.text(lang));
    }
    for (i, inj) in injects.iter().enumerate() {
        let i = i as u32;
        ui.horizontal_wrapped(|ui| {
            let due = view.injects_due.contains(&i);
            let b = ui.button(T::FireNow.text(lang));
            crate::drive::note(&format!("fire:{i}"), &b);
            if b.clicked() {
                out = Some(Order::FireInject { index: i });
            }
            let text = format!("#{i} {:?}: {}", inj.to, crate::i18n::bilingual(&inj.message, lang));
            if due {
                ui.label(RichText::new(format!("⏰ {text}")).strong());
            } else {
                ui.weak(text);
            }
        });
    }
    out
}

fn village_combo(ui: &mut egui::Ui, id: OrderKind, village: &mut String, view: &RoleView, lang: Lang) {
    let name = |v: &sim::view::VillageView| match (lang, &v.name_zh) {
        (Lang::Zh, Some(zh)) => zh.clone(),
        _ => v.name.clone(),
    };
    let selected = view.villages.iter().find(|v| &v.name == village).map(name).unwrap_or_default();
    ui.horizontal(|ui| {
        ui.label(T::Village.text(lang));
        let r = ComboBox::from_id_salt(("village", id as u8)).selected_text(selected).show_ui(ui, |ui| {
            for v in &view.villages {
                let item = ui.selectable_value(village, v.name.clone(), name(v));
                crate::drive::note(&format!("village:{id:?}={}", v.name), &item);
            }
        });
        crate::drive::note(&format!("village:{id:?}"), &r.response);
    });
}

fn text(ui: &mut egui::Ui, form: &mut OrderForm, k: u8, field: &'static str, label: T, lang: Lang) {
    let kind = kind_name(k);
    ui.horizontal(|ui| {
        ui.label(label.text(lang));
        let r = ui.text_edit_singleline(form.texts.entry((k, field)).or_default());
        crate::drive::note(&format!("{field}:{kind}"), &r);
    });
}

fn number(ui: &mut egui::Ui, form: &mut OrderForm, k: u8, field: &'static str, label: T, lang: Lang) {
    ui.horizontal(|ui| {
        ui.label(label.text(lang));
        ui.add(egui::DragValue::new(form.numbers.entry((k, field)).or_default()).range(0..=100_000));
    });
}

fn num(form: &OrderForm, k: u8, field: &'static str) -> u32 {
    form.numbers.get(&(k, field)).copied().unwrap_or(0)
}

fn take(form: &mut OrderForm, k: u8, field: &'static str) -> String {
    form.texts.remove(&(k, field)).unwrap_or_default()
}

/// The order kind's name for widget names (`note:Report`).
fn kind_name(k: u8) -> String {
    OrderKind::ALL.iter().find(|o| **o as u8 == k).map(|o| format!("{o:?}")).unwrap_or_default()
}

/// Pick a point (or draw a path) on the map for this form: a button starts it, clicks on the
/// map add points, 完成 ends a path.
fn point_picker(ui: &mut egui::Ui, drill: &mut Drill, kind: OrderKind, lang: Lang, path: bool) {
    let k = kind as u8;
    let active = drill.pick.as_ref().is_some_and(|p| p.form == k);
    ui.horizontal_wrapped(|ui| {
        if active {
            let n = drill.pick.as_ref().map(|p| p.points.len()).unwrap_or(0);
            ui.label(RichText::new(format!("{} ({n})", T::ClickTheMap.text(lang))).strong());
            let done = ui.button(T::Done.text(lang));
            crate::drive::note(&format!("done:{kind:?}"), &done);
            if done.clicked()
                && let Some(p) = drill.pick.take()
            {
                drill.picked.insert(k, p.points);
            }
        } else {
            let label = if path { T::DrawOnMap } else { T::PickOnMap };
            let b = ui.button(label.text(lang));
            crate::drive::note(&format!("pick:{kind:?}"), &b);
            if b.clicked() {
                drill.pick = Some(MapPick { form: k, path, points: Vec::new() });
                drill.picked.remove(&k);
            }
            match drill.picked.get(&k).map(Vec::as_slice) {
                Some([p]) => {
                    ui.weak(format!("({:.0}, {:.0}) m", p[0], p[1]));
                }
                Some(ps) if ps.len() > 1 => {
                    ui.weak(
                        format!("{} {} m", ps.len(), T::PointsOfLine.text(lang))
                            .replace(" m", &format!(" · {:.0} m", length(ps))),
                    );
                }
                _ => {}
            }
        }
    });
}

fn length(ps: &[Xy]) -> f64 {
    ps.windows(2).map(|w| ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt()).sum()
}

fn send_button(ui: &mut egui::Ui, kind: OrderKind, lang: Lang, enabled: bool) -> bool {
    let r = ui.add_enabled(enabled, egui::Button::new(T::Send.text(lang)));
    crate::drive::note(&format!("send:{kind:?}"), &r);
    r.clicked()
}
