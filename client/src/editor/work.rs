//! The editor's slow work, on threads so the window never waits: the checker's messages on the
//! text being edited (`server::check::check_file`, the command line's own check) and the hazard
//! preview (the drill played fast by bots, `server::headless`, with the controller's view kept
//! at moments along the way). Both read the text from a scratch copy of the file, so the saved
//! file is untouched until the trainer saves.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use sim::Role;
use sim::scenario::Problem;
use sim::view::RoleView;

/// Moments of the preview kept across a drill.
pub const PREVIEW_FRAMES: u32 = 120;

pub use crate::net::Waker;

fn wake(waker: &Waker) {
    if let Some(w) = waker {
        let _ = w.send_event(bevy::winit::WinitUserEvent::WakeUp);
    }
}

/// A scratch copy of the edited file: same file name, in a directory of this process.
fn scratch_file(file: &Path, what: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("sandtable-edit-{}-{what}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = file.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "scenario.ron".into());
    Ok(dir.join(name))
}

/// The checker's messages on `text` as if it were `file`.
pub fn check_text(file: &Path, text: &str) -> Vec<Problem> {
    let scratch = match scratch_file(file, "check") {
        Ok(s) => s,
        Err(e) => return vec![problem(file, e)],
    };
    if let Err(e) = std::fs::write(&scratch, text) {
        return vec![problem(file, format!("{}: {e}", scratch.display()))];
    }
    let shown = file.display().to_string();
    let scratch_shown = scratch.display().to_string();
    // Problems, or for a valid file the checker's quick warnings (not the run with nobody acting:
    // this runs on every drop).
    let mut problems = match server::drill::load::load_scenario_and_map(&scratch) {
        Ok(loaded) => match loaded.problems() {
            p if p.is_empty() => server::check::lint_loaded(&loaded, false).warnings,
            p => p,
        },
        Err(p) => p,
    };
    for p in &mut problems {
        p.file = shown.clone();
        p.message = p.message.replace(&scratch_shown, &shown);
    }
    problems
}

fn problem(file: &Path, message: String) -> Problem {
    Problem { file: file.display().to_string(), line: None, col: None, path: String::new(), message }
}

/// Checks texts on a thread: the newest text asked for wins.
pub struct Checker {
    ask: Sender<(u64, String)>,
    done: Mutex<Receiver<(u64, Vec<Problem>)>>,
}

impl Checker {
    pub fn start(file: PathBuf, waker: Waker) -> Checker {
        let (ask, asked) = channel::<(u64, String)>();
        let (tell, done) = channel();
        std::thread::Builder::new()
            .name("sandtable-edit-check".into())
            .spawn(move || {
                while let Ok(mut job) = asked.recv() {
                    // Only the newest text matters.
                    while let Ok(newer) = asked.try_recv() {
                        job = newer;
                    }
                    let problems = check_text(&file, &job.1);
                    if tell.send((job.0, problems)).is_err() {
                        return;
                    }
                    wake(&waker);
                }
            })
            .expect("a thread can be started");
        Checker { ask, done: Mutex::new(done) }
    }
    /// Asks for the messages of `text`, edit number `generation`.
    pub fn request(&self, generation: u64, text: String) {
        let _ = self.ask.send((generation, text));
    }
    /// The newest result that arrived, if any.
    pub fn latest(&self) -> Option<(u64, Vec<Problem>)> {
        let rx = self.done.lock().ok()?;
        let mut last = None;
        while let Ok(r) = rx.try_recv() {
            last = Some(r);
        }
        last
    }
}

/// One moment of the preview: the controller's view then.
pub struct Frame {
    pub t_s: u32,
    pub view: RoleView,
}

/// A preview being played on a thread.
pub struct Preview {
    /// Thousandths of the drill played.
    pub progress: Arc<AtomicU32>,
    done: Mutex<Receiver<Result<Vec<Frame>, String>>>,
}

impl Preview {
    /// Plays `text` (as `file`) to its end with bots in every role. A preview closed before its
    /// end plays on unseen (a headless run cannot be stopped from outside) and is dropped.
    pub fn start(file: &Path, text: String, waker: Waker) -> Preview {
        let progress = Arc::new(AtomicU32::new(0));
        let (tell, done) = channel();
        let (file, p) = (file.to_path_buf(), progress.clone());
        std::thread::Builder::new()
            .name("sandtable-edit-preview".into())
            .spawn(move || {
                let out = play(&file, &text, &p, &waker);
                let _ = tell.send(out);
                wake(&waker);
            })
            .expect("a thread can be started");
        Preview { progress, done: Mutex::new(done) }
    }
    pub fn result(&self) -> Option<Result<Vec<Frame>, String>> {
        self.done.lock().ok()?.try_recv().ok()
    }
}

/// The drill of `text` played by bots (every role, diligent), the controller's view kept at
/// [`PREVIEW_FRAMES`] moments. The record goes to a scratch directory, removed after.
pub fn play(file: &Path, text: &str, progress: &AtomicU32, waker: &Waker) -> Result<Vec<Frame>, String> {
    let scratch = scratch_file(file, "preview")?;
    std::fs::write(&scratch, text).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let setup = server::drill::DrillSetup::load(&scratch, None).map_err(|e| e.to_string())?;
    let record = scratch.with_extension("record");
    let _ = std::fs::remove_dir_all(&record);
    let duration = (setup.scenario.duration_h * 3600.0) as u32;
    let every = (duration / PREVIEW_FRAMES).max(setup.scenario.tick_s.max(1));
    let mut frames: Vec<Frame> = Vec::new();
    let mut next = 0u32;
    let mut last_permille = 0;
    let controller = Role::Controller;
    let ran = server::headless::run_drill_watched(
        setup,
        &record,
        |t, d| {
            let permille = (t as u64 * 1000 / d.max(1) as u64) as u32;
            progress.store(permille, Ordering::Relaxed);
            if permille / 10 != last_permille / 10 {
                wake(waker);
            }
            last_permille = permille;
        },
        |host, _, _| {
            let world = host.drill().world();
            let t = world.time_s();
            let due = t >= next || world.is_finished();
            if due && frames.last().is_none_or(|f| f.t_s != t) {
                frames.push(Frame { t_s: t, view: sim::access::view(world, &controller) });
                next = t + every;
            }
        },
    );
    let _ = std::fs::remove_dir_all(&record);
    let _ = std::fs::remove_file(&scratch);
    ran.map_err(|e| e.to_string())?;
    Ok(frames)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::view::HazardCellKind;

    fn shipped(name: &str) -> (PathBuf, String) {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(name);
        let text = std::fs::read_to_string(&file).unwrap();
        (file, text)
    }

    #[test]
    fn the_checker_speaks_of_the_edited_text_as_the_real_file() {
        let (file, text) = shipped("flood_valira.ron");
        let clean = check_text(&file, &text);
        assert!(!clean.iter().any(|p| p.path.starts_with("teams[1]")), "{clean:?}");
        // A team based at a village the map does not have, three lines into the teams.
        let broken = text.replacen("base: Village(\"Santa Coloma\")", "base: Village(\"Nowhere\")", 1);
        let line = broken.lines().position(|l| l.contains("Nowhere")).unwrap() + 1;
        let problems = check_text(&file, &broken);
        let p = problems.iter().find(|p| p.path.starts_with("teams[1].base")).unwrap_or_else(|| panic!("{problems:?}"));
        assert_eq!(p.file, file.display().to_string(), "named as the file being edited, not the scratch copy");
        assert_eq!(p.line, Some(line));
        assert!(p.message.contains("Nowhere"), "{p}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "the real file is untouched");
    }

    #[test]
    fn the_preview_shows_the_fire_spreading() {
        let (file, text) = shipped("fire_aubinya.ron");
        let progress = AtomicU32::new(0);
        let frames = play(&file, &text, &progress, &None).unwrap();
        assert_eq!(progress.load(Ordering::Relaxed), 1000, "played to the end");
        assert!(frames.len() >= PREVIEW_FRAMES as usize / 2, "{} moments", frames.len());
        assert!(frames.windows(2).all(|w| w[0].t_s < w[1].t_s), "moments in order");
        assert_eq!(frames.last().map(|f| f.t_s), Some(8 * 3600), "the last moment is the drill's end");
        let fire = |f: &Frame| {
            f.view.hazard.iter().filter(|c| matches!(c.kind, HazardCellKind::Burning | HazardCellKind::Burned)).count()
        };
        let first = frames.iter().map(fire).find(|&n| n > 0).expect("the fire shows");
        let most = frames.iter().map(fire).max().unwrap();
        assert!(most > 10 * first, "the fire spreads: {first} cells at first, at most {most}");
    }
}
