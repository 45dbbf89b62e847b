//! `sandtable --replay RECORD_DIR [--at MINUTE] [--as ROLE]`: plays a drill's record back. The
//! record is opened on a thread (a progress bar while the replay is built), then the drill
//! screen shows the moment chosen on a time slider (play, pause, speed, a tick back or on): the
//! map as the chosen role saw it (`access::view`, drawn by `map_view` exactly as in a live
//! drill), its communications log (the orders it gave from the journal, the messages it was
//! told, `access::events_for`), and the score as it stood then (the controller's score board).
//! The controller's point of view is everything. Moments are worked out by
//! [`replay_source::Worker`](crate::replay_source::Worker), so the window never waits on one.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};

use bevy::prelude::*;
use bevy::window::RequestRedraw;
use bevy_egui::egui::{self, ComboBox, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use protocol::Seat;
use sim::Role;

use crate::app::Screen;
use crate::cli::At;
use crate::drill::{Drill, Link, Problem, Sent, SentOrder, Status};
use crate::i18n::{Lang, T, UiScale};
use crate::labels::{self, Words};
use crate::map_view::{DrillUi, MapArea, MapCamera};
use crate::replay_source::{Moment, Source, Worker};
use crate::{console, panels};

/// Playback speeds, simulated seconds per wall second.
const SPEEDS: [f32; 5] = [10.0, 60.0, 300.0, 1200.0, 3600.0];
/// How many events the log keeps (as the live drill's).
const EVENT_LOG_LEN: usize = 500;

/// What the command line asked of the replay.
#[derive(Resource, Clone, Debug)]
pub struct ReplayArgs {
    pub dir: PathBuf,
    pub at: Option<At>,
    pub role: Option<Role>,
    /// `--replay-dump FILE`: what the score board shows, written when it changes.
    pub dump: Option<PathBuf>,
}

/// The record being opened on a thread: progress in thousandths, then the source or the error.
struct Opening {
    progress: Arc<AtomicU32>,
    done: Mutex<Receiver<Result<Source, String>>>,
}

/// What the score board drew in the last frame, for `--replay-dump`.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    t_s: u32,
    role: Role,
    headline: String,
    score: f64,
}

#[derive(Resource)]
struct Replay {
    opening: Option<Opening>,
    source: Option<Arc<Source>>,
    worker: Option<Worker>,
    /// The role whose point of view is shown.
    role: Role,
    /// The moment shown: the world then and its score.
    moment: Option<Moment>,
    /// The moment wanted, simulated seconds (fractional while playing).
    target_s: f64,
    /// The second last asked of the worker.
    asked: Option<u32>,
    playing: bool,
    speed: f32,
    shown: Option<Shown>,
    dumped: Option<Shown>,
}

impl Replay {
    fn end_s(&self) -> u32 {
        self.source.as_ref().map(|s| s.end_s()).unwrap_or(0)
    }
    fn tick_s(&self) -> u32 {
        self.moment.as_ref().map(|m| m.world.scenario().tick_s.max(1)).unwrap_or(60)
    }
    /// Asks the worker for the tick at or before `target_s`, unless that was the last ask.
    fn ask(&mut self) {
        let tick = self.tick_s() as f64;
        let t = ((self.target_s / tick).floor() * tick).clamp(0.0, self.end_s() as f64) as u32;
        let t = if self.target_s >= self.end_s() as f64 { self.end_s() } else { t };
        if self.asked != Some(t)
            && let Some(w) = &self.worker
        {
            w.request(t);
            self.asked = Some(t);
        }
    }
}

pub fn plugin(args: ReplayArgs) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(args.clone())
            .add_systems(Startup, open)
            .add_systems(Update, advance.run_if(in_state(Screen::Replay)))
            .add_systems(EguiPrimaryContextPass, draw.in_set(DrillUi::Panels).run_if(in_state(Screen::Replay)))
            .add_systems(Last, dump.run_if(in_state(Screen::Replay)));
    }
}

/// Starts opening the record and shows the replay screen.
fn open(
    mut commands: Commands,
    args: Res<ReplayArgs>,
    mut next: ResMut<NextState<Screen>>,
    mut camera: ResMut<MapCamera>,
    proxy: Option<Res<bevy::winit::EventLoopProxyWrapper>>,
) {
    let progress = Arc::new(AtomicU32::new(0));
    let (tx, rx) = channel();
    let waker = proxy.map(|p| (**p).clone());
    {
        let (dir, progress) = (args.dir.clone(), progress.clone());
        std::thread::Builder::new()
            .name("sandtable-replay-open".into())
            .spawn(move || {
                let wake = || {
                    if let Some(w) = &waker {
                        let _ = w.send_event(bevy::winit::WinitUserEvent::WakeUp);
                    }
                };
                let opened = Source::open(&dir, &mut |f| {
                    let permille = (f.clamp(0.0, 1.0) * 1000.0) as u32;
                    // Wake the window at each whole percent.
                    if permille / 10 != progress.swap(permille, Ordering::Relaxed) / 10 {
                        wake();
                    }
                });
                let _ = tx.send(opened);
                wake();
            })
            .expect("a thread can be started");
    }
    let name = args.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut drill = Drill::new(Seat::Role(Role::Controller), name);
    drill.link = Link::Welcomed;
    commands.insert_resource(drill);
    commands.insert_resource(Replay {
        opening: Some(Opening { progress, done: Mutex::new(rx) }),
        source: None,
        worker: None,
        role: args.role.clone().unwrap_or(Role::Controller),
        moment: None,
        target_s: 0.0,
        asked: None,
        playing: false,
        speed: 300.0,
        shown: None,
        dumped: None,
    });
    camera.reset();
    next.set(Screen::Replay);
}

/// Picks up the opened record and the moments worked out; moves the clock while playing.
fn advance(
    mut replay: ResMut<Replay>,
    mut drill: ResMut<Drill>,
    args: Res<ReplayArgs>,
    time: Res<Time<Real>>,
    proxy: Option<Res<bevy::winit::EventLoopProxyWrapper>>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    let opened = replay.opening.as_ref().and_then(|o| o.done.lock().ok().and_then(|rx| rx.try_recv().ok()));
    if let Some(opened) = opened {
        replay.opening = None;
        match opened {
            Ok(source) if !source.roles.contains(&replay.role) => {
                let detail = format!("{}: {}", T::NoSuchRole.text(Lang::Zh), replay.role);
                drill.link = Link::Lost(Problem::BadRecord(format!(
                    "{detail} / {}: {}",
                    T::NoSuchRole.text(Lang::En),
                    replay.role
                )));
                drop(source);
            }
            Ok(source) => {
                let source = Arc::new(source);
                replay.target_s = args.at.map(|a| a.t_s(source.end_s())).unwrap_or(0) as f64;
                replay.worker = Some(Worker::start(source.clone(), proxy.map(|p| (**p).clone())));
                replay.source = Some(source);
                replay.ask();
            }
            Err(e) => drill.link = Link::Lost(Problem::BadRecord(e)),
        }
    }
    if replay.playing {
        let end = replay.end_s() as f64;
        replay.target_s = (replay.target_s + time.delta_secs_f64() * replay.speed as f64).min(end);
        if replay.target_s >= end {
            replay.playing = false;
        }
        replay.ask();
        redraw.write(RequestRedraw);
    }
    if let Some(moment) = replay.worker.as_ref().and_then(|w| w.latest()) {
        replay.moment = Some(moment);
        show(&mut drill, &replay);
    }
    drill.running = replay.playing;
    drill.speed = replay.speed;
}

/// Puts the moment, seen by the chosen role, where the map and the panels read it.
fn show(drill: &mut Drill, replay: &Replay) {
    let (Some(source), Some(moment)) = (&replay.source, &replay.moment) else { return };
    let (world, role) = (&moment.world, &replay.role);
    if drill.map.is_none() {
        for s in &source.map.features.settlements {
            if let Some(zh) = &s.name_zh {
                drill.names_zh.insert(s.name.clone(), zh.clone());
            }
        }
        drill.map = Some(source.map.clone());
    }
    drill.seat = Seat::Role(role.clone());
    drill.role = role.clone();
    drill.roles_on_offer = source.roles.clone();
    let briefing = sim::access::briefing(world, role);
    for v in &briefing.villages {
        if let Some(zh) = &v.name_zh {
            drill.names_zh.insert(v.name.clone(), zh.clone());
        }
    }
    drill.briefing = Some(briefing);
    let mut view = sim::access::view(world, role);
    // Nothing can be ordered in a replay: no forms, no acknowledge buttons.
    view.orders.clear();
    drill.view = Some(view);
    drill.views_received += 1;
    let events = sim::access::events_for(role, world.events());
    drill.events = events[events.len().saturating_sub(EVENT_LOG_LEN)..].to_vec();
    drill.sent = source
        .given_by(role, moment.t_s)
        .map(|g| SentOrder { what: Sent::Order(g.order.clone()), t_s: g.t_s, status: Status::Accepted })
        .collect();
    drill.score = Some(moment.score.clone());
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    mut replay: ResMut<Replay>,
    mut drill: ResMut<Drill>,
    mut lang: ResMut<Lang>,
    mut scale: ResMut<UiScale>,
    mut area: ResMut<MapArea>,
    mut camera: ResMut<MapCamera>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "replay_root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    area.0 = None;
    replay.shown = None;
    if !drill.ready() {
        status_card(&mut root, &replay, &drill, *lang);
        return Ok(());
    }
    egui::Panel::top("top_bar").show(&mut root, |ui| panels::top_bar(ui, &drill, &mut lang, &mut scale, &mut camera));
    let l = *lang;
    egui::Panel::bottom("replay_bar").show(&mut root, |ui| time_bar(ui, &mut replay, l));
    let mut pick = None;
    egui::Panel::right("side_panel").default_size(380.0).min_size(280.0).show(&mut root, |ui| {
        pick = side_panel(ui, &mut replay, &mut drill, l);
    });
    if let Some(role) = pick {
        replay.role = role;
        show(&mut drill, &replay);
    }
    let map_rect = root.available_rect_before_wrap();
    area.0 = Some(map_rect);
    panels::legend(&ctx, map_rect, l);
    Ok(())
}

/// Before the first moment: opening the record (a progress bar), or why it cannot be replayed.
fn status_card(ui: &mut egui::Ui, replay: &Replay, drill: &Drill, lang: Lang) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 3.0);
            ui.heading(format!("{} · {}", T::AppTitle.text(lang), T::Replay.text(lang)));
            ui.add_space(12.0);
            ui.label(&drill.player);
            if let Link::Lost(p) = &drill.link {
                ui.label(RichText::new(p.text(lang)).color(egui::Color32::from_rgb(240, 110, 90)).size(16.0));
                return;
            }
            match &replay.opening {
                Some(o) => {
                    ui.label(RichText::new(T::ReplayLoading.text(lang)).size(16.0));
                    let f = o.progress.load(Ordering::Relaxed) as f32 / 1000.0;
                    ui.add(egui::ProgressBar::new(f).desired_width(360.0).show_percentage());
                }
                None => {
                    ui.label(RichText::new(T::WorkingOut.text(lang)).size(16.0));
                    ui.spinner();
                }
            }
        });
    });
}

/// The time bar under the map: play or pause, a tick back or on, the slider, the speed.
fn time_bar(ui: &mut egui::Ui, replay: &mut Replay, lang: Lang) {
    let end_s = replay.end_s();
    let tick = replay.tick_s();
    let shown_s = replay.moment.as_ref().map(|m| m.t_s).unwrap_or(0);
    ui.horizontal(|ui| {
        ui.label(RichText::new(T::Replay.text(lang)).strong());
        let label = if replay.playing { T::Pause } else { T::Play };
        if ui.button(label.text(lang)).clicked() {
            if !replay.playing && replay.target_s >= end_s as f64 {
                replay.target_s = 0.0;
            }
            replay.playing = !replay.playing;
        }
        if ui.button("⏮").clicked() {
            replay.target_s = 0.0;
        }
        if ui.button("◀").clicked() {
            replay.target_s = shown_s.saturating_sub(tick) as f64;
        }
        if ui.button("▶").clicked() {
            replay.target_s = (shown_s + tick).min(end_s) as f64;
        }
        if ui.button("⏭").clicked() {
            replay.target_s = end_s as f64;
        }
        ui.monospace(format!("{} / {}", panels::minutes_clock(shown_s), panels::minutes_clock(end_s)));
        let mut speed = replay.speed;
        ComboBox::from_id_salt("replay_speed").selected_text(format!("×{speed}")).show_ui(ui, |ui| {
            for s in SPEEDS {
                ui.selectable_value(&mut speed, s, format!("×{s}"));
            }
        });
        replay.speed = speed;
        let mut minute = replay.target_s / 60.0;
        ui.spacing_mut().slider_width = (ui.available_width() - 220.0).max(120.0);
        let slider = egui::Slider::new(&mut minute, 0.0..=end_s as f64 / 60.0)
            .step_by(tick as f64 / 60.0)
            .fixed_decimals(0)
            .text(T::DrillMinute.text(lang));
        if ui.add(slider).changed() {
            replay.target_s = minute * 60.0;
        }
    });
    replay.ask();
}

/// The side panel: the point of view, the score at this moment, the communications log, the
/// reports, the situation and the events. Returns a role newly picked.
fn side_panel(ui: &mut egui::Ui, replay: &mut Replay, drill: &mut Drill, lang: Lang) -> Option<Role> {
    let mut pick = None;
    let roles = replay.source.as_ref().map(|s| s.roles.clone()).unwrap_or_default();
    {
        let w = Words::new(lang, &drill.names_zh);
        ui.horizontal(|ui| {
            ui.label(T::PointOfView.text(lang));
            ComboBox::from_id_salt("point_of_view").selected_text(labels::role(&replay.role, &w)).show_ui(ui, |ui| {
                for r in &roles {
                    if ui.selectable_label(*r == replay.role, labels::role(r, &w)).clicked() && *r != replay.role {
                        pick = Some(r.clone());
                    }
                }
            });
        });
    }
    if replay.asked != replay.moment.as_ref().map(|m| m.t_s) && !replay.playing {
        ui.weak(T::WorkingOut.text(lang));
    }
    ui.separator();
    let Some(view) = drill.view.clone() else { return pick };
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        if let Some(moment) = &replay.moment {
            let r = &moment.score;
            let headline = console::score_board(ui, r, T::ScoreAtMoment.text(lang), lang);
            replay.shown = Some(Shown { t_s: moment.t_s, role: replay.role.clone(), headline, score: r.score });
        }
        ui.separator();
        panels::my_orders(ui, drill, lang);
        panels::reports(ui, drill, &view, lang);
        panels::situation(ui, drill, &view, lang);
        panels::events(ui, drill, &view, lang);
    });
    pick
}

/// `--replay-dump FILE`: what the score board drew, as JSON, whenever it changes.
fn dump(mut replay: ResMut<Replay>, args: Res<ReplayArgs>) {
    let Some(path) = &args.dump else { return };
    if replay.shown.is_none() || replay.shown == replay.dumped {
        return;
    }
    let Some(s) = replay.shown.clone() else { return };
    let json = serde_json::json!({
        "t_s": s.t_s,
        "minute": s.t_s / 60,
        "role": s.role.to_string(),
        "headline": s.headline,
        "score": s.score,
    });
    if let Err(e) = std::fs::write(path, format!("{json}\n")) {
        error!("cannot write {}: {e}", path.display());
    }
    replay.dumped = Some(s);
}
