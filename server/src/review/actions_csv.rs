//! `actions.csv`: one row per required action (scenario, township, seed, id, name, who, status,
//! due_from_min, deadline_min, done_at_min, done_by, credit), with a header, so a county can
//! compare townships and years. Quoting by the `csv` crate; numbers with fixed decimals.

use super::ReviewInput;

pub const HEADER: [&str; 12] = [
    "scenario",
    "township",
    "seed",
    "id",
    "name",
    "who",
    "status",
    "due_from_min",
    "deadline_min",
    "done_at_min",
    "done_by",
    "credit",
];

/// The township an action belongs to: named in its role (`command:Encamp`), the township of the
/// informant's village, or the drill's only township.
pub fn township_of(input: &ReviewInput, who: &str) -> String {
    match who.split_once(':') {
        Some(("command", t)) => t.to_string(),
        Some(("informant", v)) => input.village_townships.get(v).cloned().unwrap_or_default(),
        _ if who == "county" => String::new(),
        _ if input.townships.len() == 1 => input.townships[0].clone(),
        _ => String::new(),
    }
}

pub fn table(input: &ReviewInput) -> anyhow::Result<Vec<u8>> {
    let r = &input.report;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)?;
    let opt = |m: Option<f64>| m.map(|m| format!("{m:.1}")).unwrap_or_default();
    for a in &r.actions {
        let status = serde_json::to_value(a.status)?.as_str().unwrap_or_default().to_string();
        w.write_record([
            r.scenario.clone(),
            Some(township_of(input, &a.who))
                .filter(|t| !t.is_empty())
                .or_else(|| a.done_by.as_deref().map(|by| township_of(input, by)))
                .unwrap_or_default(),
            r.seed.to_string(),
            a.id.clone(),
            a.name.clone(),
            a.who.clone(),
            status,
            opt(a.due_from_min),
            format!("{:.1}", a.deadline_min),
            opt(a.done_at_min),
            a.done_by.clone().unwrap_or_default(),
            format!("{:.3}", a.credit),
        ])?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("actions.csv: {e}"))
}
