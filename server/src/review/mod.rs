//! The review (演练评估报告) of a drill, from its record alone: `report.html` (one printable,
//! self-contained page), `report.json` (the score's [`Report`] with its schema version, labels and
//! the record's meta) and `actions.csv` (one row per required action, for comparing townships
//! and years). The same record gives the same bytes: nothing here reads the wall clock.
//!
//! [`ReviewInput`] is everything the page shows; [`load::input_from_record`] builds it from a
//! record directory (rebuilding the world from the journal when the server died before the end),
//! [`render`] turns it into the three files and [`write_review`] does both.

pub mod actions_csv;
pub mod html;
pub mod json;
pub mod lessons;
pub mod load;
pub mod mapsvg;
pub mod moments;
pub mod style;
pub mod text;
pub mod timeline;

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sim::Event;
use sim::map::Xy;
use sim::score::{Report, Text};
use sim::view::HazardCellKind;

pub const HTML: &str = "report.html";
pub const JSON: &str = crate::drill::record::REPORT;
pub const CSV: &str = "actions.csv";

/// `meta.json` as the review reads it: the record's own [`Meta`](crate::drill::record::Meta),
/// every field defaulted, so a record from an older server or a server that died still loads.
pub type ReviewMeta = crate::drill::record::Meta;

/// Everything the review shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewInput {
    /// The record directory's name, for the replay links (`sandtable --replay <name> --at <min>`).
    pub record_name: String,
    pub report: Report,
    pub meta: ReviewMeta,
    /// The scenario's title in both languages (Chinese name; English name when it has one).
    pub title: Text,
    /// The scenario's drill calendar start (`2024-07-01 06:00`).
    pub drill_start: String,
    /// Townships of the drill, sorted.
    pub townships: Vec<String>,
    /// Village → its township.
    pub village_townships: BTreeMap<String, String>,
    /// The drill's events up to the moment reviewed.
    pub events: Vec<Event>,
    /// Map pictures at the key moments.
    pub moments: Vec<MapMoment>,
    /// True when the world was rebuilt from scenario + seed + journal (the server died).
    pub rebuilt: bool,
}

/// A key moment of the drill and the map as the controller saw it then.
#[derive(Clone, Debug, PartialEq)]
pub struct MapMoment {
    pub label: Text,
    pub t_s: u32,
    pub picture: MapPicture,
}

/// What a map picture draws, in map metres (x east, y north).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapPicture {
    pub width_m: f64,
    pub height_m: f64,
    pub township_rings: Vec<Vec<Xy>>,
    /// Roads for vehicles as polylines, main roads flagged (tracks and footpaths left out).
    pub roads: Vec<(bool, Vec<Xy>)>,
    pub waterways: Vec<Vec<Xy>>,
    /// Hazard cells merged into square blocks: (south-west corner, side in metres, kind).
    pub hazard: Vec<(Xy, f64, HazardCellKind)>,
    pub villages: Vec<MapVillage>,
    /// (team name, position).
    pub teams: Vec<(String, Xy)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MapVillage {
    pub name: String,
    pub pos: Xy,
    pub mark: VillageMark,
}

/// How a village is drawn: what had been done for it by the moment shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VillageMark {
    Quiet,
    Warned,
    Evacuating,
    Hit,
}

/// The three files of the review, as bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    pub html: String,
    pub json: Vec<u8>,
    pub csv: Vec<u8>,
}

/// Renders the review.
pub fn render(input: &ReviewInput) -> anyhow::Result<Review> {
    Ok(Review { html: html::page(input)?, json: json::document(input)?, csv: actions_csv::table(input)? })
}

impl Review {
    /// Writes `report.html`, `report.json` and `actions.csv` into `out` (created if missing).
    pub fn write(&self, out: &Path) -> anyhow::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
        let mut written = Vec::new();
        for (name, bytes) in [(HTML, self.html.as_bytes()), (JSON, &self.json[..]), (CSV, &self.csv[..])] {
            let path = out.join(name);
            std::fs::write(&path, bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// At the end of `run` and `serve`: writes the review into the record directory. A failure is
/// logged and never touches the record itself. Returns the page's path when it was written.
pub fn write_at_end(dir: &Path) -> Option<PathBuf> {
    match write_review(dir, None) {
        Ok((files, _)) => files.into_iter().next(),
        Err(e) => {
            tracing::error!("评估报告未能生成 the review could not be written in {}: {e:#}", dir.display());
            None
        }
    }
}

/// Reads the record in `dir` and writes its review into `out` (default: `dir`). Returns the
/// files written and whether the world had to be rebuilt from the journal.
pub fn write_review(dir: &Path, out: Option<&Path>) -> anyhow::Result<(Vec<PathBuf>, bool)> {
    let input = load::input_from_record(dir)?;
    let review = render(&input)?;
    Ok((review.write(out.unwrap_or(dir))?, input.rebuilt))
}
