//! The map: shaded terrain, water, roads, township boundaries, villages, what the role sees of
//! the hazard, teams and gauges, drawn with egui into the area the panels leave free, with pan
//! (drag) and zoom (scroll). The map's attribution is always drawn on it.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::egui::{
    self, Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, TextureHandle, TextureOptions, Vec2,
};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use sim::map::{MapAsset, RoadClass, Xy};
use sim::view::{RoleView, TeamState};

use crate::app::Screen;
use crate::drill::Drill;
use crate::i18n::Lang;
use crate::terrain;

/// The screen area left for the map, written by the panels each frame before the map draws.
#[derive(Resource, Default)]
pub struct MapArea(pub Option<Rect>);

/// Where the map view looks: the map point at the centre of the area, and the scale.
#[derive(Resource, Default)]
pub struct MapCamera {
    centre: Xy,
    m_per_px: f64,
    /// Set once the camera was fitted to a map; reset to fit again.
    fitted: bool,
    /// The projector's area change last fitted to.
    focus_seen: u32,
}

impl MapCamera {
    pub fn reset(&mut self) {
        self.fitted = false;
    }
}

#[derive(Resource, Default)]
struct MapTextures {
    /// The map the terrain texture was made from (compared by identity), and the texture.
    terrain: Option<(Arc<MapAsset>, TextureHandle)>,
    /// The view time and count the hazard texture shows, and the texture.
    hazard: Option<(u64, TextureHandle)>,
}

/// Systems that draw egui in a fixed order: panels first (they claim their space), then the map,
/// then what is drawn over it (the editor's markers).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum DrillUi {
    Panels,
    Map,
    Overlay,
}

/// The map's projection as last drawn, for what is drawn over the map.
#[derive(Resource, Default)]
pub struct LastProjection(pub Option<Projection>);

pub fn plugin(app: &mut App) {
    app.init_resource::<MapArea>()
        .init_resource::<MapCamera>()
        .init_resource::<MapTextures>()
        .init_resource::<LastProjection>()
        .configure_sets(EguiPrimaryContextPass, (DrillUi::Panels, DrillUi::Map, DrillUi::Overlay).chain())
        .add_systems(
            EguiPrimaryContextPass,
            draw_map
                .in_set(DrillUi::Map)
                .run_if(in_state(Screen::Session).or_else(in_state(Screen::Replay)).or_else(in_state(Screen::Edit))),
        );
}

/// Map metres ↔ screen points for one frame.
#[derive(Clone, Copy, Debug)]
pub struct Projection {
    pub rect: Rect,
    pub centre: Xy,
    pub m_per_px: f64,
}

impl Projection {
    pub fn to_screen(self, p: Xy) -> Pos2 {
        let c = self.rect.center();
        Pos2::new(
            c.x + ((p[0] - self.centre[0]) / self.m_per_px) as f32,
            c.y - ((p[1] - self.centre[1]) / self.m_per_px) as f32,
        )
    }
    pub fn to_map(self, s: Pos2) -> Xy {
        let c = self.rect.center();
        [self.centre[0] + (s.x - c.x) as f64 * self.m_per_px, self.centre[1] - (s.y - c.y) as f64 * self.m_per_px]
    }
}

fn draw_map(
    mut contexts: EguiContexts,
    drill: Option<ResMut<Drill>>,
    lang: Res<Lang>,
    area: Res<MapArea>,
    mut camera: ResMut<MapCamera>,
    mut textures: ResMut<MapTextures>,
    mut last: Option<ResMut<LastProjection>>,
) -> Result {
    // No drill between leaving a session and the launcher's first frame (返回 after a failed
    // join or at the end): nothing to draw, never a panic.
    let Some(mut drill) = drill else { return Ok(()) };
    // The projector follows the controller's map area: refit when it changes.
    if camera.focus_seen != drill.focus_changes {
        camera.focus_seen = drill.focus_changes;
        camera.fitted = false;
    }
    // The controller watching a role sees that role's view on the map.
    let (Some(rect), Some(map), Some(view)) =
        (area.0, drill.map.clone(), drill.watched.as_ref().or(drill.view.as_ref()))
    else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    let mut ui = egui::Ui::new(
        ctx.clone(),
        "map_view".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(rect),
    );
    let response = ui.allocate_rect(rect, Sense::click_and_drag());

    let (w_m, h_m) = (map.grid.width_m(), map.grid.height_m());
    if !camera.fitted {
        let places: Vec<Xy> = view.villages.iter().map(|v| v.pos).chain(view.teams.iter().map(|t| t.pos)).collect();
        let (lo, hi) = match drill.focus.filter(|_| drill.is_public()) {
            Some([x0, y0, x1, y1]) => ([x0, y0], [x1, y1]),
            None => initial_extent(&places, [w_m, h_m]),
        };
        camera.centre = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
        camera.m_per_px = ((hi[0] - lo[0]) / rect.width() as f64).max((hi[1] - lo[1]) / rect.height() as f64).max(1.0);
        camera.fitted = true;
    }
    pan_and_zoom(&ui, &response, rect, &mut camera, w_m.max(h_m));
    // Picking for a form: a click on the map adds a point (a drag still pans).
    let clicked_at = if response.clicked() { response.interact_pointer_pos() } else { None };
    let proj = Projection { rect, centre: camera.centre, m_per_px: camera.m_per_px };
    crate::drive::note_map(rect, proj.centre, proj.m_per_px);
    if let Some(last) = last.as_mut() {
        last.0 = Some(proj);
    }

    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, Color32::from_rgb(42, 46, 52));

    let map_rect = Rect::from_two_pos(proj.to_screen([0.0, h_m]), proj.to_screen([w_m, 0.0]));
    let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
    let terrain_tex = terrain_texture(&ctx, &mut textures, &map);
    painter.image(terrain_tex.id(), map_rect, uv, Color32::WHITE);
    let hazard_tex = hazard_texture(&ctx, &mut textures, &map, view, drill.views_received);
    painter.image(hazard_tex.id(), map_rect, uv, Color32::WHITE);

    draw_townships(&painter, &proj, &map);
    draw_waterways(&painter, &proj, &map);
    draw_roads(&painter, &proj, &map, &view.closed_roads);
    // Labels are placed most important first; a later one never prints over an earlier one.
    let mut labels = Labeller::default();
    draw_settlements(&painter, &proj, view, *lang, &mut labels);
    draw_teams(&painter, &proj, view, &mut labels);
    draw_gauges(&painter, &proj, view, &mut labels);
    draw_other_places(&painter, &proj, &map, view, &mut labels);
    draw_picks(&painter, &proj, &drill);
    draw_scale_bar(&painter, &proj);
    draw_attribution(&painter, rect, &map.attribution_line());
    if let (Some(pos), Some(pick)) = (clicked_at, drill.pick.as_mut()) {
        pick.points.push(proj.to_map(pos));
        if !pick.path
            && let Some(p) = drill.pick.take()
        {
            drill.picked.insert(p.form, p.points);
        }
    }
    let (lo, hi) = (proj.to_map(rect.left_bottom()), proj.to_map(rect.right_top()));
    let extent = Some([lo[0], lo[1], hi[0], hi[1]]);
    if drill.view_extent != extent {
        drill.view_extent = extent;
    }
    Ok(())
}

/// What the view first shows: the drill's villages and teams with room around them (at least
/// `MIN_EXTENT_M` across, so the valley around them reads), or the whole map when there are none.
fn initial_extent(places: &[Xy], map_size: [f64; 2]) -> (Xy, Xy) {
    const MIN_EXTENT_M: f64 = 12_000.0;
    if places.is_empty() {
        return ([0.0, 0.0], map_size);
    }
    let (lo, hi) = bounds(places);
    let mut out = (lo, hi);
    for axis in 0..2 {
        let span = ((hi[axis] - lo[axis]) * 1.6).max(MIN_EXTENT_M).min(map_size[axis]);
        let centre = ((lo[axis] + hi[axis]) / 2.0).clamp(span / 2.0, map_size[axis] - span / 2.0);
        out.0[axis] = centre - span / 2.0;
        out.1[axis] = centre + span / 2.0;
    }
    out
}

fn pan_and_zoom(ui: &egui::Ui, response: &egui::Response, rect: Rect, camera: &mut MapCamera, extent_m: f64) {
    if response.dragged() {
        let d = response.drag_delta();
        camera.centre[0] -= d.x as f64 * camera.m_per_px;
        camera.centre[1] += d.y as f64 * camera.m_per_px;
    }
    if !response.hovered() {
        return;
    }
    let (scroll, pinch, pointer) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta(), i.pointer.hover_pos()));
    let factor = (-(scroll as f64) * 0.002).exp() / pinch as f64;
    if (factor - 1.0).abs() < 1e-6 {
        return;
    }
    // Zoom about the pointer: the map point under it stays under it.
    let before = Projection { rect, centre: camera.centre, m_per_px: camera.m_per_px };
    let anchor = pointer.unwrap_or(rect.center());
    let fixed = before.to_map(anchor);
    camera.m_per_px = (camera.m_per_px * factor).clamp(2.0, extent_m / 100.0);
    let after = Projection { rect, centre: camera.centre, m_per_px: camera.m_per_px };
    let moved = after.to_map(anchor);
    camera.centre[0] += fixed[0] - moved[0];
    camera.centre[1] += fixed[1] - moved[1];
}

fn terrain_texture(ctx: &egui::Context, textures: &mut MapTextures, map: &Arc<MapAsset>) -> TextureHandle {
    if let Some((made_from, tex)) = &textures.terrain
        && Arc::ptr_eq(made_from, map)
    {
        return tex.clone();
    }
    let tex = ctx.load_texture("terrain", terrain::terrain_image(map), TextureOptions::LINEAR);
    textures.terrain = Some((map.clone(), tex.clone()));
    tex
}

fn hazard_texture(
    ctx: &egui::Context,
    textures: &mut MapTextures,
    map: &MapAsset,
    view: &RoleView,
    stamp: u64,
) -> TextureHandle {
    match &mut textures.hazard {
        Some((s, tex)) if *s == stamp => tex.clone(),
        Some((s, tex)) => {
            tex.set(terrain::hazard_image(&map.grid, &view.hazard), TextureOptions::NEAREST);
            *s = stamp;
            tex.clone()
        }
        None => {
            let tex =
                ctx.load_texture("hazard", terrain::hazard_image(&map.grid, &view.hazard), TextureOptions::NEAREST);
            textures.hazard = Some((stamp, tex.clone()));
            tex
        }
    }
}

fn draw_townships(painter: &egui::Painter, proj: &Projection, map: &MapAsset) {
    let stroke = Stroke::new(1.6, Color32::from_rgb(120, 60, 150));
    for t in &map.features.townships {
        for ring in &t.rings {
            let mut pts: Vec<Pos2> = ring.iter().map(|p| proj.to_screen(*p)).collect();
            if let Some(first) = pts.first().copied() {
                pts.push(first);
            }
            painter.extend(Shape::dashed_line(&pts, stroke, 8.0, 5.0));
        }
        // Name at the centre of the largest ring's bounding box.
        if let Some(ring) = t.rings.iter().max_by_key(|r| r.len()) {
            let (lo, hi) = bounds(ring);
            let c = proj.to_screen([(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]);
            if painter.clip_rect().contains(c) {
                painter.text(
                    c,
                    Align2::CENTER_CENTER,
                    &t.name,
                    FontId::proportional(15.0),
                    Color32::from_rgba_unmultiplied(90, 30, 120, 170),
                );
            }
        }
    }
}

fn bounds(points: &[Xy]) -> (Xy, Xy) {
    points.iter().fold(([f64::MAX; 2], [f64::MIN; 2]), |(lo, hi), p| {
        ([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])])
    })
}

/// Rivers and lakes: a clear blue. Flood water (the hazard layer) is cyan to dark teal, so the
/// two never read as one.
pub const RIVER_BLUE: Color32 = Color32::from_rgb(45, 90, 200);

fn draw_waterways(painter: &egui::Painter, proj: &Projection, map: &MapAsset) {
    let blue = RIVER_BLUE;
    for w in &map.features.waterways {
        let width = match w.kind.as_str() {
            "river" => 2.6,
            "canal" => 1.8,
            "stream" => 1.1,
            _ => 0.8,
        };
        if width < 1.0 && proj.m_per_px > 30.0 {
            continue;
        }
        let pts: Vec<Pos2> = w.points.iter().map(|p| proj.to_screen(*p)).collect();
        painter.line(pts, Stroke::new(width, blue));
    }
    for a in &map.features.water_areas {
        let mut pts: Vec<Pos2> = a.ring.iter().map(|p| proj.to_screen(*p)).collect();
        if let Some(first) = pts.first().copied() {
            pts.push(first);
        }
        painter.line(pts, Stroke::new(1.0, blue));
    }
}

fn road_style(class: RoadClass, m_per_px: f64) -> Option<Stroke> {
    let (width, colour) = match class {
        RoadClass::Main => (3.0, Color32::from_rgb(245, 160, 60)),
        RoadClass::Minor => (1.6, Color32::from_rgb(250, 245, 225)),
        RoadClass::Track if m_per_px < 40.0 => (1.0, Color32::from_rgb(150, 110, 70)),
        RoadClass::Path if m_per_px < 15.0 => (0.8, Color32::from_rgb(110, 90, 80)),
        _ => return None,
    };
    Some(Stroke::new(width, colour))
}

fn draw_roads(painter: &egui::Painter, proj: &Projection, map: &MapAsset, closed: &[u32]) {
    let roads = &map.features.roads;
    let visible = painter.clip_rect().expand(20.0);
    // Smaller classes first, so main roads are drawn on top.
    for class in [RoadClass::Path, RoadClass::Track, RoadClass::Minor, RoadClass::Main] {
        let Some(stroke) = road_style(class, proj.m_per_px) else { continue };
        for e in roads.edges.iter().filter(|e| e.class == class) {
            let (Some(a), Some(b)) = (roads.nodes.get(e.a as usize), roads.nodes.get(e.b as usize)) else { continue };
            let (a, b) = (proj.to_screen(*a), proj.to_screen(*b));
            if visible.contains(a) || visible.contains(b) {
                painter.line_segment([a, b], stroke);
            }
        }
    }
    // A closed section: a thin dark dashed line over the road, quiet even when the valley
    // floor is full of them.
    for &i in closed {
        let Some(e) = roads.edges.get(i as usize) else { continue };
        let (Some(a), Some(b)) = (roads.nodes.get(e.a as usize), roads.nodes.get(e.b as usize)) else { continue };
        let (a, b) = (proj.to_screen(*a), proj.to_screen(*b));
        if visible.contains(a) || visible.contains(b) {
            painter.extend(Shape::dashed_line(&[a, b], CLOSED_ROAD, 4.0, 3.0));
        }
    }
}

const CLOSED_ROAD: Stroke = Stroke { width: 2.0, color: Color32::from_rgb(30, 30, 30) };

/// The closed-road symbol in the legend.
pub fn legend_closed_road(painter: &egui::Painter, r: Rect) {
    painter.line_segment([r.left_center(), r.right_center()], Stroke::new(3.0, Color32::from_rgb(245, 160, 60)));
    painter.extend(Shape::dashed_line(&[r.left_center(), r.right_center()], CLOSED_ROAD, 4.0, 3.0));
}

/// The gauge symbol in the legend.
pub fn legend_gauge(painter: &egui::Painter, r: Rect) {
    gauge_marker(painter, r.center(), Color32::from_rgb(60, 140, 230));
}

fn gauge_marker(painter: &egui::Painter, p: Pos2, colour: Color32) {
    let d = 6.0;
    let pts = vec![p + Vec2::new(0.0, -d), p + Vec2::new(d, 0.0), p + Vec2::new(0.0, d), p + Vec2::new(-d, 0.0)];
    painter.add(Shape::convex_polygon(pts, colour, Stroke::new(1.0, Color32::BLACK)));
}

/// What has been done for a village, as its marker shows it. Red means casualties, nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VillageMark {
    Quiet,
    Warned,
    Evacuating,
    Harmed,
}

impl VillageMark {
    fn of(v: &sim::view::VillageView) -> VillageMark {
        if v.casualties.unwrap_or(0) > 0 {
            VillageMark::Harmed
        } else if v.evacuation_ordered {
            VillageMark::Evacuating
        } else if v.warned {
            VillageMark::Warned
        } else {
            VillageMark::Quiet
        }
    }
    pub fn colour(self) -> Color32 {
        match self {
            VillageMark::Quiet => Color32::WHITE,
            VillageMark::Warned => Color32::from_rgb(240, 200, 30),
            VillageMark::Evacuating => Color32::from_rgb(40, 170, 80),
            VillageMark::Harmed => Color32::from_rgb(215, 25, 25),
        }
    }
}

/// A team's state as its marker shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamMark {
    Idle,
    Moving,
    Working,
    Blocked,
}

impl TeamMark {
    fn of(s: &TeamState) -> TeamMark {
        match s {
            TeamState::Idle => TeamMark::Idle,
            TeamState::Mustering { .. } | TeamState::EnRoute { .. } | TeamState::Moving { .. } => TeamMark::Moving,
            TeamState::Working { .. } | TeamState::Waiting { .. } => TeamMark::Working,
            TeamState::Blocked { .. } => TeamMark::Blocked,
        }
    }
    pub fn colour(self) -> Color32 {
        match self {
            TeamMark::Idle => Color32::from_rgb(230, 230, 230),
            TeamMark::Moving => Color32::from_rgb(60, 200, 240),
            TeamMark::Working => Color32::from_rgb(60, 220, 90),
            TeamMark::Blocked => Color32::from_rgb(160, 90, 230),
        }
    }
}

/// Places map labels so they avoid each other and the markers: each label tries a few spots
/// around its point and takes the first free one; a label with no free spot is left out.
#[derive(Default)]
struct Labeller {
    taken: Vec<Rect>,
}

impl Labeller {
    /// Reserves a marker's area so no label covers it.
    fn mark(&mut self, p: Pos2, radius: f32) {
        self.taken.push(Rect::from_center_size(p, Vec2::splat(radius * 2.0)));
    }

    /// Draws `text` beside `p` (right, left, above, below, then further out) where it overlaps
    /// nothing placed before. Returns false when no spot was free.
    fn place(&mut self, painter: &egui::Painter, p: Pos2, gap: f32, text: &str, size: f32, colour: Color32) -> bool {
        let galley = painter.layout_no_wrap(text.to_string(), FontId::proportional(size), colour);
        let sz = galley.size();
        let h = sz.y;
        let spots = [
            (Align2::LEFT_CENTER, Vec2::new(gap, 0.0)),
            (Align2::RIGHT_CENTER, Vec2::new(-gap, 0.0)),
            (Align2::CENTER_BOTTOM, Vec2::new(0.0, -gap)),
            (Align2::CENTER_TOP, Vec2::new(0.0, gap)),
            (Align2::LEFT_CENTER, Vec2::new(gap, h)),
            (Align2::LEFT_CENTER, Vec2::new(gap, -h)),
            (Align2::RIGHT_CENTER, Vec2::new(-gap, h)),
            (Align2::RIGHT_CENTER, Vec2::new(-gap, -h)),
            (Align2::LEFT_CENTER, Vec2::new(gap, 2.0 * h)),
            (Align2::LEFT_CENTER, Vec2::new(gap, -2.0 * h)),
        ];
        for (anchor, offset) in spots {
            let rect = anchor.anchor_size(p + offset, sz).expand(1.0);
            if self.taken.iter().any(|t| t.intersects(rect)) {
                continue;
            }
            self.taken.push(rect);
            label(painter, p + offset, anchor, text, size, colour);
            return true;
        }
        false
    }
}

/// Text with a dark halo, readable over any terrain.
fn label(painter: &egui::Painter, pos: Pos2, anchor: Align2, text: &str, size: f32, colour: Color32) {
    let font = FontId::proportional(size);
    for d in [Vec2::new(1.0, 1.0), Vec2::new(-1.0, -1.0), Vec2::new(1.0, -1.0), Vec2::new(-1.0, 1.0)] {
        painter.text(pos + d, anchor, text, font.clone(), Color32::from_black_alpha(200));
    }
    painter.text(pos, anchor, text, font, colour);
}

fn village_name(v: &sim::view::VillageView, lang: Lang) -> String {
    match (lang, &v.name_zh) {
        (Lang::Zh, Some(zh)) => zh.clone(),
        _ => v.name.clone(),
    }
}

/// The drill's villages: marker coloured by what has been done for them, name and people at
/// home / population.
fn draw_settlements(painter: &egui::Painter, proj: &Projection, view: &RoleView, lang: Lang, labels: &mut Labeller) {
    let clip = painter.clip_rect();
    let shown: Vec<_> = view
        .villages
        .iter()
        .map(|v| (v, proj.to_screen(v.pos)))
        .filter(|(_, p)| clip.expand(50.0).contains(*p))
        .collect();
    for (v, p) in &shown {
        painter.circle(*p, 7.0, VillageMark::of(v).colour(), Stroke::new(1.5, Color32::BLACK));
        labels.mark(*p, 7.0);
    }
    for (v, p) in &shown {
        let name = village_name(v, lang);
        let text = match v.at_home {
            Some(n) => format!("{name} {n}/{}", v.population),
            None => name,
        };
        labels.place(painter, *p, 10.0, &text, 16.0, Color32::WHITE);
    }
}

/// Settlements that are not drill villages: small, named once zoomed in, where there is room.
fn draw_other_places(
    painter: &egui::Painter,
    proj: &Projection,
    map: &MapAsset,
    view: &RoleView,
    labels: &mut Labeller,
) {
    let clip = painter.clip_rect();
    for s in &map.features.settlements {
        if view.villages.iter().any(|v| v.name == s.name) {
            continue;
        }
        let p = proj.to_screen(s.pos);
        if !clip.contains(p) {
            continue;
        }
        painter.circle_filled(p, 2.5, Color32::from_gray(60));
        let big = matches!(s.place.as_str(), "town" | "city");
        if big || proj.m_per_px < 25.0 {
            let name = s.name_zh.as_deref().unwrap_or(&s.name);
            labels.place(painter, p, 5.0, name, 13.0, Color32::from_gray(225));
        }
    }
}

fn draw_gauges(painter: &egui::Painter, proj: &Projection, view: &RoleView, labels: &mut Labeller) {
    for g in &view.gauges {
        let p = proj.to_screen(g.pos);
        // Stages: yellow, orange, then magenta (red is kept for casualties).
        let colour = match g.stage {
            None => Color32::from_rgb(60, 140, 230),
            Some(sim::scenario::Stage::Alert) => Color32::from_rgb(240, 200, 30),
            Some(sim::scenario::Stage::Warning) => Color32::from_rgb(245, 130, 20),
            Some(sim::scenario::Stage::Guaranteed) => Color32::from_rgb(220, 40, 200),
        };
        gauge_marker(painter, p, colour);
        labels.mark(p, 6.0);
        labels.place(
            painter,
            p,
            9.0,
            &format!("{} {:.2} m", g.name, g.depth_m),
            13.0,
            Color32::from_rgb(200, 225, 255),
        );
    }
}

fn draw_teams(painter: &egui::Painter, proj: &Projection, view: &RoleView, labels: &mut Labeller) {
    for t in &view.teams {
        let p = proj.to_screen(t.pos);
        let r = Rect::from_center_size(p, Vec2::splat(12.0));
        painter.rect_filled(r, 2.0, TeamMark::of(&t.state).colour());
        painter.rect_stroke(r, 2.0, Stroke::new(1.5, Color32::BLACK), egui::StrokeKind::Outside);
        labels.mark(p, 7.0);
    }
    for t in &view.teams {
        let p = proj.to_screen(t.pos);
        let text = format!("{} ({})", t.name, t.size);
        labels.place(painter, p, 9.0, &text, 14.0, Color32::from_rgb(190, 240, 255));
    }
}

/// Points picked and paths drawn for the forms, and the one being drawn (bright).
fn draw_picks(painter: &egui::Painter, proj: &Projection, drill: &Drill) {
    let done = Stroke::new(3.0, Color32::from_rgb(250, 250, 120));
    let drawing = Stroke::new(3.0, Color32::from_rgb(255, 255, 255));
    let shapes = drill.picked.values().map(|p| (p, done)).chain(drill.pick.iter().map(|p| (&p.points, drawing)));
    for (points, stroke) in shapes {
        let pts: Vec<Pos2> = points.iter().map(|p| proj.to_screen(*p)).collect();
        if pts.len() > 1 {
            painter.line(pts.clone(), stroke);
        }
        for p in pts {
            painter.circle(p, 4.0, stroke.color, Stroke::new(1.0, Color32::BLACK));
        }
    }
}

fn draw_scale_bar(painter: &egui::Painter, proj: &Projection) {
    // The largest 1-2-5 step that fits in 120 px.
    let max_m = 120.0 * proj.m_per_px;
    let step = [1.0, 2.0, 5.0]
        .iter()
        .flat_map(|m| (0..6).map(move |e| m * 10f64.powi(e)))
        .filter(|&m| m <= max_m)
        .fold(1.0, f64::max);
    let len = (step / proj.m_per_px) as f32;
    let rect = painter.clip_rect();
    let end = Pos2::new(rect.right() - 16.0, rect.bottom() - 30.0);
    let start = end - Vec2::new(len, 0.0);
    painter.line_segment([start, end], Stroke::new(3.0, Color32::WHITE));
    for x in [start, end] {
        painter.line_segment([x + Vec2::new(0.0, -5.0), x + Vec2::new(0.0, 3.0)], Stroke::new(2.0, Color32::WHITE));
    }
    let text = if step >= 1000.0 { format!("{} km", step / 1000.0) } else { format!("{step} m") };
    label(painter, start.lerp(end, 0.5) + Vec2::new(0.0, -6.0), Align2::CENTER_BOTTOM, &text, 12.0, Color32::WHITE);
    // North arrow top-left, clear of the side panel's edge where labels crowd.
    let north = Pos2::new(rect.left() + 18.0, rect.top() + 10.0);
    painter.add(Shape::convex_polygon(
        vec![north, north + Vec2::new(6.0, 16.0), north + Vec2::new(-6.0, 16.0)],
        Color32::WHITE,
        Stroke::new(1.0, Color32::BLACK),
    ));
    label(painter, north + Vec2::new(0.0, 18.0), Align2::CENTER_TOP, "N", 13.0, Color32::WHITE);
}

/// The attribution the data's licences require, on a plate in the map's bottom-left corner.
fn draw_attribution(painter: &egui::Painter, rect: Rect, text: &str) {
    let galley = painter.layout_no_wrap(text.to_string(), FontId::proportional(12.0), Color32::from_gray(20));
    let pos = Pos2::new(rect.left() + 6.0, rect.bottom() - galley.size().y - 6.0);
    let plate = Rect::from_min_size(pos, galley.size()).expand(3.0);
    painter.rect_filled(plate, 3.0, Color32::from_white_alpha(215));
    painter.galley(pos, galley, Color32::from_gray(20));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_round_trips_with_north_up() {
        let p = Projection {
            rect: Rect::from_min_size(Pos2::new(100.0, 50.0), Vec2::new(800.0, 600.0)),
            centre: [5000.0, 4000.0],
            m_per_px: 10.0,
        };
        assert_eq!(p.to_screen([5000.0, 4000.0]), Pos2::new(500.0, 350.0));
        assert!(p.to_screen([5000.0, 4100.0]).y < 350.0, "north is up");
        let back = p.to_map(p.to_screen([1234.0, 5678.0]));
        assert!((back[0] - 1234.0).abs() < 0.01 && (back[1] - 5678.0).abs() < 0.01);
    }

    #[test]
    fn first_view_frames_the_drill_and_stays_on_the_map() {
        let map = [30_000.0, 25_000.0];
        assert_eq!(initial_extent(&[], map), ([0.0, 0.0], map));
        // One village near the west edge: a 12 km frame, pushed back onto the map.
        let (lo, hi) = initial_extent(&[[1_000.0, 12_000.0]], map);
        assert_eq!(lo[0], 0.0);
        assert!((hi[0] - 12_000.0).abs() < 1e-9 && (hi[1] - lo[1] - 12_000.0).abs() < 1e-9);
        // Villages far apart: their span and a margin, never more than the map.
        let (lo, hi) = initial_extent(&[[2_000.0, 2_000.0], [28_000.0, 20_000.0]], map);
        assert_eq!((lo[0], hi[0]), (0.0, 30_000.0));
        assert!(hi[1] - lo[1] > 18_000.0 && lo[1] >= 0.0 && hi[1] <= 25_000.0);
    }

    #[test]
    fn the_map_draws_nothing_and_does_not_panic_without_a_drill() {
        use bevy::ecs::system::RunSystemOnce;
        // 返回 removes the drill a frame before the launcher shows: the map system still runs.
        let mut world = World::new();
        world.init_resource::<MapArea>();
        world.init_resource::<MapCamera>();
        world.init_resource::<MapTextures>();
        world.insert_resource(Lang::Zh);
        world.init_resource::<bevy_egui::EguiUserTextures>();
        world.resource_mut::<MapArea>().0 = Some(Rect::from_min_size(Pos2::ZERO, Vec2::splat(100.0)));
        let out: Result = world.run_system_once(draw_map).expect("the map system runs without a drill");
        assert!(out.is_ok());
    }

    #[test]
    fn roads_thin_out_when_zoomed_out() {
        assert!(road_style(RoadClass::Main, 100.0).is_some());
        assert!(road_style(RoadClass::Path, 100.0).is_none());
        assert!(road_style(RoadClass::Path, 5.0).is_some());
    }
}
