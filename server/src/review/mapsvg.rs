//! A map picture (SVG, drawn with `plotters`): township boundaries, rivers and roads, the hazard
//! (water, fire, burned ground, debris, barriers), the villages (by what had been done for them)
//! and the teams, at one moment. Shapes and greys tell the kinds apart in black and white too.

use plotters::prelude::*;
use sim::view::HazardCellKind;

use super::{MapPicture, VillageMark};

const WIDTH: u32 = 460;

pub fn hazard_colour(k: HazardCellKind) -> RGBColor {
    match k {
        HazardCellKind::Water => RGBColor(70, 130, 220),
        HazardCellKind::Burning => RGBColor(230, 60, 20),
        HazardCellKind::Burned => RGBColor(90, 90, 90),
        HazardCellKind::Debris => RGBColor(150, 100, 50),
        HazardCellKind::Barrier => RGBColor(0, 0, 0),
    }
}

/// The picture as an SVG element.
pub fn svg(p: &MapPicture) -> anyhow::Result<String> {
    let (w, h) = (p.width_m.max(1.0), p.height_m.max(1.0));
    let height = ((f64::from(WIDTH) * h / w).round() as u32).clamp(160, 620);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root).margin(4).build_cartesian_2d(0f64..w, 0f64..h).map_err(err)?;
        let area = chart.plotting_area();
        area.draw(&Rectangle::new([(0.0, 0.0), (w, h)], BLACK.stroke_width(1))).map_err(err)?;
        for ring in &p.township_rings {
            let mut pts: Vec<(f64, f64)> = ring.iter().map(|q| (q[0], q[1])).collect();
            if let Some(first) = pts.first().copied() {
                pts.push(first);
            }
            area.draw(&PathElement::new(pts, RGBColor(120, 120, 120).stroke_width(2))).map_err(err)?;
        }
        // Points closer than a pixel are dropped: a picture of a township needs no more.
        let px = w / f64::from(WIDTH);
        for line in &p.waterways {
            if let Some(pts) = thin(line, px) {
                area.draw(&PathElement::new(pts, RGBColor(150, 190, 240).stroke_width(2))).map_err(err)?;
            }
        }
        for (main, line) in &p.roads {
            let style =
                if *main { RGBColor(120, 120, 120).stroke_width(2) } else { RGBColor(175, 175, 175).stroke_width(1) };
            if let Some(pts) = thin(line, px) {
                area.draw(&PathElement::new(pts, style)).map_err(err)?;
            }
        }
        chart
            .draw_series(p.hazard.iter().map(|(at, side, k)| {
                Rectangle::new([(at[0], at[1]), (at[0] + side, at[1] + side)], hazard_colour(*k).mix(0.75).filled())
            }))
            .map_err(err)?;
        let font = ("sans-serif", 12).into_font();
        for v in &p.villages {
            let at = (v.pos[0], v.pos[1]);
            let (c, filled) = match v.mark {
                VillageMark::Quiet => (RGBColor(255, 255, 255), true),
                VillageMark::Warned => (RGBColor(240, 200, 0), true),
                VillageMark::Evacuating => (RGBColor(0, 150, 0), true),
                VillageMark::Hit => (RGBColor(200, 0, 0), true),
            };
            let style = if filled { c.filled() } else { c.stroke_width(2) };
            chart
                .draw_series([EmptyElement::at(at)
                    + Circle::new((0, 0), 6, style)
                    + Circle::new((0, 0), 6, BLACK.stroke_width(1))
                    + Text::new(v.name.clone(), (8, -6), font.clone())])
                .map_err(err)?;
            if v.mark == VillageMark::Hit {
                chart.draw_series([Cross::new(at, 4, BLACK.stroke_width(2))]).map_err(err)?;
            }
        }
        for (name, pos) in &p.teams {
            chart
                .draw_series([EmptyElement::at((pos[0], pos[1]))
                    + TriangleMarker::new((0, 0), 6, RGBColor(110, 40, 160).filled())
                    + Text::new(name.clone(), (8, 2), ("sans-serif", 10).into_font().color(&RGBColor(80, 30, 120)))])
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// `line` without the points closer than `px` to the last one kept (its end is always kept);
/// `None` when what is left is shorter than `px`.
fn thin(line: &[sim::map::Xy], px: f64) -> Option<Vec<(f64, f64)>> {
    if line.len() < 2 {
        return None;
    }
    let (first, last) = (line[0], line[line.len() - 1]);
    let mut pts = vec![(first[0], first[1])];
    for q in &line[1..line.len() - 1] {
        let l = pts[pts.len() - 1];
        if (l.0 - q[0]).hypot(l.1 - q[1]) >= px {
            pts.push((q[0], q[1]));
        }
    }
    pts.push((last[0], last[1]));
    let span = (first[0] - last[0]).hypot(first[1] - last[1]);
    (pts.len() > 2 || span >= px).then_some(pts)
}

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("map picture: {e}")
}
