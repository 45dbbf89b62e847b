//! What the import left out or cut, feature by feature with the reason, so a trainer knows why a
//! village is missing before a scenario names it. The console shows each group (layer and
//! reason) up to [`CONSOLE_PER_GROUP`] features; ATTRIBUTION.md lists every one.

use geojson::Feature;

use super::grid::Frame;
use super::layers::{Layer, feature_label};
use sim::map::Xy;

/// Features shown per (layer, reason) on the console; the rest are counted there and listed in
/// ATTRIBUTION.md.
pub const CONSOLE_PER_GROUP: usize = 12;

#[derive(Clone, Debug, PartialEq)]
pub struct LeftOut {
    /// The layer's file name.
    pub layer: String,
    /// "feature 12 (id 345)".
    pub feature: String,
    pub name: Option<String>,
    /// Why, in words a user acts on.
    pub reason: String,
    /// `true`: the part on the map was kept, the rest cut off; `false`: dropped whole.
    pub clipped: bool,
}

/// (layer, clipped, reason without its particulars).
type GroupKey<'a> = (&'a str, bool, &'a str);

#[derive(Default, Debug)]
pub struct Ledger {
    pub items: Vec<LeftOut>,
}

impl Ledger {
    /// A feature dropped whole.
    pub fn dropped(
        &mut self,
        layer: &Layer,
        f: &Feature,
        index: usize,
        name: Option<String>,
        reason: impl Into<String>,
    ) {
        self.push(layer, f, index, name, reason.into(), false);
    }

    /// A feature cut at the map's edge (the part on the map kept).
    pub fn clipped(
        &mut self,
        layer: &Layer,
        f: &Feature,
        index: usize,
        name: Option<String>,
        reason: impl Into<String>,
    ) {
        self.push(layer, f, index, name, reason.into(), true);
    }

    fn push(&mut self, layer: &Layer, f: &Feature, index: usize, name: Option<String>, reason: String, clipped: bool) {
        let file =
            layer.path.file_name().map_or_else(|| layer.path.display().to_string(), |n| n.to_string_lossy().into());
        self.items.push(LeftOut { layer: file, feature: feature_label(f, index), name, reason, clipped });
    }

    pub fn count(&self, layer: &str, clipped: bool) -> usize {
        self.items.iter().filter(|i| i.layer == layer && i.clipped == clipped).count()
    }

    /// The groups in first-seen order: (layer, clipped, reason) → items.
    fn groups(&self) -> Vec<(GroupKey<'_>, Vec<&LeftOut>)> {
        let mut out: Vec<(GroupKey<'_>, Vec<&LeftOut>)> = Vec::new();
        for it in &self.items {
            let key = (it.layer.as_str(), it.clipped, group_reason(&it.reason));
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(it),
                None => out.push((key, vec![it])),
            }
        }
        out
    }

    /// Lines for the console: a heading per group, its features (at most
    /// [`CONSOLE_PER_GROUP`]), and how many more ATTRIBUTION.md lists.
    pub fn console_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for ((layer, clipped, _), items) in self.groups() {
            let what = if clipped { "裁剪 / cut at the map's edge" } else { "舍弃 / left out" };
            lines.push(format!("  ! {layer}: {} {what}", items.len()));
            for it in items.iter().take(CONSOLE_PER_GROUP) {
                lines.push(format!("      {}", it.line()));
            }
            if items.len() > CONSOLE_PER_GROUP {
                lines.push(format!("      … {} more (every one in ATTRIBUTION.md)", items.len() - CONSOLE_PER_GROUP));
            }
        }
        lines
    }

    /// The ATTRIBUTION.md section: every feature, by layer.
    pub fn markdown(&self) -> String {
        if self.items.is_empty() {
            return String::new();
        }
        let mut md = String::from("\n## Features left out or cut (舍弃或裁剪的要素)\n\n");
        for it in &self.items {
            let what = if it.clipped { "cut" } else { "left out" };
            md.push_str(&format!("- `{}` {what}: {}\n", it.layer, it.line()));
        }
        md
    }
}

impl LeftOut {
    fn line(&self) -> String {
        match &self.name {
            Some(n) => format!("{} \"{n}\": {}", self.feature, self.reason),
            None => format!("{}: {}", self.feature, self.reason),
        }
    }
}

/// Reasons that carry a position or a distance group by their words before the first `(`.
fn group_reason(reason: &str) -> &str {
    reason.split(" (").next().unwrap_or(reason)
}

/// "outside the map (lon, lat; 3.2 km beyond its edge)".
pub fn outside(frame: &Frame, lonlat: [f64; 2], pos: Xy) -> String {
    let dx = (-pos[0]).max(pos[0] - frame.width_m()).max(0.0);
    let dy = (-pos[1]).max(pos[1] - frame.height_m()).max(0.0);
    format!(
        "outside the map's box (at {:.5}, {:.5}; {:.1} km beyond its edge)",
        lonlat[0],
        lonlat[1],
        dx.hypot(dy) / 1000.0
    )
}
