//! The timeline chart (SVG, drawn with `plotters`): the hazard's milestones, the reports, the
//! decisions, and each required action's window (due from → deadline) with the moment it was
//! done. Marks differ by shape as well as colour, so the chart reads in black and white.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sim::EventKind;
use sim::score::ActionStatus;

use super::ReviewInput;

const WIDTH: u32 = 1000;
const ROW_PX: u32 = 24;
const LABEL_PX: u32 = 260;
const LEGEND_ROW_PX: u32 = 20;

/// What a mark on the timeline stands for; its shape and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    HazardStart,
    Seen,
    LevelTriggered,
    Gauge,
    Slope,
    Hit,
    Report,
    Acknowledged,
    Decision,
}

impl Mark {
    const ALL: [Mark; 9] = [
        Mark::HazardStart,
        Mark::Seen,
        Mark::LevelTriggered,
        Mark::Gauge,
        Mark::Slope,
        Mark::Hit,
        Mark::Report,
        Mark::Acknowledged,
        Mark::Decision,
    ];
    fn label(self) -> &'static str {
        match self {
            Mark::HazardStart => "灾害开始 hazard started",
            Mark::Seen => "发现 seen",
            Mark::LevelTriggered => "达到响应条件 level triggered",
            Mark::Gauge => "水位站 gauge stage",
            Mark::Slope => "斜坡征兆/失稳 slope signs/failed",
            Mark::Hit => "村庄受灾 village hit",
            Mark::Report => "报告 report",
            Mark::Acknowledged => "叫应 acknowledged",
            Mark::Decision => "决策 decision",
        }
    }
    fn colour(self) -> RGBColor {
        match self {
            Mark::HazardStart => RGBColor(0, 0, 0),
            Mark::Seen => RGBColor(31, 119, 180),
            Mark::LevelTriggered => RGBColor(214, 39, 40),
            Mark::Gauge => RGBColor(23, 190, 207),
            Mark::Slope => RGBColor(140, 86, 75),
            Mark::Hit => RGBColor(200, 0, 0),
            Mark::Report => RGBColor(44, 160, 44),
            Mark::Acknowledged => RGBColor(120, 120, 120),
            Mark::Decision => RGBColor(148, 103, 189),
        }
    }
    fn row(self) -> usize {
        match self {
            Mark::HazardStart | Mark::Seen | Mark::LevelTriggered | Mark::Gauge | Mark::Slope | Mark::Hit => 0,
            Mark::Report | Mark::Acknowledged => 1,
            Mark::Decision => 2,
        }
    }
}

fn mark_of(kind: &EventKind) -> Option<Mark> {
    let by_post = |by: &sim::Role| !matches!(by, sim::Role::Informant(_) | sim::Role::Team(_));
    Some(match kind {
        EventKind::HazardStarted { .. } => Mark::HazardStart,
        EventKind::HazardSeen { .. } => Mark::Seen,
        EventKind::LevelTriggered { .. } => Mark::LevelTriggered,
        EventKind::GaugeStage { .. } => Mark::Gauge,
        EventKind::SlopeSigns { .. } | EventKind::SlopeFailed { .. } => Mark::Slope,
        EventKind::VillageHit { .. } => Mark::Hit,
        EventKind::ReportFiled { .. } | EventKind::ReportedUp { .. } => Mark::Report,
        EventKind::ReportAcknowledged { .. } => Mark::Acknowledged,
        EventKind::LevelActivated { by, .. }
        | EventKind::LevelLowered { by, .. }
        | EventKind::ResponseEnded { by }
        | EventKind::WarningIssued { by, .. }
        | EventKind::EvacuationOrdered { by, .. }
        | EventKind::TeamDispatched { by, .. }
            if by_post(by) =>
        {
            Mark::Decision
        }
        _ => return None,
    })
}

/// The chart as an SVG element.
pub fn svg(input: &ReviewInput) -> anyhow::Result<String> {
    let r = &input.report;
    let end = r.duration_min.max(r.at_min).max(1.0);
    let fixed = ["灾情 Hazard", "报告 Reports", "决策 Decisions"];
    let mut rows: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    rows.extend(r.actions.iter().map(|a| clip(&format!("{} ({})", a.name, a.id), 38)));
    let n = rows.len();
    let plot_h = 10 + ROW_PX * n as u32 + 50;
    let height = plot_h + LEGEND_ROW_PX * 4 + 10;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (upper, lower) = root.split_vertically(plot_h);
        let mut chart = ChartBuilder::on(&upper)
            .margin_top(10)
            .margin_right(20)
            .x_label_area_size(36)
            .y_label_area_size(LABEL_PX)
            .build_cartesian_2d(0f64..end, 0f64..n as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc("演练时间（分钟） drill time (min)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        // Row i is drawn from the top: y = n - i - 0.5 at its centre.
        let y_of = |row: usize| n as f64 - row as f64 - 0.5;
        // Row labels and separators.
        let label_style = TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (i, name) in rows.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(0.0, y_of(i)));
            upper.draw(&Text::new(name.clone(), (px - 8, py), label_style.clone())).map_err(err)?;
            let sep = n as f64 - i as f64 - 1.0;
            chart.draw_series(LineSeries::new([(0.0, sep), (end, sep)], RGBColor(210, 210, 210))).map_err(err)?;
        }
        // Required actions: the window and the moment done.
        for (i, a) in r.actions.iter().enumerate() {
            let y = y_of(fixed.len() + i);
            if let Some(from) = a.due_from_min {
                let to = (from + a.deadline_min).min(end);
                chart
                    .draw_series([Rectangle::new(
                        [(from.min(end), y - 0.28), (to, y + 0.28)],
                        RGBColor(225, 225, 225).filled(),
                    )])
                    .map_err(err)?;
                chart
                    .draw_series([Rectangle::new([(from.min(end), y - 0.28), (to, y + 0.28)], BLACK.stroke_width(1))])
                    .map_err(err)?;
            }
            let status_mark: Option<(f64, ActionStatus)> = match (a.done_at_min, a.status) {
                (Some(t), s) => Some((t.min(end), s)),
                (None, ActionStatus::Missing) => {
                    Some(((a.due_from_min.unwrap_or(0.0) + a.deadline_min).min(end), ActionStatus::Missing))
                }
                _ => None,
            };
            if let Some((t, s)) = status_mark {
                draw_status(&mut chart, (t, y), s)?;
            }
        }
        // Events.
        let mut marks: Vec<(Mark, f64)> = Vec::new();
        for e in &input.events {
            if let Some(m) = mark_of(&e.kind) {
                marks.push((m, (f64::from(e.t_s) / 60.0).min(end)));
            }
        }
        for m in Mark::ALL {
            let pts: Vec<(f64, f64)> =
                marks.iter().filter(|(k, _)| *k == m).map(|(_, t)| (*t, y_of(m.row()) + offset(m))).collect();
            let c = m.colour();
            chart.draw_series(pts.iter().map(|&p| shape(m, p, c))).map_err(err)?;
        }
        // The legend below the chart, four columns.
        let font = ("sans-serif", 12).into_font();
        let left =
            |i: usize| (LABEL_PX as i32 - 180 + (i % 4) as i32 * 230, 6 + (i / 4) as i32 * LEGEND_ROW_PX as i32 + 6);
        let mut entries: Vec<(PxElem<SVGBackend<'_>>, String)> = Mark::ALL
            .iter()
            .enumerate()
            .map(|(i, &m)| (shape_px(m, left(i), m.colour()), m.label().to_string()))
            .collect();
        for (j, s) in [
            ActionStatus::OnTime,
            ActionStatus::Late,
            ActionStatus::Missing,
            ActionStatus::Early,
            ActionStatus::OutOfOrder,
        ]
        .into_iter()
        .enumerate()
        {
            let l = super::text::status_label(s);
            entries.push((status_px(left(Mark::ALL.len() + j), s), format!("完成：{} done: {}", l.zh, l.en)));
        }
        let (x, y) = left(entries.len());
        let window = Rectangle::new([(x, y - 5), (x + 12, y + 5)], BLACK.stroke_width(1)).into_dyn();
        entries.push((window, "时限：起算→截止 window: due from → deadline".into()));
        for (i, (shape, text)) in entries.into_iter().enumerate() {
            let (x, y) = left(i);
            lower.draw(&shape).map_err(err)?;
            lower
                .draw(&Text::new(
                    text,
                    (x + 18, y),
                    TextStyle::from(font.clone()).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// Marks of one row sit at slightly different heights so they do not hide each other.
fn offset(m: Mark) -> f64 {
    match m {
        Mark::HazardStart | Mark::Report | Mark::Decision => 0.0,
        Mark::Seen | Mark::Acknowledged => 0.22,
        Mark::LevelTriggered => -0.22,
        Mark::Gauge => 0.11,
        Mark::Slope => -0.11,
        Mark::Hit => 0.0,
    }
}

fn shape<DB: DrawingBackend>(m: Mark, p: (f64, f64), c: RGBColor) -> DynElement<'static, DB, (f64, f64)> {
    match m {
        Mark::HazardStart => TriangleMarker::new(p, 7, c.filled()).into_dyn(),
        Mark::Seen => Circle::new(p, 5, c.stroke_width(2)).into_dyn(),
        Mark::LevelTriggered => Cross::new(p, 5, c.stroke_width(2)).into_dyn(),
        Mark::Gauge => Circle::new(p, 3, c.filled()).into_dyn(),
        Mark::Slope => TriangleMarker::new(p, 5, c.stroke_width(1)).into_dyn(),
        Mark::Hit => Circle::new(p, 6, c.filled()).into_dyn(),
        Mark::Report => Circle::new(p, 4, c.filled()).into_dyn(),
        Mark::Acknowledged => Circle::new(p, 3, c.stroke_width(1)).into_dyn(),
        Mark::Decision => TriangleMarker::new(p, 6, c.filled()).into_dyn(),
    }
}

type PxElem<DB> = DynElement<'static, DB, (i32, i32)>;

fn shape_px<DB: DrawingBackend>(m: Mark, p: (i32, i32), c: RGBColor) -> PxElem<DB> {
    let p = (p.0 + 6, p.1);
    match m {
        Mark::HazardStart => TriangleMarker::new(p, 6, c.filled()).into_dyn(),
        Mark::Seen => Circle::new(p, 5, c.stroke_width(2)).into_dyn(),
        Mark::LevelTriggered => Cross::new(p, 5, c.stroke_width(2)).into_dyn(),
        Mark::Gauge => Circle::new(p, 3, c.filled()).into_dyn(),
        Mark::Slope => TriangleMarker::new(p, 5, c.stroke_width(1)).into_dyn(),
        Mark::Hit => Circle::new(p, 6, c.filled()).into_dyn(),
        Mark::Report => Circle::new(p, 4, c.filled()).into_dyn(),
        Mark::Acknowledged => Circle::new(p, 3, c.stroke_width(1)).into_dyn(),
        Mark::Decision => TriangleMarker::new(p, 6, c.filled()).into_dyn(),
    }
}

fn status_colour(s: ActionStatus) -> RGBColor {
    match s {
        ActionStatus::OnTime => RGBColor(0, 128, 0),
        ActionStatus::Late => RGBColor(230, 120, 0),
        ActionStatus::Missing => RGBColor(200, 0, 0),
        ActionStatus::Early => RGBColor(31, 119, 180),
        ActionStatus::OutOfOrder => RGBColor(148, 103, 189),
        ActionStatus::NotDue => RGBColor(128, 128, 128),
    }
}

fn status_px<DB: DrawingBackend>(p: (i32, i32), s: ActionStatus) -> PxElem<DB> {
    let p = (p.0 + 6, p.1);
    let c = status_colour(s);
    match s {
        ActionStatus::OnTime => Circle::new(p, 6, c.filled()).into_dyn(),
        ActionStatus::Late => Circle::new(p, 6, c.stroke_width(3)).into_dyn(),
        ActionStatus::Missing => Cross::new(p, 6, c.stroke_width(3)).into_dyn(),
        ActionStatus::Early => TriangleMarker::new(p, 6, c.stroke_width(2)).into_dyn(),
        _ => Rectangle::new([(p.0 - 5, p.1 - 5), (p.0 + 5, p.1 + 5)], c.stroke_width(2)).into_dyn(),
    }
}

fn draw_status<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    p: (f64, f64),
    s: ActionStatus,
) -> anyhow::Result<()> {
    let c = status_colour(s);
    let r = match s {
        ActionStatus::OnTime => chart.draw_series([Circle::new(p, 6, c.filled())]).map(|_| ()),
        ActionStatus::Late => chart.draw_series([Circle::new(p, 6, c.stroke_width(3))]).map(|_| ()),
        ActionStatus::Missing => chart.draw_series([Cross::new(p, 6, c.stroke_width(3))]).map(|_| ()),
        ActionStatus::Early => chart.draw_series([TriangleMarker::new(p, 6, c.stroke_width(2))]).map(|_| ()),
        _ => {
            chart.draw_series([EmptyElement::at(p) + Rectangle::new([(-5, -5), (5, 5)], c.stroke_width(2))]).map(|_| ())
        }
    };
    r.map_err(|e| anyhow::anyhow!("timeline: {e}"))
}

/// `s` cut to `max` columns, a CJK character counting two (row labels must fit their margin).
fn clip(s: &str, max: usize) -> String {
    let width = |c: char| if c.is_ascii() { 1 } else { 2 };
    if s.chars().map(width).sum::<usize>() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + width(c) > max - 1 {
            break;
        }
        used += width(c);
        out.push(c);
    }
    out.push('…');
    out
}

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("timeline chart: {e}")
}
