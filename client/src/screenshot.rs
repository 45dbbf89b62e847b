//! `--screenshot PATH`: once the map and the first view have arrived and a few frames have been
//! drawn, capture the window, write a PNG and exit 0; exit non-zero with a message when the
//! session fails, the PNG cannot be written, or nothing arrives in time.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use crate::drill::{Drill, Link};

/// Frames drawn after the drill view is ready: textures uploaded, fonts in, layout settled.
const SETTLE_FRAMES: u32 = 10;

/// Exit codes, as `sandtable --help` lists them.
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_TIMEOUT: u8 = 2;
pub const EXIT_SESSION: u8 = 3;

#[derive(Resource)]
struct ScreenshotJob {
    path: PathBuf,
    timeout: Duration,
    ready_frames: u32,
    requested: bool,
    /// Filled by the capture observer: `Ok` once the PNG is written.
    outcome: Arc<Mutex<Option<Result<(), String>>>>,
}

pub fn plugin(path: PathBuf, timeout: Duration) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(ScreenshotJob {
            path: path.clone(),
            timeout,
            ready_frames: 0,
            requested: false,
            outcome: Arc::default(),
        })
        .add_systems(Last, drive);
    }
}

fn drive(
    mut commands: Commands,
    mut job: ResMut<ScreenshotJob>,
    drill: Option<Res<Drill>>,
    time: Res<Time<Real>>,
    mut exit: MessageWriter<AppExit>,
) {
    let finished =
        job.outcome.lock().map(|o| o.clone()).unwrap_or_else(|_| Some(Err("capture thread panicked".into())));
    match finished {
        Some(Ok(())) => {
            println!("screenshot saved to {}", job.path.display());
            exit.write(AppExit::Success);
            return;
        }
        Some(Err(e)) => {
            eprintln!("sandtable: screenshot failed: {e}");
            exit.write(AppExit::from_code(EXIT_FAILED));
            return;
        }
        None => {}
    }
    let failed = drill.as_ref().and_then(|d| match &d.link {
        Link::Refused(r) => Some(r.clone()),
        Link::Lost(p) => Some(p.text(crate::i18n::Lang::En)),
        _ => None,
    });
    if let Some(reason) = failed {
        eprintln!("sandtable: screenshot failed: the session ended before the drill view was ready: {reason}");
        exit.write(AppExit::from_code(EXIT_SESSION));
        return;
    }
    if time.elapsed() > job.timeout {
        let state = match &drill {
            None => "no session started".to_string(),
            Some(d) => format!(
                "link {:?}, map {}, views {}",
                d.link,
                if d.map.is_some() { "received" } else { "missing" },
                d.views_received
            ),
        };
        eprintln!("sandtable: screenshot failed: timed out after {} s ({state})", job.timeout.as_secs());
        exit.write(AppExit::from_code(EXIT_TIMEOUT));
        return;
    }
    if job.requested || !drill.is_some_and(|d| d.ready()) {
        return;
    }
    job.ready_frames += 1;
    if job.ready_frames < SETTLE_FRAMES {
        return;
    }
    job.requested = true;
    let (path, outcome) = (job.path.clone(), job.outcome.clone());
    commands.spawn(Screenshot::primary_window()).observe(move |captured: On<ScreenshotCaptured>| {
        let result = save_png(&captured.image, &path);
        if let Ok(mut slot) = outcome.lock() {
            *slot = Some(result);
        }
    });
}

fn save_png(image: &Image, path: &PathBuf) -> Result<(), String> {
    let rgb = image.clone().try_into_dynamic().map_err(|e| format!("captured image unusable: {e}"))?.to_rgb8();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    rgb.save_with_format(path, bevy::image::ImageFormat::Png.as_image_crate_format().ok_or("no PNG encoder")?)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
