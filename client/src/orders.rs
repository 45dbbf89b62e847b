//! The order forms of the side panel: one small form per order the role may give (as the server
//! lists them in the role's view), each with its own choices (a village picked for a warning
//! stays out of the evacuation form), and the controller's clock controls. Sending only queues
//! the message; the server decides and answers with events or a refusal.

use std::collections::BTreeMap;

use bevy::prelude::*;
use bevy_egui::egui::{self, ComboBox, RichText};
use protocol::ClientMessage;
use sim::scenario::Level;
use sim::view::RoleView;
use sim::{HazardKind, Order, OrderKind, Role, Task};

use crate::drill::Drill;
use crate::i18n::{Lang, T};
use crate::labels::{self, Words};

/// What the player has chosen in the forms so far.
#[derive(Resource, Debug)]
pub struct OrderForm {
    /// The village chosen in each form, by the form's order kind.
    villages: BTreeMap<OrderKindKey, String>,
    team: String,
    task: Task,
    hazard: HazardKind,
    level: Level,
    note: String,
    inject_to: Option<Role>,
    message: String,
    /// The hazard choice was set from the briefing once; the player's choice stands after that.
    hazard_from_scenario: bool,
    console: crate::console::ConsoleForm,
}

impl Default for OrderForm {
    fn default() -> Self {
        OrderForm {
            villages: BTreeMap::new(),
            team: String::new(),
            task: Task::Evacuate,
            hazard: HazardKind::Flood,
            level: Level::IV,
            note: String::new(),
            inject_to: None,
            message: String::new(),
            hazard_from_scenario: false,
            console: Default::default(),
        }
    }
}

/// An order kind as a map key (`OrderKind` is not `Ord`).
type OrderKindKey = u8;

/// The orders section: a form per order kind the view allows.
pub fn orders_ui(ui: &mut egui::Ui, drill: &mut Drill, form: &mut OrderForm, lang: Lang) {
    let Some(view) = drill.view.clone() else { return };
    if sim::access::may_steer_clock(&drill.role) {
        let extent = drill.view_extent;
        crate::console::console_ui(ui, drill, &mut form.console, lang, extent);
    }
    let kinds: Vec<OrderKind> = view.orders.iter().copied().filter(|k| *k != OrderKind::Acknowledge).collect();
    if kinds.is_empty() && !view.orders.contains(&OrderKind::Acknowledge) {
        ui.weak(T::NoOrders.text(lang));
        return;
    }
    default_choices(form, drill, &view);
    for kind in kinds {
        if let Some(order) = order_form(ui, kind, form, drill, &view, lang) {
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
}

fn order_form(
    ui: &mut egui::Ui,
    kind: OrderKind,
    form: &mut OrderForm,
    drill: &Drill,
    view: &RoleView,
    lang: Lang,
) -> Option<Order> {
    let mut out = None;
    let words = Words::new(lang, &drill.names_zh);
    let village = form.villages.entry(kind as u8).or_default();
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(labels::order(kind, lang)).strong());
        match kind {
            OrderKind::Report => {
                village_combo(ui, kind, village, view, lang);
                ComboBox::from_id_salt("report_hazard").selected_text(labels::hazard(form.hazard, lang)).show_ui(
                    ui,
                    |ui| {
                        for h in labels::HAZARDS {
                            ui.selectable_value(&mut form.hazard, h, labels::hazard(h, lang));
                        }
                    },
                );
                ui.horizontal(|ui| {
                    ui.label(T::Note.text(lang));
                    let r = ui.text_edit_singleline(&mut form.note);
                    crate::drive::note(&format!("note:{kind:?}"), &r);
                });
                if send_button(ui, kind, lang, !village.is_empty()) {
                    out = Some(Order::Report {
                        village: village.clone(),
                        hazard: form.hazard,
                        note: std::mem::take(&mut form.note),
                    });
                }
            }
            OrderKind::ActivateLevel => {
                let r =
                    ComboBox::from_id_salt("level").selected_text(labels::level(form.level, lang)).show_ui(ui, |ui| {
                        for l in labels::LEVELS {
                            let item = ui.selectable_value(
                                &mut form.level,
                                l,
                                RichText::new(labels::level(l, lang)).color(labels::level_colour(l)),
                            );
                            crate::drive::note(&format!("level={}", l.name()), &item);
                        }
                    });
                crate::drive::note("level", &r.response);
                if send_button(ui, kind, lang, true) {
                    out = Some(Order::ActivateLevel { level: form.level });
                }
            }
            OrderKind::Warn | OrderKind::Evacuate => {
                village_combo(ui, kind, village, view, lang);
                if send_button(ui, kind, lang, !village.is_empty()) {
                    let village = village.clone();
                    out = Some(if kind == OrderKind::Warn {
                        Order::Warn { village }
                    } else {
                        Order::Evacuate { village }
                    });
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
                village_combo(ui, kind, village, view, lang);
                let r = ComboBox::from_id_salt("task").selected_text(labels::task(form.task, lang)).show_ui(ui, |ui| {
                    for t in labels::TASKS {
                        let item = ui.selectable_value(&mut form.task, t, labels::task(t, lang));
                        crate::drive::note(&format!("task={t:?}"), &item);
                    }
                });
                crate::drive::note("task", &r.response);
                if send_button(ui, kind, lang, !form.team.is_empty() && !village.is_empty()) {
                    out = Some(Order::Dispatch { team: form.team.clone(), village: village.clone(), task: form.task });
                }
            }
            OrderKind::ReportUp => {
                ui.horizontal(|ui| {
                    ui.label(T::Note.text(lang));
                    let r = ui.text_edit_singleline(&mut form.note);
                    crate::drive::note(&format!("note:{kind:?}"), &r);
                });
                if send_button(ui, kind, lang, true) {
                    out = Some(Order::ReportUp { note: std::mem::take(&mut form.note) });
                }
            }
            OrderKind::Inject => {
                let to_text = form.inject_to.as_ref().map(|r| labels::role(r, &words)).unwrap_or_default();
                let combo = ComboBox::from_id_salt("inject_to").selected_text(to_text).show_ui(ui, |ui| {
                    for r in &drill.roles_on_offer {
                        let item = ui.selectable_value(&mut form.inject_to, Some(r.clone()), labels::role(r, &words));
                        crate::drive::note(&format!("inject_to={r}"), &item);
                    }
                });
                crate::drive::note("inject_to", &combo.response);
                ui.horizontal(|ui| {
                    ui.label(T::Message.text(lang));
                    let r = ui.text_edit_singleline(&mut form.message);
                    crate::drive::note("message", &r);
                });
                if send_button(ui, kind, lang, form.inject_to.is_some() && !form.message.trim().is_empty())
                    && let Some(to) = form.inject_to.clone()
                {
                    out = Some(Order::Inject { to, message: std::mem::take(&mut form.message) });
                }
            }
            OrderKind::Acknowledge => {}
        }
    });
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

fn send_button(ui: &mut egui::Ui, kind: OrderKind, lang: Lang, enabled: bool) -> bool {
    let r = ui.add_enabled(enabled, egui::Button::new(T::Send.text(lang)));
    crate::drive::note(&format!("send:{kind:?}"), &r);
    r.clicked()
}
