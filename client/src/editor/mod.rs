//! `sandtable --edit SCENARIO`: the scenario editor (场景编辑). The scenario opens on its map
//! (drawn by `map_view`, as in a drill); its shelters, gauges, inflows, ignitions, landslide
//! points, team bases, depots and inject places are markers a trainer drags. A drop rewrites
//! only that place's text in the file (`patch`, at the position the source map gives), so
//! comments and layout stay. The tool palette adds an entry where the map is clicked (`draft`,
//! its form; `lists`, its text after its list's last entry); Delete removes the selected one.
//! A close with unsaved edits asks first. The checker's messages follow each edit
//! (`work::Checker`, the command line's own `check`); a preview plays the drill fast with bots
//! and shows the flood or fire spreading on a time slider (`work::Preview`). Saving writes the
//! text as edited.

mod draft;
mod items;
mod lists;
mod patch;
mod work;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bevy::prelude::*;
use bevy::window::{RequestRedraw, WindowCloseRequested};
use bevy_egui::egui::{self, Color32, FontId, Pos2, Rect, RichText, Sense, Shape, Stroke, Vec2};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use protocol::Seat;
use sim::Role;
use sim::map::{MapAsset, Xy};
use sim::scenario::{Problem, Scenario};
use sim::view::RoleView;

use crate::app::Screen;
use crate::drill::{Drill, Link, MapPick};
use crate::i18n::{Lang, T};
use crate::map_view::{DrillUi, LastProjection, MapArea, MapCamera};
use draft::{Draft, Shown, Value};
use items::{Item, Kind};
use work::{Checker, Frame, Preview, Waker};

/// Preview moments shown per wall second while playing.
const PREVIEW_FPS: f64 = 8.0;
/// Problems are drawn in magenta: red means casualties on this map.
const PROBLEM: Color32 = Color32::from_rgb(230, 60, 220);
/// The map pick (`Drill::pick`) of the place of a new entry; order forms use their kind's number.
const PICK_NEW: u8 = u8::MAX;

#[derive(Resource)]
struct Editor {
    file: PathBuf,
    /// The text as edited, and as last saved.
    text: String,
    saved: String,
    /// Earlier texts, for undo.
    undo: Vec<String>,
    map: Arc<MapAsset>,
    scenario: Scenario,
    items: Vec<Item>,
    /// Where each item is on the map (`None`: a village the map lacks).
    at: Vec<Option<Xy>>,
    /// The item being dragged, where it is now, and the pointer's offset from its marker.
    dragging: Option<(usize, Xy, Vec2)>,
    selected: Option<usize>,
    /// The kind of entry to add where the map is clicked next.
    tool: Option<Kind>,
    /// A new entry placed on the map, its form open.
    draft: Option<Draft>,
    /// The window was asked to close with unsaved edits: save, discard or cancel?
    closing: bool,
    /// Saved or discarded: the app ends.
    close_now: bool,
    /// Edit number of the text, and of the problems shown.
    generation: u64,
    checked: Option<u64>,
    problems: Vec<Problem>,
    checker: Checker,
    preview: Option<Preview>,
    frames: Vec<Frame>,
    /// The moment shown while previewing (`None`: editing), fractional while playing.
    shown: Option<f64>,
    /// The moment the map's view holds (`None`: the scenario standing still).
    on_map: Option<u32>,
    playing: bool,
    /// The last save's or edit's outcome, shown in the top bar.
    notice: Option<Notice>,
    waker: Waker,
}

/// What the last save or edit did: good news or a problem, its words and the detail.
struct Notice {
    ok: bool,
    what: Option<T>,
    detail: String,
}

impl Notice {
    fn good(what: T, detail: String) -> Option<Notice> {
        Some(Notice { ok: true, what: Some(what), detail })
    }
    fn bad(what: Option<T>, detail: String) -> Option<Notice> {
        Some(Notice { ok: false, what, detail })
    }
    fn text(&self, lang: Lang) -> String {
        match self.what {
            Some(t) => format!("{} {}", t.text(lang), self.detail),
            None => self.detail.clone(),
        }
    }
}

/// Why the editor could not open the file.
#[derive(Resource)]
struct CannotOpen(Vec<String>);

/// The file the command line asked to edit.
#[derive(Resource, Clone)]
struct EditFile(PathBuf);

pub fn plugin(file: PathBuf) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(EditFile(file.clone()))
            .add_systems(Startup, open)
            .add_systems(Update, (poll.run_if(in_state(Screen::Edit)), close_requested))
            .add_systems(EguiPrimaryContextPass, draw_panels.in_set(DrillUi::Panels).run_if(in_state(Screen::Edit)))
            .add_systems(EguiPrimaryContextPass, draw_markers.in_set(DrillUi::Overlay).run_if(in_state(Screen::Edit)));
    }
}

/// Reads the scenario and its map, and shows the editor (or why it cannot open).
fn open(
    file: Res<EditFile>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
    mut camera: ResMut<MapCamera>,
    proxy: Option<Res<bevy::winit::EventLoopProxyWrapper>>,
) {
    let file = file.0.clone();
    next.set(Screen::Edit);
    camera.reset();
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut drill = Drill::new(Seat::Role(Role::Controller), name);
    // A file that does not parse, or whose map does not load, cannot be placed on a map: its
    // problems are shown instead (the editor never guesses).
    let loaded = match server::drill::load::load_scenario_and_map(&file) {
        Ok(l) => l,
        Err(problems) => {
            commands.insert_resource(CannotOpen(problems.iter().map(|p| p.to_string()).collect()));
            return;
        }
    };
    let map = match loaded.map {
        Ok(m) => Arc::new(m),
        Err(e) => {
            commands.insert_resource(CannotOpen(vec![format!(
                "{}: map `{}`: {e}",
                file.display(),
                loaded.scenario.map
            )]));
            return;
        }
    };
    let waker: Waker = proxy.map(|p| (**p).clone());
    let checker = Checker::start(file.clone(), waker.clone());
    checker.request(0, loaded.text.clone());
    for s in &map.features.settlements {
        if let Some(zh) = &s.name_zh {
            drill.names_zh.insert(s.name.clone(), zh.clone());
        }
    }
    drill.link = Link::Welcomed;
    drill.map = Some(map.clone());
    drill.view = Some(still_view(&loaded.scenario, &map));
    commands.insert_resource(drill);
    let mut editor = Editor {
        file,
        saved: loaded.text.clone(),
        text: loaded.text,
        undo: Vec::new(),
        map,
        scenario: loaded.scenario,
        items: Vec::new(),
        at: Vec::new(),
        dragging: None,
        selected: None,
        tool: None,
        draft: None,
        closing: false,
        close_now: false,
        generation: 0,
        checked: None,
        problems: Vec::new(),
        checker,
        preview: None,
        frames: Vec::new(),
        shown: None,
        on_map: None,
        playing: false,
        notice: None,
        waker,
    };
    editor.refresh_items();
    commands.insert_resource(editor);
}

/// The map's view while editing: the scenario's villages where the map has them, nothing moving.
fn still_view(s: &Scenario, map: &MapAsset) -> RoleView {
    let point = sim::weather::point_at(&s.weather, 0);
    let weather = sim::weather::Weather {
        rain_mm_per_h: point.rain_mm_per_h,
        rain_totals_mm: [0.0; sim::weather::RAIN_RECORD_H],
        wind_m_per_s: point.wind_m_per_s,
        wind_from_deg: point.wind_from_deg,
        temperature_c: point.temperature_c,
        humidity_percent: point.humidity_percent,
    };
    let villages = s
        .villages
        .iter()
        .filter_map(|v| {
            let settlement = map.settlement(&v.name)?;
            Some(sim::view::VillageView {
                name: v.name.clone(),
                name_zh: v.name_zh.clone().or(settlement.name_zh.clone()),
                pos: settlement.pos,
                township: v.township.clone(),
                road_node: settlement.road_node,
                shelter: v.shelter.clone(),
                population: v.population,
                at_home: None,
                in_shelter: None,
                casualties: None,
                warned: false,
                evacuation_ordered: false,
                held: false,
                waiting: None,
            })
        })
        .collect();
    RoleView::still(Role::Controller, 0, (s.duration_h * 3600.0) as u32, weather, villages)
}

impl Editor {
    fn refresh_items(&mut self) {
        self.items = items::placeable(&self.scenario);
        self.at = self.items.iter().map(|i| items::position(&i.place, &self.map)).collect();
    }

    /// Moves item `i` to `to`: its place's text is rewritten in place, nothing else.
    fn move_item(&mut self, i: usize, to: Xy) {
        let Some(item) = self.items.get(i) else { return };
        let new = items::moved_place_text(&item.place, to, &self.map);
        let text = match patch::replace_value(&self.text, &item.path, &new) {
            Ok(t) => t,
            Err(e) => {
                self.notice = Notice::bad(None, e);
                return;
            }
        };
        let name = item.name.clone();
        if self.set_text(text, true) {
            self.notice = Notice::good(T::EdMoved, name);
        }
    }

    /// Takes `text` as the file's text (pushing the old one for undo): parsed again, checked
    /// again. False (and the text unchanged) when it does not parse.
    fn set_text(&mut self, text: String, keep_undo: bool) -> bool {
        let file = self.file.display().to_string();
        match sim::scenario::parse_scenario(&file, &text) {
            Ok(s) => {
                if keep_undo {
                    self.undo.push(std::mem::replace(&mut self.text, text));
                } else {
                    self.text = text;
                }
                self.scenario = s;
                let before = self.items.len();
                self.refresh_items();
                // Entries added or removed shift the indices: a selection may be another entry.
                if self.items.len() != before {
                    self.selected = None;
                    self.dragging = None;
                }
                self.generation += 1;
                self.checker.request(self.generation, self.text.clone());
                true
            }
            Err(problems) => {
                let first = problems.first().map(|p| p.to_string()).unwrap_or_default();
                self.notice = Notice::bad(None, first);
                false
            }
        }
    }

    /// Adds the drafted entry at the end of its list, and selects it.
    fn add_draft(&mut self) {
        let Some(draft) = self.draft.take() else { return };
        let added = lists::add_entry(&self.text, draft::list_path(draft.kind), &draft.fields(&self.map));
        let done = match added {
            Ok(text) => self.set_text(text, true),
            Err(e) => {
                self.notice = Notice::bad(None, e);
                false
            }
        };
        if done {
            self.notice = Notice::good(T::EdAdded, draft.name());
            self.selected = self.items.iter().rposition(|i| i.kind == draft.kind);
        } else {
            // The form stays open, the notice saying what went wrong.
            self.draft = Some(draft);
        }
    }

    /// Removes item `i`'s entry (its lines, its comment lines and its comma).
    fn delete_item(&mut self, i: usize) {
        let Some(item) = self.items.get(i) else { return };
        let name = item.name.clone();
        match lists::remove_entry(&self.text, item.entry_path()) {
            Ok(text) => {
                if self.set_text(text, true) {
                    self.notice = Notice::good(T::EdDeleted, name);
                }
            }
            Err(e) => self.notice = Notice::bad(None, e),
        }
    }

    fn undo(&mut self) {
        if let Some(text) = self.undo.pop() {
            self.set_text(text, false);
        }
    }

    /// Writes the text as edited: to a file beside it, then renamed over it (never half a file).
    fn save(&mut self) {
        let tmp = self.file.with_extension("ron.saving");
        let written = std::fs::write(&tmp, &self.text).and_then(|_| std::fs::rename(&tmp, &self.file));
        self.notice = match written {
            Ok(()) => {
                self.saved = self.text.clone();
                Notice::good(T::EdSaved, self.file.display().to_string())
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Notice::bad(Some(T::EdSaveFailed), format!("{}: {e}", self.file.display()))
            }
        };
    }

    fn dirty(&self) -> bool {
        self.text != self.saved
    }

    /// The problems of item `i`'s entry.
    fn problems_of(&self, i: usize) -> impl Iterator<Item = &Problem> {
        let entry = self.items.get(i).map(|it| it.entry_path().to_string()).unwrap_or_default();
        self.problems.iter().filter(move |p| {
            !entry.is_empty()
                && (p.path == entry
                    || p.path.strip_prefix(entry.as_str()).is_some_and(|r| r.starts_with('.') || r.starts_with('[')))
        })
    }

    fn frame_index(&self) -> Option<usize> {
        let shown = self.shown?;
        (!self.frames.is_empty()).then(|| (shown.floor() as usize).min(self.frames.len() - 1))
    }
}

/// Picks up the checker's messages and the preview; moves the preview on while playing.
fn poll(
    editor: Option<ResMut<Editor>>,
    drill: Option<ResMut<Drill>>,
    time: Res<Time<Real>>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    let (Some(mut editor), Some(mut drill)) = (editor, drill) else { return };
    if let Some((generation, problems)) = editor.checker.latest() {
        editor.checked = Some(generation);
        editor.problems = problems;
    }
    if let Some(result) = editor.preview.as_ref().and_then(|p| p.result()) {
        editor.preview = None;
        match result {
            Ok(frames) if !frames.is_empty() => {
                editor.frames = frames;
                editor.shown = Some(0.0);
                editor.playing = true;
            }
            Ok(_) => editor.notice = Notice::bad(Some(T::EdPreview), String::new()),
            Err(e) => editor.notice = Notice::bad(Some(T::EdPreview), e),
        }
    }
    if editor.playing
        && let Some(shown) = editor.shown
    {
        let last = editor.frames.len().saturating_sub(1) as f64;
        let next = (shown + time.delta_secs_f64() * PREVIEW_FPS).min(last);
        editor.shown = Some(next);
        if next >= last {
            editor.playing = false;
        }
        redraw.write(RequestRedraw);
    }
    // The map shows the preview's moment, or the scenario standing still.
    let wanted = editor.frame_index().map(|i| (i, editor.frames[i].t_s));
    if wanted.map(|w| w.1) != editor.on_map {
        drill.view = Some(match wanted {
            Some((i, _)) => editor.frames[i].view.clone(),
            None => still_view(&editor.scenario, &editor.map),
        });
        drill.views_received += 1;
        editor.on_map = wanted.map(|w| w.1);
    }
}

fn draw_panels(
    mut contexts: EguiContexts,
    editor: Option<ResMut<Editor>>,
    cannot: Option<Res<CannotOpen>>,
    mut lang: ResMut<Lang>,
    mut area: ResMut<MapArea>,
    mut camera: ResMut<MapCamera>,
    drill: Option<ResMut<Drill>>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "editor_root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    area.0 = None;
    let l = *lang;
    let Some(mut editor) = editor else {
        egui::CentralPanel::default().show(&mut root, |ui| {
            ui.heading(format!("{} · {}", T::EdTitle.text(l), T::EdCannotOpen.text(l)));
            for line in cannot.iter().flat_map(|c| c.0.iter()) {
                ui.label(RichText::new(line).color(PROBLEM).monospace());
            }
        });
        return Ok(());
    };
    if editor.dirty() && ctx.input(|i| i.modifiers.command && i.key_pressed(egui::Key::S)) {
        editor.save();
    }
    if let Some(mut drill) = drill {
        follow_pick(&mut editor, &mut drill);
    }
    // Escape drops a tool or a new entry's form; Delete removes the selected entry, unless a
    // text field has the keys.
    if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
        editor.tool = None;
        editor.draft = None;
    }
    let typing = ctx.memory(|m| m.focused().is_some());
    if !typing
        && editor.shown.is_none()
        && ctx.input(|i| i.key_pressed(egui::Key::Delete))
        && let Some(i) = editor.selected
    {
        editor.delete_item(i);
    }
    egui::Panel::top("editor_top").show(&mut root, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(T::EdTitle.text(l)).strong());
            ui.label(format!("{} · {}", editor.scenario.name, editor.file.display()));
            let save = ui.add_enabled(editor.dirty(), egui::Button::new(T::EdSave.text(l)));
            crate::drive::note("save", &save);
            if save.clicked() {
                editor.save();
            }
            let undo = ui.add_enabled(!editor.undo.is_empty(), egui::Button::new(T::EdUndo.text(l)));
            crate::drive::note("undo", &undo);
            if undo.clicked() {
                editor.undo();
            }
            if editor.dirty() {
                ui.label(RichText::new(format!("● {}", T::EdUnsaved.text(l))).color(Color32::from_rgb(240, 200, 30)));
            }
            if let Some(n) = &editor.notice {
                let colour = if n.ok { Color32::from_rgb(120, 220, 140) } else { PROBLEM };
                ui.label(RichText::new(n.text(l)).color(colour));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(lang.toggle_label()).clicked() {
                    *lang = lang.other();
                }
                if ui.button(T::ResetView.text(l)).clicked() {
                    camera.reset();
                }
            });
        });
    });
    if editor.shown.is_some() {
        egui::Panel::bottom("editor_preview_bar").show(&mut root, |ui| preview_bar(ui, &mut editor, l));
    }
    egui::Panel::right("editor_side").default_size(400.0).min_size(300.0).show(&mut root, |ui| {
        side_panel(ui, &mut editor, l);
    });
    let map_rect = root.available_rect_before_wrap();
    area.0 = Some(map_rect);
    if editor.closing {
        editor.close_now = close_dialog(&ctx, &mut editor, l);
    }
    Ok(())
}

/// A new entry's place comes from the map pick the drill's forms use: the tool asks for one
/// point, the point opens the entry's form.
fn follow_pick(editor: &mut Editor, drill: &mut Drill) {
    if let Some(points) = drill.picked.remove(&PICK_NEW)
        && let (Some(kind), Some(&at)) = (editor.tool.take(), points.first())
    {
        editor.draft = Some(Draft::new(kind, at, &editor.scenario, &editor.map));
    }
    let picking = drill.pick.as_ref().is_some_and(|p| p.form == PICK_NEW);
    if editor.tool.is_some() && !picking {
        drill.pick = Some(MapPick { form: PICK_NEW, path: false, points: Vec::new() });
    } else if editor.tool.is_none() && picking {
        drill.pick = None;
    }
}

/// Asks what to do with unsaved edits when the window is closed; true to close now.
fn close_dialog(ctx: &egui::Context, editor: &mut Editor, l: Lang) -> bool {
    let mut close = false;
    egui::Window::new(T::EdTitle.text(l))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(T::EdCloseTitle.text(l));
            ui.horizontal(|ui| {
                let save = ui.button(T::EdCloseSave.text(l));
                crate::drive::note("close:save", &save);
                if save.clicked() {
                    editor.save();
                    // A save that failed keeps the window open, its notice saying why.
                    close = !editor.dirty();
                    editor.closing = close;
                }
                let discard = ui.button(T::EdCloseDiscard.text(l));
                crate::drive::note("close:discard", &discard);
                close |= discard.clicked();
                let cancel = ui.button(T::EdCancel.text(l));
                crate::drive::note("close:cancel", &cancel);
                if cancel.clicked() {
                    editor.closing = false;
                }
            });
            if let Some(n) = editor.notice.as_ref().filter(|n| !n.ok) {
                ui.label(RichText::new(n.text(l)).color(PROBLEM));
            }
        });
    close
}

/// The window's close button: closes at once when nothing is unsaved, else asks (and closes
/// once the edits are saved or discarded).
fn close_requested(
    mut requests: MessageReader<WindowCloseRequested>,
    editor: Option<ResMut<Editor>>,
    mut exit: MessageWriter<AppExit>,
) {
    let asked = requests.read().count() > 0;
    match editor {
        Some(e) if e.close_now => {
            exit.write(AppExit::Success);
        }
        Some(mut e) if asked && e.dirty() => e.closing = true,
        _ if asked => {
            exit.write(AppExit::Success);
        }
        _ => {}
    }
}

/// The checker's messages, the places by kind, and the preview.
fn side_panel(ui: &mut egui::Ui, editor: &mut Editor, l: Lang) {
    ui.weak(T::EdDragHint.text(l));
    ui.separator();
    if editor.shown.is_none() {
        add_section(ui, editor, l);
        ui.separator();
    }
    let checking = editor.checked != Some(editor.generation);
    ui.horizontal(|ui| {
        ui.heading(T::EdCheck.text(l));
        if checking {
            ui.spinner();
            ui.weak(T::EdChecking.text(l));
        }
    });
    egui::ScrollArea::vertical().id_salt("editor_problems").max_height(220.0).auto_shrink([false, true]).show(
        ui,
        |ui| {
            if editor.problems.is_empty() && editor.checked.is_some() {
                ui.label(
                    RichText::new(format!("✔ {}", T::EdNoProblems.text(l))).color(Color32::from_rgb(120, 220, 140)),
                );
            }
            let mut pick = None;
            for p in &editor.problems {
                let r =
                    ui.add(egui::Label::new(RichText::new(p.to_string()).color(PROBLEM).small()).sense(Sense::click()));
                if r.clicked() {
                    pick = editor.items.iter().position(|it| p.path.starts_with(it.entry_path()));
                }
            }
            if pick.is_some() {
                editor.selected = pick;
            }
        },
    );
    ui.separator();
    ui.heading(T::EdPreview.text(l));
    ui.weak(T::EdPreviewHint.text(l));
    match &editor.preview {
        Some(p) => {
            ui.label(T::EdPreviewRunning.text(l));
            let f = p.progress.load(Ordering::Relaxed) as f32 / 1000.0;
            ui.add(egui::ProgressBar::new(f).show_percentage());
        }
        None => {
            let start = ui.button(format!("▶ {}", T::EdPreview.text(l)));
            crate::drive::note("preview", &start);
            if start.clicked() {
                // The palette hides while previewing: no new entry is half placed.
                editor.tool = None;
                editor.draft = None;
                editor.preview = Some(Preview::start(&editor.file, editor.text.clone(), editor.waker.clone()));
                editor.shown = None;
                editor.frames.clear();
            }
        }
    }
    ui.separator();
    ui.heading(T::EdPlaces.text(l));
    egui::ScrollArea::vertical().id_salt("editor_places").auto_shrink([false, false]).show(ui, |ui| {
        let mut last_kind = None;
        for (i, item) in editor.items.iter().enumerate() {
            if last_kind != Some(item.kind) {
                ui.label(RichText::new(item.kind.label().text(l)).strong());
                last_kind = Some(item.kind);
            }
            let problems = editor.problems_of(i).count();
            let mut text = format!("  {}", item.name);
            if editor.at[i].is_none() {
                text.push_str(&format!(" ({})", T::EdNotOnMap.text(l)));
            }
            if problems > 0 {
                text.push_str(&format!("  ⚠{problems}"));
            }
            let rich = if problems > 0 { RichText::new(text).color(PROBLEM) } else { RichText::new(text) };
            let r = ui.selectable_label(editor.selected == Some(i), rich);
            crate::drive::note(&format!("item:{}:{}", item.kind.key(), item.name), &r);
            if r.clicked() {
                editor.selected = Some(i);
            }
        }
    });
}

/// The tool palette (one button a kind the scenario can take), then the new entry's form.
fn add_section(ui: &mut egui::Ui, editor: &mut Editor, l: Lang) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(T::EdAdd.text(l)).strong());
        for kind in Kind::ADDABLE.into_iter().filter(|k| draft::can_add(*k, &editor.scenario)) {
            let on = editor.tool == Some(kind);
            let r = ui.selectable_label(on, format!("+ {}", kind.label().text(l)));
            crate::drive::note(&format!("tool:{}", kind.key()), &r);
            if r.clicked() {
                editor.tool = (!on).then_some(kind);
                editor.draft = None;
            }
        }
    });
    if editor.tool.is_some() {
        ui.label(RichText::new(T::EdPickOnMap.text(l)).color(Color32::from_rgb(240, 200, 30)));
    } else if editor.draft.is_none() {
        ui.weak(T::EdAddHint.text(l));
    }
    if let Some(i) = editor.selected.filter(|&i| i < editor.items.len()) {
        let name =
            format!("🗑 {} {} {}", T::EdDelete.text(l), editor.items[i].kind.label().text(l), editor.items[i].name);
        let r = ui.button(name);
        crate::drive::note("delete", &r);
        if r.clicked() {
            editor.delete_item(i);
        }
    }
    let Some(d) = editor.draft.as_mut() else { return };
    ui.label(RichText::new(format!("{} {}", T::EdNewEntry.text(l), d.kind.label().text(l))).strong());
    egui::Grid::new("editor_draft").num_columns(2).show(ui, |ui| {
        for f in &mut d.fields {
            ui.label(f.label.text(l));
            match &mut f.value {
                Value::Text(t) => {
                    ui.text_edit_singleline(t);
                }
                Value::Whole(n) => {
                    ui.add(egui::DragValue::new(n).range(1..=10_000_000));
                }
                Value::Real(x) => {
                    ui.add(egui::DragValue::new(x).speed(0.1).range(0.0..=f64::MAX));
                }
                Value::Choice(options, picked) => {
                    let shown = |s: &Shown| match s {
                        Shown::Name(n) => n.clone(),
                        Shown::Word(t) => t.text(l).to_string(),
                    };
                    let now = options.get(*picked).map(|o| shown(&o.1)).unwrap_or_default();
                    egui::ComboBox::from_id_salt(("editor_draft", f.key)).selected_text(now).show_ui(ui, |ui| {
                        for (j, o) in options.iter().enumerate() {
                            ui.selectable_value(picked, j, shown(&o.1));
                        }
                    });
                }
            }
            ui.end_row();
        }
    });
    let (mut add, mut cancel) = (false, false);
    ui.horizontal(|ui| {
        let r = ui.button(format!("✔ {}", T::EdAdd.text(l)));
        crate::drive::note("add:confirm", &r);
        add = r.clicked();
        let r = ui.button(T::EdCancel.text(l));
        crate::drive::note("add:cancel", &r);
        cancel = r.clicked();
    });
    if add {
        editor.add_draft();
    } else if cancel {
        editor.draft = None;
    }
}

/// Under the map while previewing: play or pause, the moment, the slider, back to editing.
fn preview_bar(ui: &mut egui::Ui, editor: &mut Editor, l: Lang) {
    let last = editor.frames.len().saturating_sub(1);
    ui.horizontal(|ui| {
        ui.label(RichText::new(T::EdPreview.text(l)).strong());
        let label = if editor.playing { T::Pause } else { T::Play };
        if ui.button(label.text(l)).clicked() {
            if !editor.playing && editor.frame_index() == Some(last) {
                editor.shown = Some(0.0);
            }
            editor.playing = !editor.playing;
        }
        let t_s = editor.frame_index().map(|i| editor.frames[i].t_s).unwrap_or(0);
        ui.monospace(crate::panels::minutes_clock(t_s));
        let mut i = editor.frame_index().unwrap_or(0);
        ui.spacing_mut().slider_width = (ui.available_width() - 160.0).max(120.0);
        if ui.add(egui::Slider::new(&mut i, 0..=last).show_value(false)).changed() {
            editor.shown = Some(i as f64);
            editor.playing = false;
        }
        if ui.button(T::EdBackToEdit.text(l)).clicked() {
            editor.shown = None;
            editor.playing = false;
        }
    });
}

/// The scenario's places over the map; while editing, each can be dragged.
fn draw_markers(
    mut contexts: EguiContexts,
    editor: Option<ResMut<Editor>>,
    area: Res<MapArea>,
    projection: Res<LastProjection>,
    lang: Res<Lang>,
) -> Result {
    let (Some(mut editor), Some(rect), Some(proj)) = (editor, area.0, projection.0) else { return Ok(()) };
    if proj.rect != rect {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?.clone();
    let ui = egui::Ui::new(
        ctx,
        "editor_markers".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(rect),
    );
    let painter = ui.painter_at(rect);
    let previewing = editor.shown.is_some();
    let mut dropped = None;
    for i in 0..editor.items.len() {
        let item = editor.items[i].clone();
        // While previewing, the moment's own view shows the gauges and the teams.
        if previewing && matches!(item.kind, Kind::Gauge | Kind::TeamBase) {
            continue;
        }
        let at = match editor.dragging {
            Some((j, at, _)) if j == i => Some(at),
            _ => editor.at[i],
        };
        let Some(at) = at else { continue };
        let p = proj.to_screen(at);
        if !rect.expand(20.0).contains(p) {
            continue;
        }
        let has_problem = editor.problems_of(i).next().is_some();
        let ring = if editor.selected == Some(i) || editor.dragging.is_some_and(|d| d.0 == i) {
            Some(Color32::WHITE)
        } else if has_problem {
            Some(PROBLEM)
        } else {
            None
        };
        marker(&painter, p, item.kind, ring);
        let name = format!("{} {}", item.kind.label().text(*lang), item.name);
        painter.text(
            p + Vec2::new(10.0, -10.0),
            egui::Align2::LEFT_BOTTOM,
            &name,
            FontId::proportional(12.0),
            Color32::WHITE,
        );
        if previewing {
            continue;
        }
        let id = egui::Id::new(("editor_marker", i));
        let response = ui.interact(Rect::from_center_size(p, Vec2::splat(20.0)), id, Sense::click_and_drag());
        crate::drive::note(&format!("marker:{}:{}", item.kind.key(), item.name), &response);
        if response.clicked() {
            editor.selected = Some(i);
        }
        if response.drag_started() {
            let origin = ui.input(|inp| inp.pointer.press_origin()).unwrap_or(p);
            editor.selected = Some(i);
            editor.dragging = Some((i, at, origin - p));
        }
        if response.dragged()
            && let (Some(pointer), Some((j, _, grab))) = (response.interact_pointer_pos(), editor.dragging)
            && j == i
        {
            editor.dragging = Some((i, proj.to_map(pointer - grab), grab));
        }
        if response.drag_stopped()
            && let Some((j, to, grab)) = editor.dragging.take()
            && j == i
        {
            // Dropped where the pointer was let go.
            let released = ui.input(|inp| inp.pointer.interact_pos()).map(|p| proj.to_map(p - grab));
            dropped = Some((i, released.unwrap_or(to)));
        }
    }
    if let Some(d) = &editor.draft {
        marker(&painter, proj.to_screen(d.at), d.kind, Some(Color32::from_rgb(240, 200, 30)));
    }
    if let Some((i, to)) = dropped {
        editor.move_item(i, to);
    }
    Ok(())
}

/// A place's marker: its shape and colour say its kind (red is kept for casualties).
fn marker(painter: &egui::Painter, p: Pos2, kind: Kind, ring: Option<Color32>) {
    let black = Stroke::new(1.2, Color32::BLACK);
    let d = 7.0;
    match kind {
        Kind::Shelter => {
            // A house: a square under a roof.
            let body = Rect::from_center_size(p + Vec2::new(0.0, 2.0), Vec2::splat(10.0));
            painter.rect_filled(body, 1.0, Color32::from_rgb(60, 190, 90));
            painter.rect_stroke(body, 1.0, black, egui::StrokeKind::Outside);
            let roof = vec![p + Vec2::new(-7.0, -3.0), p + Vec2::new(0.0, -9.0), p + Vec2::new(7.0, -3.0)];
            painter.add(Shape::convex_polygon(roof, Color32::from_rgb(60, 190, 90), black));
        }
        Kind::Gauge => {
            let pts =
                vec![p + Vec2::new(0.0, -d), p + Vec2::new(d, 0.0), p + Vec2::new(0.0, d), p + Vec2::new(-d, 0.0)];
            painter.add(Shape::convex_polygon(pts, Color32::from_rgb(60, 140, 230), black));
        }
        Kind::Inflow => {
            let pts = vec![p + Vec2::new(-d, -d), p + Vec2::new(d, -d), p + Vec2::new(0.0, d)];
            painter.add(Shape::convex_polygon(pts, Color32::from_rgb(40, 200, 230), black));
        }
        Kind::Ignition => {
            painter.circle(p, d, Color32::from_rgb(250, 140, 20), black);
            painter.circle_filled(p, 3.0, Color32::from_rgb(255, 230, 80));
        }
        Kind::SlidePoint => {
            let pts = vec![p + Vec2::new(0.0, -d), p + Vec2::new(d, d), p + Vec2::new(-d, d)];
            painter.add(Shape::convex_polygon(pts, Color32::from_rgb(160, 110, 60), black));
        }
        Kind::TeamBase => {
            let r = Rect::from_center_size(p, Vec2::splat(12.0));
            painter.rect_filled(r, 2.0, Color32::from_rgb(190, 240, 255));
            painter.rect_stroke(r, 2.0, black, egui::StrokeKind::Outside);
        }
        Kind::Depot => {
            let r = Rect::from_center_size(p, Vec2::new(14.0, 10.0));
            painter.rect_filled(r, 0.0, Color32::from_rgb(240, 210, 60));
            painter.rect_stroke(r, 0.0, black, egui::StrokeKind::Outside);
            painter.line_segment([r.left_top(), r.right_bottom()], black);
        }
        Kind::Inject => {
            // A cross: where the scenario's script strikes.
            for (a, b) in [(Vec2::new(-d, -d), Vec2::new(d, d)), (Vec2::new(-d, d), Vec2::new(d, -d))] {
                painter.line_segment([p + a, p + b], Stroke::new(5.0, Color32::BLACK));
                painter.line_segment([p + a, p + b], Stroke::new(3.0, Color32::from_rgb(255, 170, 200)));
            }
        }
    }
    if let Some(c) = ring {
        painter.circle_stroke(p, 12.0, Stroke::new(2.0, c));
    }
}
