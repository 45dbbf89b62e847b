//! The app plugin: window, egui, the camera egui draws with, the screens, and every feature
//! plugin. `main` only parses the command line and adds this.

use std::time::Duration;

use bevy::prelude::*;
use bevy::window::WindowResolution;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::EguiPlugin;

use crate::cli::{Args, SessionRequest};
use crate::session::PendingSession;
use crate::{editor, i18n, launcher, map_view, net, panels, replay, screenshot, session};

/// With nothing happening, the window still wakes this often (the clock, egui's timers).
const IDLE_WAKE: Duration = Duration::from_secs(2);

/// The window size the screenshot test expects.
pub const WINDOW_SIZE: (u32, u32) = (1280, 720);

#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Launcher,
    /// Connecting, then the drill view.
    Session,
    /// Playing back a record (`--replay`).
    Replay,
    /// Editing a scenario on its map (`--edit`).
    Edit,
}

pub struct SandtablePlugin {
    pub args: Args,
    /// The session the command line asked for; `None` opens the launcher.
    pub session: Option<SessionRequest>,
}

impl Plugin for SandtablePlugin {
    fn build(&self, app: &mut App) {
        let window = Window {
            title: "沙盘推演 sandtable".into(),
            resolution: WindowResolution::new(WINDOW_SIZE.0, WINDOW_SIZE.1),
            ..default()
        };
        // The editor asks before a close loses unsaved edits (`editor::close_requested`).
        let windows =
            WindowPlugin { primary_window: Some(window), close_when_requested: self.args.edit.is_none(), ..default() };
        app.add_plugins(DefaultPlugins.set(windows))
            .add_plugins(EguiPlugin::default())
            .insert_resource(ClearColor(Color::srgb(0.16, 0.18, 0.2)))
            .init_state::<Screen>()
            .add_systems(Startup, spawn_camera)
            .add_systems(
                PreUpdate,
                quiet_modifiers
                    .after(bevy_egui::EguiPreUpdateSet::ProcessInput)
                    .before(bevy_egui::EguiPreUpdateSet::BeginPass),
            )
            .add_plugins((
                i18n::plugin(self.args.lang, self.ui_scale()),
                net::plugin,
                session::plugin,
                map_view::plugin,
                panels::plugin,
                launcher::plugin,
            ));
        // Draw only when something changes: input, a window event, or a server message (the
        // network thread wakes the event loop). A drill view changes at most at the server's
        // tick (10 Hz). The screenshot run keeps bevy's continuous loop to finish quickly.
        if self.args.screenshot.is_none() && self.args.drive.is_none() {
            app.insert_resource(WinitSettings {
                focused_mode: UpdateMode::reactive_low_power(IDLE_WAKE),
                unfocused_mode: UpdateMode::reactive_low_power(IDLE_WAKE),
            });
        }
        if self.args.frame_stats {
            app.add_systems(Last, frame_stats);
        }
        if let Some(dir) = &self.args.replay {
            app.add_plugins(replay::plugin(replay::ReplayArgs {
                dir: dir.clone(),
                at: self.args.at,
                role: self.args.as_role.clone(),
                dump: self.args.replay_dump.clone(),
            }));
        }
        if let Some(file) = &self.args.edit {
            app.add_plugins(editor::plugin(file.clone()));
        }
        if let Some(req) = &self.session {
            app.insert_resource(PendingSession(req.clone()));
        }
        if let Some(script) = &self.args.drive {
            match crate::drive::plugin(script, Duration::from_secs(self.args.drive_timeout_s)) {
                Ok(p) => {
                    app.add_plugins(p);
                }
                Err(e) => {
                    eprintln!("sandtable: {e}");
                    std::process::exit(2);
                }
            }
        }
        if let Some(path) = &self.args.screenshot {
            app.add_plugins(screenshot::plugin(path.clone(), Duration::from_secs(self.args.screenshot_timeout_s)));
        }
    }
}

/// bevy_egui 0.42 tells egui "modifiers changed" every frame, and egui asks for a repaint on
/// any input event: the window would redraw flat out (14–16 fps of lavapipe on an idle
/// launcher). Only a real change of the modifier keys is passed on.
fn quiet_modifiers(mut inputs: Query<&mut bevy_egui::EguiInput>, mut last: Local<Option<bevy_egui::egui::Modifiers>>) {
    use bevy_egui::egui::Event;
    for mut input in &mut inputs {
        let events = &mut input.0.events;
        // Losing focus clears egui's modifiers: the next state is news again.
        if events.iter().any(|e| matches!(e, Event::WindowFocused(false))) {
            *last = None;
        }
        events.retain(|e| match e {
            Event::ModifiersChanged(m) if *last == Some(*m) => false,
            Event::ModifiersChanged(m) => {
                *last = Some(*m);
                true
            }
            _ => true,
        });
    }
}

/// `--frame-stats`: frames drawn per 10 s of wall time, on stdout.
fn frame_stats(
    time: Res<Time<Real>>,
    mut frames: Local<u32>,
    mut since: Local<f64>,
    mut contexts: bevy_egui::EguiContexts,
) {
    *frames += 1;
    let now = time.elapsed_secs_f64();
    if now - *since >= 10.0 {
        if let Ok(ctx) = contexts.ctx_mut() {
            println!("repaint causes: {:?}", ctx.repaint_causes());
        }
        println!("frames: {} in {:.1} s ({:.1} fps)", *frames, now - *since, *frames as f64 / (now - *since));
        *frames = 0;
        *since = now;
    }
}

impl SandtablePlugin {
    /// The UI scale asked for; the projector seat reads from across the hall.
    fn ui_scale(&self) -> f32 {
        let projector = self.session.as_ref().is_some_and(|s| s.seat == protocol::Seat::Projector);
        self.args.ui_scale.unwrap_or(if projector { 1.5 } else { 1.0 })
    }
}

/// bevy_egui draws into the primary window through a camera; the map itself is egui too.
fn spawn_camera(mut commands: Commands) {
    commands.spawn(Camera2d);
}
