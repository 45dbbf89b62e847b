//! The drill screen's panels: the top bar (scenario, role, clock, response level, weather, UI
//! scale, language) on one line that never wraps, and the side panel: a fixed-height status
//! line (the last refusal), alerts (new reports, waiting for the controller, the end), then the
//! reports before the forms for a post that acknowledges them, the order forms, my orders with
//! their status, villages, teams, gauges, messages, and the events with the key ones pinned and
//! road closures grouped. The legend floats over the map, open. Before the map and the first
//! view arrive, a status card instead (connecting, refused...).

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use protocol::ClientMessage;
use sim::view::RoleView;
use sim::{EventKind, Order, OrderKind};

use crate::app::Screen;
use crate::drill::{Drill, Link, Sent, Status};
use crate::i18n::{Lang, T, UiScale, bilingual};
use crate::labels::{self, Words};
use crate::map_view::{DrillUi, MapArea, MapCamera};
use crate::orders::{OrderForm, orders_ui};
use crate::session::LeaveSession;
use crate::terrain;

/// The one colour of trouble in the panels (refusals, a lost connection).
const PROBLEM: Color32 = Color32::from_rgb(240, 110, 90);
/// Something the player should watch that is not (yet) a failure: the link reconnecting, an
/// order waiting or not confirmed.
const WARNING: Color32 = Color32::from_rgb(250, 200, 60);
/// Alerts that want a look (a new report): amber, not red.
const ALERT: Color32 = Color32::from_rgb(250, 200, 60);

pub fn plugin(app: &mut App) {
    app.init_resource::<OrderForm>()
        .add_systems(EguiPrimaryContextPass, draw_panels.in_set(DrillUi::Panels).run_if(in_state(Screen::Session)));
}

#[allow(clippy::too_many_arguments)]
fn draw_panels(
    mut contexts: EguiContexts,
    drill: Option<ResMut<Drill>>,
    mut lang: ResMut<Lang>,
    mut scale: ResMut<UiScale>,
    mut area: ResMut<MapArea>,
    mut form: ResMut<OrderForm>,
    mut camera: ResMut<MapCamera>,
    mut leave: MessageWriter<LeaveSession>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "drill_root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    area.0 = None;
    let Some(mut drill) = drill else { return Ok(()) };
    if !drill.ready() {
        status_card(&mut root, &drill, *lang, &mut leave);
        return Ok(());
    }
    egui::Panel::top("top_bar").show(&mut root, |ui| top_bar(ui, &drill, &mut lang, &mut scale, &mut camera));
    egui::Panel::right("side_panel").default_size(380.0).min_size(280.0).show(&mut root, |ui| {
        side_panel(ui, &mut drill, &mut form, *lang, &mut leave);
    });
    let map_rect = root.available_rect_before_wrap();
    area.0 = Some(map_rect);
    legend(&ctx, map_rect, *lang);
    Ok(())
}

fn status_card(ui: &mut egui::Ui, drill: &Drill, lang: Lang, leave: &mut MessageWriter<LeaveSession>) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 3.0);
            ui.heading(T::AppTitle.text(lang));
            ui.add_space(12.0);
            let (text, problem) = match &drill.link {
                Link::Connecting => (T::Connecting.text(lang).to_string(), false),
                Link::Reconnecting(why) => (format!("{} ({why})", T::Reconnecting.text(lang)), false),
                Link::Joining | Link::Welcomed => (T::WaitingForMap.text(lang).to_string(), false),
                Link::Refused(r) => (format!("{}: {}", T::Refused.text(lang), bilingual(r, lang)), true),
                Link::Lost(p) => (format!("{}: {}", T::Disconnected.text(lang), p.text(lang)), true),
            };
            let colour = if problem { PROBLEM } else { ui.visuals().text_color() };
            ui.label(RichText::new(text).color(colour).size(16.0));
            ui.label(labels::seat(&drill.seat, &Words::new(lang, &drill.names_zh)));
            if problem && ui.button(T::BackToLauncher.text(lang)).clicked() {
                leave.write(LeaveSession);
            }
        });
    });
}

/// One line, never wrapped: what does not fit scrolls sideways.
pub(crate) fn top_bar(ui: &mut egui::Ui, drill: &Drill, lang: &mut Lang, scale: &mut UiScale, camera: &mut MapCamera) {
    let Some(view) = &drill.view else { return };
    let l = *lang;
    let w = Words::new(l, &drill.names_zh);
    egui::ScrollArea::horizontal().scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysHidden).show(
        ui,
        |ui| {
            ui.horizontal(|ui| {
                if let Some(info) = drill.info() {
                    let name = match (l, &info.name_en) {
                        (Lang::En, Some(en)) => en.as_str(),
                        _ => info.name.as_str(),
                    };
                    ui.label(RichText::new(name).strong().size(16.0));
                    ui.separator();
                }
                ui.label(RichText::new(labels::seat(&drill.seat, &w)).strong());
                ui.weak(&drill.player);
                ui.separator();
                let clock = drill.clock_text().unwrap_or_default();
                let state = if drill.is_over() {
                    T::DrillEnded.text(l)
                } else if drill.running {
                    T::Running.text(l)
                } else {
                    T::Paused.text(l)
                };
                ui.label(RichText::new(clock).monospace().strong());
                ui.label(format!("{state} ×{}", drill.speed));
                ui.separator();
                match view.level {
                    Some(level) => {
                        let c = labels::level_colour(level);
                        let text_colour =
                            if matches!(level, sim::scenario::Level::III) { Color32::BLACK } else { Color32::WHITE };
                        egui::Frame::new().fill(c).corner_radius(4.0).inner_margin(egui::Margin::symmetric(6, 2)).show(
                            ui,
                            |ui| {
                                ui.label(RichText::new(labels::level(level, l)).color(text_colour).strong());
                            },
                        );
                    }
                    None => {
                        ui.weak(format!("{}: {}", T::Level.text(l), T::NoLevel.text(l)));
                    }
                }
                ui.separator();
                let wx = &view.weather;
                ui.label(format!(
                    "{} {:.1} mm/h · {} {:.0} mm · {} {:.1} m/s",
                    T::Rain.text(l),
                    wx.rain_mm_per_h,
                    T::Rain6h.text(l),
                    wx.rain_over(6.0).unwrap_or(0.0),
                    compass(wx.wind_from_deg as f32, l),
                    wx.wind_m_per_s,
                ))
                .on_hover_text(format!(
                    "{:.0} °C · {} {:.0}%",
                    wx.temperature_c,
                    T::Humidity.text(l),
                    wx.humidity_percent
                ));
                ui.separator();
                if ui.button(T::ResetView.text(l)).on_hover_text(T::ZoomHint.text(l)).clicked() {
                    camera.reset();
                }
                scale_buttons(ui, scale, l);
                if ui.button(l.toggle_label()).clicked() {
                    *lang = l.other();
                }
            });
        },
    );
}

/// A− / A+: the UI scale, for a projector across the hall.
pub fn scale_buttons(ui: &mut egui::Ui, scale: &mut UiScale, lang: Lang) {
    ui.label(T::UiScale.text(lang));
    if ui.small_button("A−").clicked() {
        scale.step(-1);
    }
    ui.monospace(format!("{:.0}%", scale.0 * 100.0));
    if ui.small_button("A+").clicked() {
        scale.step(1);
    }
}

/// Wind direction as a compass point (the direction it blows from).
fn compass(from_deg: f32, lang: Lang) -> &'static str {
    const ZH: [&str; 8] = ["北风", "东北风", "东风", "东南风", "南风", "西南风", "西风", "西北风"];
    const EN: [&str; 8] = ["wind N", "wind NE", "wind E", "wind SE", "wind S", "wind SW", "wind W", "wind NW"];
    let i = ((from_deg.rem_euclid(360.0) + 22.5) / 45.0) as usize % 8;
    lang.pick(ZH[i], EN[i])
}

fn side_panel(
    ui: &mut egui::Ui,
    drill: &mut Drill,
    form: &mut OrderForm,
    lang: Lang,
    leave: &mut MessageWriter<LeaveSession>,
) {
    let Some(view) = drill.view.clone() else { return };
    // The status line: always one line high, so nothing below moves when a refusal arrives.
    status_line(ui, drill, lang, leave);
    ui.separator();
    if drill.is_public() {
        public_panel(ui, drill, lang);
        return;
    }
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        banners(ui, drill, &view, lang);
        let acknowledges = view.orders.contains(&OrderKind::Acknowledge);
        if acknowledges {
            reports(ui, drill, &view, lang);
        }
        ui.heading(T::Orders.text(lang));
        if drill.is_over() {
            ui.weak(T::FormsClosed.text(lang));
        } else {
            orders_ui(ui, drill, form, lang);
        }
        my_orders(ui, drill, lang);
        ui.separator();
        if !acknowledges {
            reports(ui, drill, &view, lang);
        }
        situation(ui, drill, &view, lang);
        events(ui, drill, &view, lang);
    });
}

fn status_line(ui: &mut egui::Ui, drill: &Drill, lang: Lang, leave: &mut MessageWriter<LeaveSession>) {
    let height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let width = ui.available_width();
    ui.allocate_ui_with_layout(egui::vec2(width, height), egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.set_min_size(egui::vec2(width, height));
        let lost = match &drill.link {
            Link::Refused(r) => Some(bilingual(r, lang)),
            Link::Lost(p) => Some(p.text(lang)),
            _ => None,
        };
        if let Link::Reconnecting(why) = &drill.link
            && !drill.is_over()
        {
            let text = T::Reconnecting.text(lang);
            ui.add(egui::Label::new(RichText::new(text).color(WARNING)).truncate()).on_hover_text(why.as_str());
            return;
        }
        match lost {
            // The connection closing after the end is no error.
            Some(_) if drill.is_over() => {
                ui.weak(T::SessionClosedAfterEnd.text(lang));
                if ui.small_button(T::BackToLauncher.text(lang)).clicked() {
                    leave.write(LeaveSession);
                }
            }
            Some(text) => {
                if ui.small_button(T::BackToLauncher.text(lang)).clicked() {
                    leave.write(LeaveSession);
                }
                ui.add(
                    egui::Label::new(RichText::new(format!("{}: {text}", T::Disconnected.text(lang))).color(PROBLEM))
                        .truncate(),
                );
            }
            None => match drill.notices.last() {
                Some(n) => {
                    let text = n.text(lang);
                    ui.add(egui::Label::new(RichText::new(&text).color(PROBLEM)).truncate()).on_hover_text(text);
                }
                None => {
                    ui.weak(format!("{}: —", T::LastNotice.text(lang)));
                }
            },
        }
    });
}

fn banners(ui: &mut egui::Ui, drill: &mut Drill, view: &RoleView, lang: Lang) {
    if let Some((score, summary)) = &drill.ended {
        egui::Frame::group(ui.style()).fill(Color32::from_rgb(40, 60, 40)).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!("{} · {}: {score:.1}", T::DrillEnded.text(lang), T::Score.text(lang))).strong(),
            );
            ui.label(Words::new(lang, &drill.names_zh).text(summary));
        });
    }
    if !drill.is_over() && !drill.running && view.t_s == 0 {
        let text = if sim::access::may_steer_clock(&drill.role) {
            T::ControllerMayStart.text(lang)
        } else {
            T::WaitingForController.text(lang)
        };
        egui::Frame::group(ui.style()).fill(Color32::from_rgb(40, 50, 70)).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(text).size(16.0).strong());
        });
    }
    if !drill.new_reports.is_empty() {
        let w = Words::new(lang, &drill.names_zh);
        let latest: Vec<String> = view
            .reports
            .iter()
            .filter(|r| drill.new_reports.contains(&r.id))
            .map(|r| format!("#{} {} {}", r.id, w.place(&r.village), labels::hazard(r.hazard, lang)))
            .collect();
        let clicked = egui::Frame::group(ui.style())
            .fill(Color32::from_rgb(90, 70, 10))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    RichText::new(format!("⚠ {}: {}", T::NewReport.text(lang), latest.join(", ")))
                        .color(ALERT)
                        .strong(),
                );
            })
            .response
            .interact(egui::Sense::click())
            .clicked();
        if clicked {
            drill.new_reports.clear();
        }
    }
}

pub(crate) fn reports(ui: &mut egui::Ui, drill: &mut Drill, view: &RoleView, lang: Lang) {
    let can_ack = view.orders.contains(&OrderKind::Acknowledge) && !drill.is_over();
    let waiting = view.reports.iter().filter(|r| !r.acknowledged).count();
    let title = if can_ack && waiting > 0 {
        format!("{} ({}) · {waiting} {}", T::Reports.text(lang), view.reports.len(), T::UnansweredReports.text(lang))
    } else {
        format!("{} ({})", T::Reports.text(lang), view.reports.len())
    };
    let mut ack = None;
    let mut verify = None;
    let can_verify = view.orders.contains(&OrderKind::Verify) && !drill.is_over();
    {
        let w = Words::new(lang, &drill.names_zh);
        egui::CollapsingHeader::new(title).id_salt("reports").default_open(true).show(ui, |ui| {
            if view.reports.is_empty() {
                ui.weak(T::NoReports.text(lang));
            }
            for r in view.reports.iter().rev() {
                let fresh = drill.new_reports.contains(&r.id);
                ui.horizontal_wrapped(|ui| {
                    let line = format!(
                        "#{} {} · {} · {} · {}",
                        r.id,
                        minutes_clock(r.t_s),
                        labels::role(&r.by, &w),
                        w.place(&r.village),
                        labels::hazard(r.hazard, lang)
                    );
                    if fresh {
                        ui.label(RichText::new(line).color(ALERT).strong());
                    } else {
                        ui.label(line);
                    }
                    if !r.by_name.is_empty() {
                        ui.weak(&r.by_name);
                    }
                    ui.weak(format!(
                        "{} · {}/4 · {} {} · {} {} · {} {} · {}",
                        labels::stage(r.form.stage, lang),
                        r.form.severity,
                        T::PeopleAtRisk.text(lang),
                        r.form.people_at_risk,
                        T::Casualties.text(lang),
                        r.form.casualties,
                        T::Trapped.text(lang),
                        r.form.trapped,
                        labels::trend(r.form.trend, lang)
                    ));
                    if !r.note.is_empty() {
                        ui.weak(w.text(&r.note));
                    }
                    if !r.form.actions_taken.is_empty() {
                        ui.weak(w.text(&r.form.actions_taken));
                    }
                    if can_verify && !r.verify_asked && !r.acknowledged {
                        let b = ui.small_button(lang.pick("核实", "Verify"));
                        crate::drive::note(&format!("verify:{}", r.id), &b);
                        if b.clicked() {
                            verify = Some(r.id);
                        }
                    }
                    if r.acknowledged {
                        ui.colored_label(Color32::from_rgb(110, 200, 110), T::Acknowledged.text(lang));
                    } else if can_ack {
                        // Sent once: the button stays off until the server answers.
                        if drill.ack_pending(r.id) {
                            ui.weak(T::AckSent.text(lang));
                        } else {
                            let b = ui.button(T::Acknowledge.text(lang));
                            crate::drive::note(&format!("ack:{}", r.id), &b);
                            if b.clicked() {
                                ack = Some(r.id);
                            }
                        }
                    }
                });
            }
        });
    }
    if let Some(id) = ack {
        drill.send(ClientMessage::Order(Order::Acknowledge { report: id }));
        drill.new_reports.remove(&id);
    }
    if let Some(id) = verify {
        drill.send(ClientMessage::Order(Order::Verify { report: id }));
    }
}

/// The seat's communications log: what it sent (with what became of it) and what it was told,
/// newest first.
pub(crate) fn my_orders(ui: &mut egui::Ui, drill: &Drill, lang: Lang) {
    let w = Words::new(lang, &drill.names_zh);
    let messages = drill.view.as_ref().map(|v| v.messages.as_slice()).unwrap_or_default();
    let title = format!("{} ({} → · {} ←)", T::CommsLog.text(lang), drill.sent.len(), messages.len());
    egui::CollapsingHeader::new(title).id_salt("my_orders").default_open(true).show(ui, |ui| {
        if drill.sent.is_empty() && messages.is_empty() {
            ui.weak(T::NoOrdersSent.text(lang));
        }
        // Merge both lists by drill time, newest first.
        let mut lines: Vec<(u32, usize, Option<&crate::drill::SentOrder>, Option<&sim::view::MessageView>)> = drill
            .sent
            .iter()
            .enumerate()
            .map(|(i, s)| (s.t_s, i, Some(s), None))
            .chain(messages.iter().enumerate().map(|(i, m)| (m.t_s, i, None, Some(m))))
            .collect();
        lines.sort_by_key(|(t, i, _, _)| std::cmp::Reverse((*t, *i)));
        for (t_s, _, sent, message) in lines.into_iter().take(40) {
            ui.horizontal_wrapped(|ui| {
                ui.monospace(minutes_clock(t_s));
                if let Some(m) = message {
                    ui.label(format!("← {}", w.text(&m.text)));
                    return;
                }
                let Some(s) = sent else { return };
                let what = match &s.what {
                    Sent::Order(o) => labels::order_text(o, &w),
                    Sent::Control(c) => labels::control_text(c, lang),
                };
                ui.label(format!("→ {what}"));
                match &s.status {
                    Status::Sent => {
                        ui.weak(T::StatusSent.text(lang));
                    }
                    Status::Waiting => {
                        ui.colored_label(WARNING, T::StatusWaiting.text(lang));
                    }
                    Status::Unknown => {
                        ui.colored_label(WARNING, T::StatusUnknown.text(lang));
                    }
                    Status::NotSent => {
                        ui.colored_label(PROBLEM, T::StatusNotSent.text(lang));
                    }
                    Status::Accepted => {
                        ui.colored_label(Color32::from_rgb(110, 200, 110), T::StatusAccepted.text(lang));
                    }
                    Status::Refused(r) => {
                        ui.colored_label(PROBLEM, format!("{}: {}", T::StatusRefused.text(lang), bilingual(r, lang)));
                    }
                }
            });
        }
    });
}

pub(crate) fn situation(ui: &mut egui::Ui, drill: &Drill, view: &RoleView, lang: Lang) {
    let w = Words::new(lang, &drill.names_zh);
    egui::CollapsingHeader::new(T::Villages.text(lang)).default_open(true).show(ui, |ui| {
        for v in &view.villages {
            let mut line = format!("{}: {} {}", w.place(&v.name), T::Population.text(lang), v.population);
            if let Some(n) = v.at_home {
                line += &format!(" · {} {n}", T::AtHome.text(lang));
            }
            if let Some(n) = v.in_shelter {
                line += &format!(" · {} {n}", T::InShelter.text(lang));
            }
            if v.warned {
                line += &format!(" · {}", T::Warned.text(lang));
            }
            if v.evacuation_ordered {
                line += &format!(" · {}", T::EvacOrdered.text(lang));
            }
            ui.label(line);
        }
    });
    egui::CollapsingHeader::new(T::Teams.text(lang)).default_open(true).show(ui, |ui| {
        for t in &view.teams {
            ui.label(format!("{} ({}, {}): {}", t.name, t.kind_zh, t.size, labels::team_state(&t.state, &w)));
        }
    });
    if !view.gauges.is_empty() {
        egui::CollapsingHeader::new(T::Gauges.text(lang)).default_open(true).show(ui, |ui| {
            for g in &view.gauges {
                let stage = g.stage.map(|s| labels::stage_name(s, lang)).unwrap_or("");
                ui.label(format!("{}: {:.2} m {stage}", g.name, g.depth_m));
            }
        });
    }
}

/// The observer's and projector's panel: the big clock, the level, the counts of the public
/// situation, the reports as the hall hears of them, the key events.
fn public_panel(ui: &mut egui::Ui, drill: &Drill, lang: Lang) {
    let big = if drill.seat == protocol::Seat::Projector { 44.0 } else { 28.0 };
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        banners_public(ui, drill, lang);
        if let Some(code) = &drill.join_code {
            ui.label(RichText::new(format!("{} {code}", T::JoinCode.text(lang))).monospace().strong().size(big / 1.4));
        }
        ui.label(RichText::new(drill.clock_text().unwrap_or_default()).monospace().strong().size(big));
        if let Some(c) = &drill.clock {
            let state = if drill.is_over() {
                T::DrillEnded.text(lang)
            } else if c.running {
                T::Running.text(lang)
            } else {
                T::Paused.text(lang)
            };
            ui.label(RichText::new(format!("{state} ×{}", c.speed)).size(big / 2.0));
        }
        let Some(p) = &drill.public else { return };
        let w = Words::new(lang, &drill.names_zh);
        for (role, level) in &p.levels {
            let c = labels::level_colour(*level);
            ui.label(
                RichText::new(format!("{} · {}", labels::level(*level, lang), labels::role(role, &w)))
                    .color(c)
                    .strong()
                    .size(big / 1.6),
            );
        }
        let counts = [
            (T::Warned2, p.villages_warned),
            (T::Evacuating2, p.villages_evacuating),
            (T::Evacuated2, p.villages_evacuated),
            (T::ClosedRoad, p.roads_closed),
        ];
        egui::Grid::new("public_counts").num_columns(2).show(ui, |ui| {
            for (t, n) in counts {
                ui.label(RichText::new(t.text(lang)).size(big / 2.2));
                ui.label(RichText::new(n.to_string()).strong().size(big / 2.2));
                ui.end_row();
            }
            ui.label(RichText::new(T::TeamsOut.text(lang)).size(big / 2.2));
            ui.label(RichText::new(format!("{}/{}", p.teams_out, p.teams_total)).strong().size(big / 2.2));
            ui.end_row();
        });
        ui.separator();
        ui.label(RichText::new(format!("{} ({})", T::Reports.text(lang), p.reports.len())).strong());
        for r in p.reports.iter().rev().take(12) {
            let ack = if r.acknowledged { T::Acknowledged.text(lang) } else { "" };
            ui.label(format!(
                "{} {} {} {ack}",
                minutes_clock(r.t_s),
                w.place(&r.village),
                labels::hazard(r.hazard, lang)
            ));
        }
        let view = drill.view.clone();
        if let Some(view) = view {
            events(ui, drill, &view, lang);
        }
    });
}

fn banners_public(ui: &mut egui::Ui, drill: &Drill, lang: Lang) {
    if let Some((score, _)) = &drill.ended {
        ui.label(RichText::new(format!("{} · {}: {score:.1}", T::DrillEnded.text(lang), T::Score.text(lang))).strong());
    } else if !drill.running && drill.view.as_ref().is_some_and(|v| v.t_s == 0) {
        ui.label(RichText::new(T::WaitingForController.text(lang)).size(18.0).strong());
    }
}

/// Events that matter for the whole drill: pinned above the rest.
pub fn is_key_event(kind: &EventKind) -> bool {
    use EventKind as E;
    matches!(
        kind,
        E::DrillStarted
            | E::DrillEnded
            | E::LevelTriggered { .. }
            | E::LevelActivated { .. }
            | E::VillageHit { .. }
            | E::SlopeFailed { .. }
            | E::VillageEvacuated { .. }
            | E::TeamCannotReach { .. }
            | E::InjectDelivered { .. }
    )
}

/// "12 段道路中断: CG-1, CG-3 …": the closed roads this role knows of, named where the map
/// names them, as one line instead of one line per road section.
pub fn closed_roads_line(closed: &[u32], map: &sim::map::MapAsset, lang: Lang) -> Option<String> {
    if closed.is_empty() {
        return None;
    }
    let mut names: Vec<&str> = closed
        .iter()
        .filter_map(|i| map.features.roads.edges.get(*i as usize).and_then(|e| e.name.as_deref()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let shown = names.iter().take(4).copied().collect::<Vec<_>>().join(", ");
    let more = if names.len() > 4 { " …" } else { "" };
    let head = format!("{} {}", closed.len(), T::RoadsClosed.text(lang));
    Some(if shown.is_empty() { head } else { format!("{head}: {shown}{more}") })
}

pub(crate) fn events(ui: &mut egui::Ui, drill: &Drill, view: &RoleView, lang: Lang) {
    let w = Words::new(lang, &drill.names_zh);
    let line = |e: &sim::Event| format!("{} {}", minutes_clock(e.t_s), labels::event(&e.kind, &w));
    egui::CollapsingHeader::new(T::KeyEvents.text(lang)).id_salt("key_events").default_open(true).show(ui, |ui| {
        if let Some(map) = &drill.map
            && let Some(text) = closed_roads_line(&view.closed_roads, map, lang)
        {
            ui.label(RichText::new(text).color(Color32::from_gray(200)));
        }
        for e in drill.events.iter().rev().filter(|e| is_key_event(&e.kind)).take(12) {
            ui.label(RichText::new(line(e)).strong());
        }
    });
    egui::CollapsingHeader::new(T::Events.text(lang)).id_salt("events").default_open(true).show(ui, |ui| {
        let rest = drill
            .events
            .iter()
            .rev()
            .filter(|e| !matches!(e.kind, EventKind::RoadClosed { .. }) && !is_key_event(&e.kind))
            .take(40);
        for e in rest {
            ui.label(line(e));
        }
    });
}

/// The legend: over the map's top-right corner, open until the player folds it.
pub(crate) fn legend(ctx: &egui::Context, map: egui::Rect, lang: Lang) {
    use sim::view::{HazardCell, HazardCellKind as K};
    let swatch = |ui: &mut egui::Ui, draw: &dyn Fn(&egui::Painter, egui::Rect), text: &str| {
        ui.horizontal(|ui| {
            let (r, _) = ui.allocate_exact_size(egui::Vec2::new(22.0, 14.0), egui::Sense::hover());
            draw(ui.painter(), r);
            ui.label(text);
        });
    };
    let fill = |c: Color32| {
        move |p: &egui::Painter, r: egui::Rect| {
            p.rect_filled(r, 2.0, c);
        }
    };
    let cell = |kind, amount| terrain::hazard_colour(&HazardCell { cell: 0, kind, amount });
    let frame = egui::Frame::window(&ctx.global_style()).fill(Color32::from_rgba_unmultiplied(27, 27, 27, 228));
    egui::Window::new(T::Legend.text(lang))
        .id(egui::Id::new("legend"))
        .frame(frame)
        .default_open(true)
        .collapsible(true)
        .resizable(false)
        .pivot(egui::Align2::RIGHT_TOP)
        .default_pos(map.right_top() + egui::vec2(-8.0, 8.0))
        .constrain_to(map)
        .show(ctx, |ui| {
            ui.label(RichText::new(T::LegendHazards.text(lang)).strong());
            swatch(
                ui,
                &|p: &egui::Painter, r: egui::Rect| {
                    let (a, b) = r.split_left_right_at_fraction(0.5);
                    p.rect_filled(a, 0.0, cell(K::Water, 10));
                    p.rect_filled(b, 0.0, cell(K::Water, 150));
                },
                T::FloodWater.text(lang),
            );
            swatch(
                ui,
                &|p: &egui::Painter, r: egui::Rect| {
                    p.line_segment(
                        [r.left_center(), r.right_center()],
                        egui::Stroke::new(2.6, crate::map_view::RIVER_BLUE),
                    );
                },
                T::River.text(lang),
            );
            swatch(ui, &fill(cell(K::Burning, 200)), T::Burning.text(lang));
            swatch(ui, &fill(cell(K::Burned, 0)), T::Burned.text(lang));
            swatch(ui, &fill(cell(K::Debris, 5)), T::Debris.text(lang));
            swatch(ui, &fill(cell(K::Barrier, 0)), T::Barrier.text(lang));
            swatch(ui, &crate::map_view::legend_closed_road, T::ClosedRoad.text(lang));
            ui.label(RichText::new(T::LegendMap.text(lang)).strong());
            for (state, t) in [
                (crate::map_view::VillageMark::Quiet, T::VillageQuiet),
                (crate::map_view::VillageMark::Warned, T::VillageWarned),
                (crate::map_view::VillageMark::Evacuating, T::VillageEvacuating),
                (crate::map_view::VillageMark::Harmed, T::VillageHarmed),
            ] {
                swatch(
                    ui,
                    &|p: &egui::Painter, r: egui::Rect| {
                        p.circle(r.center(), 6.0, state.colour(), egui::Stroke::new(1.5, Color32::BLACK));
                    },
                    t.text(lang),
                );
            }
            ui.weak(T::AtHomeCounter.text(lang));
            for (state, t) in [
                (crate::map_view::TeamMark::Idle, T::TeamIdle),
                (crate::map_view::TeamMark::Moving, T::TeamMoving),
                (crate::map_view::TeamMark::Working, T::TeamWorking),
                (crate::map_view::TeamMark::Blocked, T::TeamBlocked),
            ] {
                swatch(
                    ui,
                    &|p: &egui::Painter, r: egui::Rect| {
                        let sq = egui::Rect::from_center_size(r.center(), egui::Vec2::splat(11.0));
                        p.rect_filled(sq, 2.0, state.colour());
                        p.rect_stroke(sq, 2.0, egui::Stroke::new(1.5, Color32::BLACK), egui::StrokeKind::Outside);
                    },
                    t.text(lang),
                );
            }
            swatch(ui, &crate::map_view::legend_gauge, T::GaugeMarker.text(lang));
        });
}

/// Drill time as "T+HH:MM".
pub(crate) fn minutes_clock(t_s: u32) -> String {
    format!("T+{:02}:{:02}", t_s / 3600, (t_s / 60) % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wind_compass_points() {
        assert_eq!(compass(0.0, Lang::En), "wind N");
        assert_eq!(compass(350.0, Lang::En), "wind N");
        assert_eq!(compass(225.0, Lang::Zh), "西南风");
        assert_eq!(compass(-90.0, Lang::En), "wind W");
        assert_eq!(minutes_clock(3 * 3600 + 5 * 60 + 9), "T+03:05");
    }

    #[test]
    fn road_closures_are_one_line_with_the_roads_names() {
        use sim::map::{RoadClass, RoadEdge};
        let mut map = sim::testkit::TestMap::valley().size(4, 4).build();
        let edge = |name: Option<&str>| RoadEdge {
            a: 0,
            b: 1,
            length_m: 10.0,
            class: RoadClass::Main,
            name: name.map(Into::into),
        };
        map.features.roads.edges = vec![edge(Some("CG-1")), edge(Some("CG-1")), edge(None), edge(Some("CS-2"))];
        assert_eq!(closed_roads_line(&[], &map, Lang::Zh), None);
        assert_eq!(closed_roads_line(&[0, 1, 2, 3], &map, Lang::Zh).unwrap(), "4 段道路中断: CG-1, CS-2");
        assert_eq!(closed_roads_line(&[2], &map, Lang::En).unwrap(), "1 road sections closed");
        assert!(is_key_event(&EventKind::DrillEnded));
        assert!(!is_key_event(&EventKind::RoadClosed { edge: 1, cause: sim::HazardKind::Flood }));
    }
}
