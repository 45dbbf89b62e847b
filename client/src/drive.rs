//! `--drive SCRIPT`: plays a script of synthetic input into the real UI, for the end-to-end test
//! of the forms: clicks and typing go in as egui input events, exactly as a mouse and keyboard
//! would, at the places the widgets were drawn. Widgets that a script may touch are noted by name
//! as they are drawn ([`note`]); the map publishes its projection so a script can click map
//! points given in map metres. The app exits 0 when the script ends, 1 when a step fails (an
//! order refused, a widget never shown, the time up).
//!
//! Script lines (`#` starts a comment):
//! `click NAME` · `type TEXT` · `map X Y` (click the map at map metres) · `drag NAME X Y` (press
//! on the widget, move in steps, release at map metres) · `wait-ready` · `wait-accepted N` (N
//! orders of this seat accepted, none refused) · `frames N` · `close` (the window's close
//! button) · `exit`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use bevy::prelude::*;
use bevy_egui::egui::{self, Event, Pos2, Rect};
use bevy_egui::{EguiInput, EguiPreUpdateSet};

use crate::drill::{Drill, Status};

/// What the UI drew last frame that a script may touch; `None` unless driving.
struct Board {
    rects: BTreeMap<String, Rect>,
    scroll_to: Option<String>,
    /// The map's screen rect, centre (map metres) and metres per point.
    map: Option<(Rect, [f64; 2], f64)>,
}

static BOARD: Mutex<Option<Board>> = Mutex::new(None);

/// Notes where the widget `name` was drawn (only while driving), and scrolls it into view when
/// the script is about to click it.
pub fn note(name: &str, response: &egui::Response) {
    let Ok(mut board) = BOARD.lock() else { return };
    let Some(board) = board.as_mut() else { return };
    if board.scroll_to.as_deref() == Some(name) {
        response.scroll_to_me(Some(egui::Align::Center));
    }
    board.rects.insert(name.to_string(), response.rect);
}

/// The map's projection this frame (only kept while driving).
pub fn note_map(rect: Rect, centre: [f64; 2], m_per_px: f64) {
    if let Ok(mut board) = BOARD.lock()
        && let Some(board) = board.as_mut()
    {
        board.map = Some((rect, centre, m_per_px));
    }
}

/// Frames a `drag` takes from press to release.
const DRAG_STEPS: u32 = 8;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Click(String),
    Type(String),
    Map(f64, f64),
    Drag(String, f64, f64),
    WaitReady,
    WaitAccepted(usize),
    Frames(u32),
    Close,
    Exit,
}

fn parse(script: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for (n, line) in script.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim();
        let bad = || format!("drive script line {}: `{line}`", n + 1);
        steps.push(match word {
            "click" => Step::Click(rest.to_string()),
            "type" => Step::Type(rest.to_string()),
            "map" => {
                let xy: Vec<f64> = rest.split_whitespace().filter_map(|v| v.parse().ok()).collect();
                match xy[..] {
                    [x, y] => Step::Map(x, y),
                    _ => return Err(bad()),
                }
            }
            "drag" => {
                let mut words = rest.rsplitn(3, ' ');
                let y = words.next().and_then(|v| v.parse().ok());
                let x = words.next().and_then(|v| v.parse().ok());
                match (words.next(), x, y) {
                    (Some(name), Some(x), Some(y)) if !name.trim().is_empty() => {
                        Step::Drag(name.trim().to_string(), x, y)
                    }
                    _ => return Err(bad()),
                }
            }
            "wait-ready" => Step::WaitReady,
            "wait-accepted" => Step::WaitAccepted(rest.parse().map_err(|_| bad())?),
            "frames" => Step::Frames(rest.parse().map_err(|_| bad())?),
            "close" => Step::Close,
            "exit" => Step::Exit,
            _ => return Err(bad()),
        });
    }
    Ok(steps)
}

#[derive(Resource)]
struct Driver {
    steps: Vec<Step>,
    at: usize,
    /// Frames spent on the current step.
    frames: u32,
    /// A press was sent; release it next frame.
    pressed: Option<Pos2>,
    /// A drag under way: from, to, and the frames it has moved.
    drag: Option<(Pos2, Pos2, u32)>,
    timeout: Duration,
}

pub fn plugin(script: &Path, timeout: Duration) -> Result<impl Fn(&mut App) + use<>, String> {
    let text = std::fs::read_to_string(script).map_err(|e| format!("{}: {e}", script.display()))?;
    let steps = parse(&text)?;
    Ok(move |app: &mut App| {
        if let Ok(mut b) = BOARD.lock() {
            *b = Some(Board { rects: BTreeMap::new(), scroll_to: None, map: None });
        }
        app.insert_resource(Driver { steps: steps.clone(), at: 0, frames: 0, pressed: None, drag: None, timeout })
            .add_systems(PreUpdate, drive.after(EguiPreUpdateSet::ProcessInput).before(EguiPreUpdateSet::BeginPass));
    })
}

fn fail(exit: &mut MessageWriter<AppExit>, why: String) {
    eprintln!("sandtable: drive failed: {why}");
    exit.write(AppExit::from_code(1));
}

fn drive(
    mut driver: ResMut<Driver>,
    mut inputs: Query<&mut EguiInput>,
    drill: Option<Res<Drill>>,
    time: Res<Time<Real>>,
    mut exit: MessageWriter<AppExit>,
    windows: Query<Entity, With<bevy::window::PrimaryWindow>>,
    mut close: MessageWriter<bevy::window::WindowCloseRequested>,
) {
    let Some(mut input) = inputs.iter_mut().next() else { return };
    let screen = input.0.screen_rect.unwrap_or(Rect::EVERYTHING);
    let events = &mut input.0.events;
    if let Some(pos) = driver.pressed.take() {
        events.push(Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: Default::default(),
        });
        return;
    }
    if let Some((from, to, n)) = driver.drag {
        // Move in steps (egui sees a drag once the pointer leaves the press), then release.
        // The last move and the release come in frames of their own, as a hand's would.
        if n <= DRAG_STEPS {
            events.push(Event::PointerMoved(from.lerp(to, n as f32 / DRAG_STEPS as f32)));
            driver.drag = Some((from, to, n + 1));
        } else {
            events.push(Event::PointerButton {
                pos: to,
                button: egui::PointerButton::Primary,
                pressed: false,
                modifiers: Default::default(),
            });
            driver.drag = None;
        }
        return;
    }
    if time.elapsed() > driver.timeout {
        let step = driver.steps.get(driver.at).cloned();
        return fail(&mut exit, format!("timed out at step {} ({step:?})", driver.at + 1));
    }
    let Some(step) = driver.steps.get(driver.at).cloned() else {
        println!("drive: script done");
        exit.write(AppExit::Success);
        return;
    };
    driver.frames += 1;
    let mut board = BOARD.lock().ok();
    let board = board.as_mut().and_then(|b| b.as_mut());
    let done = match &step {
        Step::Click(name) => {
            let Some(board) = board else { return };
            board.scroll_to = Some(name.clone());
            // Give the scroll a few frames to settle, then click where the widget was drawn.
            match board.rects.get(name).copied() {
                Some(r) if driver.frames > 3 && screen.contains(r.center()) => {
                    board.scroll_to = None;
                    board.rects.clear();
                    click(events, r.center(), &mut driver.pressed);
                    true
                }
                _ => {
                    if driver.frames > 3 {
                        // Redraw so the widget is noted again after scrolling.
                        board.rects.remove(name);
                    }
                    false
                }
            }
        }
        Step::Type(text) => {
            events.push(Event::Text(text.clone()));
            true
        }
        Step::Map(x, y) => {
            let Some((rect, centre, m_per_px)) = board.and_then(|b| b.map) else { return };
            let c = rect.center();
            let pos = Pos2::new(c.x + ((x - centre[0]) / m_per_px) as f32, c.y - ((y - centre[1]) / m_per_px) as f32);
            if !rect.contains(pos) {
                return fail(&mut exit, format!("map point {x} {y} is off the map view"));
            }
            click(events, pos, &mut driver.pressed);
            true
        }
        Step::Drag(name, x, y) => {
            let Some(board) = board else { return };
            let (Some(r), Some((rect, centre, m_per_px))) = (board.rects.get(name).copied(), board.map) else {
                return;
            };
            if driver.frames <= 3 {
                return;
            }
            let c = rect.center();
            let to = Pos2::new(c.x + ((x - centre[0]) / m_per_px) as f32, c.y - ((y - centre[1]) / m_per_px) as f32);
            if !rect.contains(to) || !rect.contains(r.center()) {
                return fail(&mut exit, format!("drag {name} to {x} {y}: off the map view"));
            }
            board.rects.clear();
            events.push(Event::PointerMoved(r.center()));
            events.push(Event::PointerButton {
                pos: r.center(),
                button: egui::PointerButton::Primary,
                pressed: true,
                modifiers: Default::default(),
            });
            driver.drag = Some((r.center(), to, 1));
            true
        }
        Step::WaitReady => drill.as_ref().is_some_and(|d| d.ready()),
        Step::WaitAccepted(n) => {
            let Some(d) = drill.as_ref() else { return };
            if let Some(refused) = d.sent.iter().find_map(|s| match &s.status {
                Status::Refused(r) => Some(format!("{:?}: {r}", s.what)),
                _ => None,
            }) {
                return fail(&mut exit, format!("an order was refused: {refused}"));
            }
            d.sent.iter().filter(|s| s.status == Status::Accepted).count() >= *n
        }
        Step::Frames(n) => driver.frames >= *n,
        Step::Close => {
            close.write_batch(windows.iter().map(|window| bevy::window::WindowCloseRequested { window }));
            true
        }
        Step::Exit => {
            println!("drive: script done");
            exit.write(AppExit::Success);
            return;
        }
    };
    if done {
        println!("drive: step {} done: {step:?}", driver.at + 1);
        driver.at += 1;
        driver.frames = 0;
    }
}

fn click(events: &mut Vec<Event>, pos: Pos2, pressed: &mut Option<Pos2>) {
    events.push(Event::PointerMoved(pos));
    events.push(Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    *pressed = Some(pos);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_parse_and_bad_lines_are_named() {
        let steps =
            parse("# a comment\nwait-ready\nclick send:Warn\ntype 水位 上涨\nmap 100 2.5\nwait-accepted 2\nclose\n")
                .unwrap();
        assert_eq!(
            steps,
            vec![
                Step::WaitReady,
                Step::Click("send:Warn".into()),
                Step::Type("水位 上涨".into()),
                Step::Map(100.0, 2.5),
                Step::WaitAccepted(2),
                Step::Close,
            ]
        );
        assert_eq!(
            parse("drag marker:shelter:高地 学校 8700 -5.5").unwrap(),
            vec![Step::Drag("marker:shelter:高地 学校".into(), 8700.0, -5.5)]
        );
        assert!(parse("drag 1 2").is_err(), "a drag needs a widget");
        assert!(parse("map 1").unwrap_err().contains("line 1"));
        assert!(parse("\njump").unwrap_err().contains("line 2"));
    }
}
