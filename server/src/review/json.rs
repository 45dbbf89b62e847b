//! `report.json`: the score's [`Report`] (its fields at the top level, `schema` =
//! `sim::score::REPORT_SCHEMA`), plus the record's `meta`, the Chinese and English `labels` of
//! every code the report uses, and `review` (the title, townships, whether the world was rebuilt
//! from the journal). Its JSON Schema is `docs/report.schema.json`.

use std::collections::BTreeMap;

use serde::Serialize;
use sim::score::{ActionStatus, Category, DisciplineKind, Grade, Psmu, Report, Text};

use super::text::status_label;
use super::{ReviewInput, ReviewMeta};

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    report: &'a Report,
    meta: &'a ReviewMeta,
    labels: Labels,
    review: About<'a>,
}

#[derive(Serialize)]
struct Labels {
    grade: Text,
    action_status: BTreeMap<String, Text>,
    discipline: BTreeMap<String, Text>,
    category: BTreeMap<String, Text>,
    grades: BTreeMap<String, Text>,
    psmu: BTreeMap<String, Text>,
}

#[derive(Serialize)]
struct About<'a> {
    title: &'a Text,
    drill_start: &'a str,
    townships: &'a [String],
    /// The world was rebuilt from scenario + seed + journal: the server died before the end.
    rebuilt_from_journal: bool,
}

/// The enum's name as serde writes it (`"OnTime"`).
fn code<T: Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn labels(r: &Report) -> Labels {
    let statuses = [
        ActionStatus::OnTime,
        ActionStatus::Late,
        ActionStatus::Missing,
        ActionStatus::OutOfOrder,
        ActionStatus::Early,
        ActionStatus::NotDue,
    ];
    let grades = [Grade::Excellent, Grade::Good, Grade::Fair, Grade::Poor];
    let psmu = [Psmu::P, Psmu::S, Psmu::M, Psmu::U];
    Labels {
        grade: r.grade.label(),
        action_status: statuses.into_iter().map(|s| (code(s), status_label(s))).collect(),
        discipline: DisciplineKind::ALL.into_iter().map(|k| (code(k), k.label())).collect(),
        category: Category::ALL.into_iter().map(|c| (code(c), c.label())).collect(),
        grades: grades.into_iter().map(|g| (code(g), g.label())).collect(),
        psmu: psmu.into_iter().map(|p| (code(p), p.label())).collect(),
    }
}

/// The document's bytes: pretty JSON, a newline at the end.
pub fn document(input: &ReviewInput) -> anyhow::Result<Vec<u8>> {
    let doc = Document {
        report: &input.report,
        meta: &input.meta,
        labels: labels(&input.report),
        review: About {
            title: &input.title,
            drill_start: &input.drill_start,
            townships: &input.townships,
            rebuilt_from_journal: input.rebuilt,
        },
    };
    let mut bytes = serde_json::to_vec_pretty(&doc)?;
    bytes.push(b'\n');
    Ok(bytes)
}
