//! The controller's console (导调台): the clock (start, pause, step one drill minute, speed,
//! adaptive time and what it waits for, the expected end in wall time), the role switcher (see
//! any role's view), what observers see, the projector's map area, and the live score board.
//! Every control only queues a message; the server answers with the clock, a watched view, the
//! projector's area or a refusal.

use bevy_egui::egui::{self, ComboBox, RichText};
use protocol::{AdaptiveSpec, ClientMessage, Control};
use sim::Role;
use sim::score::{ActionStatus, Report};

use crate::drill::Drill;
use crate::i18n::{Lang, T, bilingual};
use crate::labels::{self, Words};

/// Speeds the controller can pick, simulated seconds per wall second.
const SPEEDS: [f32; 6] = [1.0, 10.0, 60.0, 300.0, 1200.0, 3600.0];
/// Adaptive time when the scenario suggests nothing: decide at 1×, fast-forward at 600×, hold
/// the decision speed up to 15 drill minutes.
const ADAPTIVE_DEFAULT: (f32, f32, f64) = (1.0, 600.0, 15.0);

/// The console's choices kept between frames.
#[derive(Default, Debug)]
pub struct ConsoleForm {
    pub decision_speed: Option<f32>,
    pub fast_speed: Option<f32>,
}

pub fn console_ui(
    ui: &mut egui::Ui,
    drill: &mut Drill,
    form: &mut ConsoleForm,
    lang: Lang,
    view_extent: Option<[f64; 4]>,
) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(T::Controller.text(lang)).strong());
        codes(ui, drill, lang);
        clock(ui, drill, form, lang);
        ui.separator();
        seats(ui, drill, lang, view_extent);
        ui.separator();
        score(ui, drill, lang);
    });
}

/// The drill's codes, to read out in the hall or hand to the townships.
fn codes(ui: &mut egui::Ui, drill: &Drill, lang: Lang) {
    let Some(codes) = drill.script.as_ref().and_then(|s| s.codes.as_ref()) else { return };
    egui::Grid::new("console_codes").num_columns(2).show(ui, |ui| {
        ui.label(T::JoinCode.text(lang));
        ui.label(RichText::new(&codes.join).monospace().strong().size(18.0));
        ui.end_row();
        ui.label(T::ControllerCode.text(lang));
        ui.label(RichText::new(&codes.controller).monospace());
        ui.end_row();
        for (seat, code) in &codes.seats {
            ui.label(format!("{} {seat}", T::SeatCode.text(lang)));
            ui.label(RichText::new(code).monospace());
            ui.end_row();
        }
    });
    ui.separator();
}

fn send(drill: &mut Drill, c: Control) {
    drill.send(ClientMessage::Control(c));
}

fn clock(ui: &mut egui::Ui, drill: &mut Drill, form: &mut ConsoleForm, lang: Lang) {
    ui.horizontal(|ui| {
        let start = ui.add_enabled(!drill.running, egui::Button::new(T::StartDrill.text(lang)));
        crate::drive::note("control:start", &start);
        if start.clicked() {
            send(drill, Control::Start);
        }
        let pause = ui.add_enabled(drill.running, egui::Button::new(T::PauseDrill.text(lang)));
        crate::drive::note("control:pause", &pause);
        if pause.clicked() {
            send(drill, Control::Pause);
        }
        let step = ui.add_enabled(!drill.running, egui::Button::new(T::StepMinute.text(lang)));
        crate::drive::note("control:step", &step);
        if step.clicked() {
            send(drill, Control::Step);
        }
    });
    let adaptive = drill.clock.as_ref().and_then(|c| c.adaptive.clone());
    ui.horizontal_wrapped(|ui| {
        ui.label(T::Speed.text(lang));
        for s in SPEEDS {
            let r = ui.selectable_label(adaptive.is_none() && drill.speed == s, format!("×{s}"));
            crate::drive::note(&format!("speed:{s}"), &r);
            if r.clicked() && (adaptive.is_some() || drill.speed != s) {
                send(drill, Control::SetSpeed(s));
            }
        }
    });
    // Adaptive time with speeds the controller may change before switching it on.
    let decision = form.decision_speed.get_or_insert(ADAPTIVE_DEFAULT.0);
    let fast = form.fast_speed.get_or_insert(ADAPTIVE_DEFAULT.1);
    let (mut decision_v, mut fast_v) = (*decision, *fast);
    let mut on = adaptive.is_some();
    ui.horizontal_wrapped(|ui| {
        let r = ui.checkbox(&mut on, T::AdaptiveTime.text(lang)).on_hover_text(T::AdaptiveHint.text(lang));
        crate::drive::note("control:adaptive", &r);
        ui.label(T::DecisionSpeed.text(lang));
        ui.add(egui::DragValue::new(&mut decision_v).range(0.5..=60.0).prefix("×"));
        ui.label(T::FastSpeed.text(lang));
        ui.add(egui::DragValue::new(&mut fast_v).range(10.0..=3600.0).prefix("×"));
    });
    *form.decision_speed.get_or_insert(0.0) = decision_v;
    *form.fast_speed.get_or_insert(0.0) = fast_v;
    if on != adaptive.is_some() {
        let spec =
            on.then_some(AdaptiveSpec { decision_speed: decision_v, fast_speed: fast_v, hold_min: ADAPTIVE_DEFAULT.2 });
        send(drill, Control::Adaptive(spec));
    }
    if let Some(a) = &adaptive {
        let text = match &a.waiting_for {
            Some(w) => format!("{}: {}", T::AdaptiveWaiting.text(lang), bilingual(w, lang)),
            None => T::AdaptiveFast.text(lang).to_string(),
        };
        ui.label(RichText::new(text).strong());
    }
    if let Some(c) = &drill.clock {
        let mut line = String::new();
        if let Some(left) = c.wall_left_s {
            line += &format!("{} {}", T::ExpectedEnd.text(lang), wall_text(left, lang));
        }
        if let Some(h) = c.session_h {
            line += &format!(" · {} {h:.1} h", T::SuggestedSession.text(lang));
        }
        if !line.is_empty() {
            ui.weak(line);
        }
    }
}

/// Wall time as "1 小时 05 分" / "1 h 05 min".
fn wall_text(s: f64, lang: Lang) -> String {
    let m = (s / 60.0).round() as u64;
    match lang {
        Lang::Zh => format!("{} 小时 {:02} 分", m / 60, m % 60),
        Lang::En => format!("{} h {:02} min", m / 60, m % 60),
    }
}

fn seats(ui: &mut egui::Ui, drill: &mut Drill, lang: Lang, view_extent: Option<[f64; 4]>) {
    let roles: Vec<Role> = drill.roles_on_offer.iter().filter(|r| **r != Role::Controller).cloned().collect();
    let watched = drill.watched.as_ref().map(|v| v.role.clone());
    let mut pick_watch = None;
    let mut pick_observers = None;
    {
        let w = Words::new(lang, &drill.names_zh);
        let none = T::OwnView.text(lang).to_string();
        ui.horizontal(|ui| {
            ui.label(T::ViewAs.text(lang));
            let shown = watched.as_ref().map(|r| labels::role(r, &w)).unwrap_or_else(|| none.clone());
            let combo = ComboBox::from_id_salt("view_as").selected_text(shown).show_ui(ui, |ui| {
                if ui.selectable_label(watched.is_none(), &none).clicked() && watched.is_some() {
                    pick_watch = Some(None);
                }
                for r in &roles {
                    let item = ui.selectable_label(watched.as_ref() == Some(r), labels::role(r, &w));
                    crate::drive::note(&format!("view_as={r}"), &item);
                    if item.clicked() && watched.as_ref() != Some(r) {
                        pick_watch = Some(Some(r.clone()));
                    }
                }
            });
            crate::drive::note("view_as", &combo.response);
        });
        ui.horizontal(|ui| {
            ui.label(T::ObserversSee.text(lang));
            let public = T::PublicSituation.text(lang).to_string();
            ComboBox::from_id_salt("observers_see").selected_text("…").show_ui(ui, |ui| {
                if ui.selectable_label(false, &public).clicked() {
                    pick_observers = Some(None);
                }
                for r in &roles {
                    if ui.selectable_label(false, labels::role(r, &w)).clicked() {
                        pick_observers = Some(Some(r.clone()));
                    }
                }
            });
        });
    }
    if let Some(r) = pick_watch {
        if r.is_none() {
            drill.watched = None;
        }
        send(drill, Control::ViewAs(r));
    }
    if let Some(r) = pick_observers {
        send(drill, Control::ShowObservers(r));
    }
    ui.horizontal(|ui| {
        ui.label(T::ProjectorArea.text(lang));
        if ui.add_enabled(view_extent.is_some(), egui::Button::new(T::ThisMapArea.text(lang))).clicked() {
            send(drill, Control::FocusArea(view_extent));
        }
        if ui.button(T::WholeMap.text(lang)).clicked() {
            send(drill, Control::FocusArea(None));
        }
    });
}

fn score(ui: &mut egui::Ui, drill: &Drill, lang: Lang) {
    if let Some(r) = &drill.score {
        score_board(ui, r, T::LiveScore.text(lang), lang);
    }
}

/// The headline of a score board: "title: 72.3 · 良".
pub fn score_headline(r: &Report, title: &str, lang: Lang) -> String {
    let grade = r.grade.label();
    format!("{title}: {:.1} · {}", r.score, lang.pick(&grade.zh, &grade.en))
}

/// The score board (the controller's live score, a replay's score at its moment): the total and
/// grade, adherence / timeliness / outcome, each required action with its status, the people.
/// Returns the headline it drew.
pub fn score_board(ui: &mut egui::Ui, r: &Report, title: &str, lang: Lang) -> String {
    let headline = score_headline(r, title, lang);
    egui::CollapsingHeader::new(headline.clone()).id_salt("score_board").default_open(true).show(ui, |ui| {
        ui.label(format!(
            "{} {:.2} · {} {:.2} · {} {:.2}",
            lang.pick("预案执行", "adherence"),
            r.adherence,
            lang.pick("时效", "timeliness"),
            r.timeliness,
            lang.pick("结果", "outcome"),
            r.outcome
        ));
        for a in &r.actions {
            let (mark, colour) = match a.status {
                ActionStatus::OnTime => (lang.pick("按时", "on time"), egui::Color32::from_rgb(110, 200, 110)),
                ActionStatus::Late => (lang.pick("迟", "late"), egui::Color32::from_rgb(250, 200, 60)),
                ActionStatus::Missing => (lang.pick("缺", "missing"), egui::Color32::from_rgb(240, 110, 90)),
                ActionStatus::OutOfOrder => {
                    (lang.pick("顺序错", "out of order"), egui::Color32::from_rgb(250, 200, 60))
                }
                ActionStatus::NotDue => (lang.pick("未触发", "not due"), egui::Color32::GRAY),
                ActionStatus::Early => (lang.pick("提前", "early"), egui::Color32::from_rgb(140, 180, 230)),
            };
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(colour, mark);
                ui.label(&a.name);
            });
        }
        ui.weak(format!(
            "{} {} · {} {} · {} {}",
            lang.pick("安全", "safe"),
            r.people_safe,
            lang.pick("伤亡", "casualties"),
            r.casualties,
            lang.pick("被拒指令", "orders refused"),
            r.orders_refused
        ));
    });
    headline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_time_reads_in_hours_and_minutes() {
        assert_eq!(wall_text(3900.0, Lang::Zh), "1 小时 05 分");
        assert_eq!(wall_text(59.0, Lang::En), "0 h 01 min");
    }
}
