//! The drill screen's panels: the top bar (scenario, role, clock, response level, weather,
//! language) and the side panel (orders, reports, villages, teams, gauges, messages, events).
//! Before the map and the first view arrive, a status card instead (connecting, refused...).

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use protocol::ClientMessage;
use sim::{Order, OrderKind};

use crate::app::Screen;
use crate::drill::{Drill, Link};
use crate::i18n::{Lang, T};
use crate::labels;
use crate::map_view::{DrillUi, MapArea, MapCamera};
use crate::orders::{OrderForm, orders_ui};
use crate::session::LeaveSession;

pub fn plugin(app: &mut App) {
    app.init_resource::<OrderForm>()
        .add_systems(EguiPrimaryContextPass, draw_panels.in_set(DrillUi::Panels).run_if(in_state(Screen::Session)));
}

#[allow(clippy::too_many_arguments)]
fn draw_panels(
    mut contexts: EguiContexts,
    drill: Option<ResMut<Drill>>,
    mut lang: ResMut<Lang>,
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
    egui::Panel::top("top_bar").show(&mut root, |ui| top_bar(ui, &drill, &mut lang, &mut camera));
    egui::Panel::right("side_panel").default_size(370.0).min_size(280.0).show(&mut root, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| side_panel(ui, &mut drill, &mut form, *lang, &mut leave));
    });
    area.0 = Some(root.available_rect_before_wrap());
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
                Link::Joining | Link::Welcomed => (T::WaitingForMap.text(lang).to_string(), false),
                Link::Refused(r) => (format!("{}: {r}", T::Refused.text(lang)), true),
                Link::Lost(r) => (format!("{}: {r}", T::Disconnected.text(lang)), true),
            };
            let colour = if problem { Color32::from_rgb(240, 90, 80) } else { ui.visuals().text_color() };
            ui.label(RichText::new(text).color(colour).size(16.0));
            ui.label(labels::role(&drill.role, lang));
            if problem && ui.button(T::BackToLauncher.text(lang)).clicked() {
                leave.write(LeaveSession);
            }
        });
    });
}

fn top_bar(ui: &mut egui::Ui, drill: &Drill, lang: &mut Lang, camera: &mut MapCamera) {
    let Some(view) = &drill.view else { return };
    let l = *lang;
    ui.horizontal_wrapped(|ui| {
        if let Some(b) = &drill.briefing {
            let name = match (l, &b.drill.name_en) {
                (Lang::En, Some(en)) => en.as_str(),
                _ => b.drill.name.as_str(),
            };
            ui.label(RichText::new(name).strong().size(16.0));
            ui.separator();
        }
        ui.label(format!("{}: {}", T::Role.text(l), labels::role(&drill.role, l)));
        ui.separator();
        let clock = drill.clock_text().unwrap_or_default();
        let state = if view.finished {
            T::DrillEnded.text(l)
        } else if drill.running {
            T::Running.text(l)
        } else {
            T::Paused.text(l)
        };
        ui.label(RichText::new(format!("{}: {clock}", T::Clock.text(l))).monospace().strong());
        ui.label(format!("({state}, {} ×{})", T::Speed.text(l), drill.speed));
        ui.separator();
        ui.label(T::Level.text(l));
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
                ui.weak(T::NoLevel.text(l));
            }
        }
        ui.separator();
        let w = &view.weather;
        ui.label(format!(
            "{}: {} {:.1} mm/h · {} {:.0} mm · {} {:.1} m/s {} · {:.0} °C · {} {:.0}%",
            T::Weather.text(l),
            T::Rain.text(l),
            w.rain_mm_per_h,
            T::Rain6h.text(l),
            w.rain_over(6.0).unwrap_or(0.0),
            T::Wind.text(l),
            w.wind_m_per_s,
            compass(w.wind_from_deg as f32, l),
            w.temperature_c,
            T::Humidity.text(l),
            w.humidity_percent
        ));
        ui.separator();
        if ui.button(T::ResetView.text(l)).on_hover_text(T::ZoomHint.text(l)).clicked() {
            camera.reset();
        }
        if ui.button(l.toggle_label()).clicked() {
            *lang = l.other();
        }
    });
}

/// Wind direction as a compass point (the direction it blows from).
fn compass(from_deg: f32, lang: Lang) -> &'static str {
    const ZH: [&str; 8] = ["北风", "东北风", "东风", "东南风", "南风", "西南风", "西风", "西北风"];
    const EN: [&str; 8] = ["from N", "from NE", "from E", "from SE", "from S", "from SW", "from W", "from NW"];
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
    if let Link::Refused(r) | Link::Lost(r) = &drill.link {
        ui.colored_label(Color32::from_rgb(240, 90, 80), format!("{}: {r}", T::Disconnected.text(lang)));
        if ui.button(T::BackToLauncher.text(lang)).clicked() {
            leave.write(LeaveSession);
        }
    }
    if let Some((score, summary)) = &drill.ended {
        egui::Frame::group(ui.style()).fill(Color32::from_rgb(40, 60, 40)).show(ui, |ui| {
            ui.label(
                RichText::new(format!("{} · {}: {score:.1}", T::DrillEnded.text(lang), T::Score.text(lang))).strong(),
            );
            ui.label(summary);
        });
    }
    for n in drill.notices.iter().rev().take(3) {
        ui.colored_label(Color32::from_rgb(240, 110, 90), n);
    }
    ui.heading(T::Orders.text(lang));
    orders_ui(ui, drill, form, lang);
    ui.separator();
    let Some(view) = drill.view.clone() else { return };

    let can_ack = view.orders.contains(&OrderKind::Acknowledge);
    egui::CollapsingHeader::new(format!("{} ({})", T::Reports.text(lang), view.reports.len())).default_open(true).show(
        ui,
        |ui| {
            if view.reports.is_empty() {
                ui.weak(T::NoReports.text(lang));
            }
            for r in view.reports.iter().rev() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!(
                        "#{} {} · {} · {} · {}",
                        r.id,
                        minutes_clock(r.t_s),
                        labels::role(&r.by, lang),
                        r.village,
                        labels::hazard(r.hazard, lang)
                    ));
                    if !r.note.is_empty() {
                        ui.weak(&r.note);
                    }
                    if r.acknowledged {
                        ui.colored_label(Color32::from_rgb(110, 200, 110), T::Acknowledged.text(lang));
                    } else if can_ack && ui.button(T::Acknowledge.text(lang)).clicked() {
                        drill.send(ClientMessage::Order(Order::Acknowledge { report: r.id }));
                    }
                });
            }
        },
    );
    egui::CollapsingHeader::new(T::Villages.text(lang)).default_open(true).show(ui, |ui| {
        for v in &view.villages {
            let name = match (lang, &v.name_zh) {
                (Lang::Zh, Some(zh)) => format!("{zh} ({})", v.name),
                _ => v.name.clone(),
            };
            let mut line = format!("{name}: {} {}", T::Population.text(lang), v.population);
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
            ui.label(format!("{} ({}, {}): {}", t.name, t.kind_zh, t.size, labels::team_state(&t.state, lang)));
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
    egui::CollapsingHeader::new(format!("{} ({})", T::Messages.text(lang), view.messages.len()))
        .default_open(true)
        .show(ui, |ui| {
            if view.messages.is_empty() {
                ui.weak(T::NoMessages.text(lang));
            }
            for m in view.messages.iter().rev() {
                ui.label(format!("{} {}", minutes_clock(m.t_s), m.text));
            }
        });
    egui::CollapsingHeader::new(T::Events.text(lang)).default_open(true).show(ui, |ui| {
        for e in drill.events.iter().rev().take(40) {
            ui.label(format!("{} {}", minutes_clock(e.t_s), labels::event(&e.kind, lang)));
        }
    });
    egui::CollapsingHeader::new(T::Legend.text(lang)).default_open(false).show(ui, |ui| {
        use sim::view::{HazardCell, HazardCellKind as K};
        for (kind, amount, t) in [
            (K::Water, 60, T::Water),
            (K::Burning, 200, T::Burning),
            (K::Burned, 0, T::Burned),
            (K::Debris, 5, T::Debris),
            (K::Barrier, 0, T::Barrier),
        ] {
            let c = crate::terrain::hazard_colour(&HazardCell { cell: 0, kind, amount });
            ui.horizontal(|ui| {
                let (r, _) = ui.allocate_exact_size(egui::Vec2::splat(12.0), egui::Sense::hover());
                ui.painter().rect_filled(r, 2.0, c);
                ui.label(t.text(lang));
            });
        }
    });
}

/// Drill time as "T+HH:MM".
fn minutes_clock(t_s: u32) -> String {
    format!("T+{:02}:{:02}", t_s / 3600, (t_s / 60) % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wind_compass_points() {
        assert_eq!(compass(0.0, Lang::En), "from N");
        assert_eq!(compass(350.0, Lang::En), "from N");
        assert_eq!(compass(225.0, Lang::Zh), "西南风");
        assert_eq!(compass(-90.0, Lang::En), "from W");
        assert_eq!(minutes_clock(3 * 3600 + 5 * 60 + 9), "T+03:05");
    }
}
