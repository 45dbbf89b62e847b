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

/// What became of a feature the map does not keep whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Left out whole.
    Dropped,
    /// Cut at the map's edge: the part on the map kept.
    Clipped,
}

#[derive(Default, Debug)]
pub struct Ledger {
    pub items: Vec<LeftOut>,
}

impl Ledger {
    /// A feature dropped whole, or cut at the map's edge (the part on the map kept).
    pub fn note(
        &mut self,
        fate: Fate,
        layer: &Layer,
        f: &Feature,
        index: usize,
        name: Option<String>,
        reason: impl Into<String>,
    ) {
        self.push(layer, f, index, name, reason.into(), fate == Fate::Clipped);
    }

    fn push(&mut self, layer: &Layer, f: &Feature, index: usize, name: Option<String>, reason: String, clipped: bool) {
        let file =
            layer.path.file_name().map_or_else(|| layer.path.display().to_string(), |n| n.to_string_lossy().into());
        self.items.push(LeftOut { layer: file, feature: feature_label(f, index), name, reason, clipped });
    }

    pub fn count(&self, layer: &str, clipped: bool) -> usize {
        self.items.iter().filter(|i| i.layer == layer && i.clipped == clipped).count()
    }

    /// The items grouped by `key` in first-seen order.
    fn grouped<'a, K: PartialEq>(items: &[&'a LeftOut], key: impl Fn(&'a LeftOut) -> K) -> Vec<(K, Vec<&'a LeftOut>)> {
        let mut out: Vec<(K, Vec<&'a LeftOut>)> = Vec::new();
        for &it in items {
            let k = key(it);
            match out.iter_mut().find(|(g, _)| *g == k) {
                Some((_, v)) => v.push(it),
                None => out.push((k, vec![it])),
            }
        }
        out
    }

    /// Lines for the console: a heading per layer (left out, cut), then its features, at most
    /// [`CONSOLE_PER_GROUP`] per reason, and how many more ATTRIBUTION.md lists.
    pub fn console_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let all: Vec<&LeftOut> = self.items.iter().collect();
        for ((layer, clipped), items) in Self::grouped(&all, |it| (it.layer.as_str(), it.clipped)) {
            let what = if clipped { "裁剪 / cut at the map's edge" } else { "舍弃 / left out" };
            lines.push(format!("  ! {layer}: {} {what}", items.len()));
            for (reason, same) in Self::grouped(&items, |it| group_reason(&it.reason)) {
                for it in same.iter().take(CONSOLE_PER_GROUP) {
                    lines.push(format!("      {}", it.line()));
                }
                if same.len() > CONSOLE_PER_GROUP {
                    lines.push(format!(
                        "      … {} more {reason} (every one in ATTRIBUTION.md)",
                        same.len() - CONSOLE_PER_GROUP
                    ));
                }
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

/// Reasons that carry a position or a distance group by their words before the first ` (`.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn item(layer: &str, n: usize, reason: &str, clipped: bool) -> LeftOut {
        LeftOut { layer: layer.into(), feature: format!("feature {n}"), name: None, reason: reason.into(), clipped }
    }

    #[test]
    fn the_console_shows_each_reason_up_to_its_cap_and_the_file_every_feature() {
        let mut ledger = Ledger::default();
        for n in 0..15 {
            ledger.items.push(item("pois.geojson", n, &format!("outside the map's box (at {n}.0, 42.0)"), false));
        }
        ledger.items.push(item("pois.geojson", 15, "no kind (none of amenity is set)", false));
        ledger.items.push(item("roads.geojson", 3, "runs past the map's edge", true));
        let lines = ledger.console_lines();
        assert_eq!(lines[0], "  ! pois.geojson: 16 舍弃 / left out");
        assert_eq!(lines.iter().filter(|l| l.contains("outside the map's box (at")).count(), CONSOLE_PER_GROUP);
        assert!(lines.contains(&"      … 3 more outside the map's box (every one in ATTRIBUTION.md)".to_string()));
        // The lone reason after the long group is still shown.
        assert!(lines.iter().any(|l| l.contains("feature 15: no kind")), "{lines:#?}");
        assert!(lines.iter().any(|l| l == "  ! roads.geojson: 1 裁剪 / cut at the map's edge"));
        let md = ledger.markdown();
        assert_eq!(md.matches("- `pois.geojson` left out").count(), 16);
        assert!(md.contains("- `roads.geojson` cut: feature 3: runs past the map's edge"));
        assert_eq!(Ledger::default().markdown(), "");
    }
}
