//! Small text helpers of the review: HTML escaping (names and notes are user input), bilingual
//! cells, minutes, role names, and the labels of the score's enums.

use sim::score::{ActionStatus, Evidence, Text};

/// Escapes `s` for HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A bilingual label as HTML: Chinese, then English beside it in a quieter style.
pub fn bi(t: &Text) -> String {
    bi2(&t.zh, &t.en)
}

pub fn bi2(zh: &str, en: &str) -> String {
    if en.is_empty() || en == zh {
        esc(zh)
    } else if zh.is_empty() {
        format!("<span class=\"en\">{}</span>", esc(en))
    } else {
        format!("{} <span class=\"en\">{}</span>", esc(zh), esc(en))
    }
}

/// "无 / none", the empty state of every list.
pub const NONE: &str = "<p class=\"none\">无 <span class=\"en\">none</span></p>";

/// Minutes with one decimal, or a dash.
pub fn mins(m: Option<f64>) -> String {
    match m {
        Some(m) if m.is_finite() => format!("{m:.1}"),
        _ => "—".into(),
    }
}

/// `t_s` as drill minutes, one decimal.
pub fn min_of(t_s: u32) -> f64 {
    f64::from(t_s) / 60.0
}

pub fn status_label(s: ActionStatus) -> Text {
    let (zh, en) = match s {
        ActionStatus::OnTime => ("按时", "on time"),
        ActionStatus::Late => ("迟", "late"),
        ActionStatus::Missing => ("缺", "missing"),
        ActionStatus::OutOfOrder => ("顺序错", "out of order"),
        ActionStatus::Early => ("提前", "early"),
        ActionStatus::NotDue => ("未触发", "not due"),
    };
    Text::new(zh, en)
}

/// A CSS class per status, so a printed page also tells them apart by weight and border.
pub fn status_class(s: ActionStatus) -> &'static str {
    match s {
        ActionStatus::OnTime => "ok",
        ActionStatus::Late => "late",
        ActionStatus::Missing => "bad",
        ActionStatus::OutOfOrder => "late",
        ActionStatus::Early => "early",
        ActionStatus::NotDue => "nd",
    }
}

/// A role as the township reads it: `command:Encamp` → 乡镇指挥部 command post (Encamp).
pub fn role_label(role: &str) -> Text {
    let (kind, rest) = role.split_once(':').map(|(k, r)| (k, Some(r))).unwrap_or((role, None));
    let (zh, en) = match kind {
        "controller" => ("导调", "controller"),
        "command" => ("乡镇指挥部", "command post"),
        "county" => ("县指挥部", "county command"),
        "informant" => ("信息员", "informant"),
        "team" => ("救援队", "team"),
        "observer" => ("观摩", "observer"),
        "projector" => ("大屏", "projector"),
        _ => (role, role),
    };
    match rest {
        Some(r) => Text::new(format!("{zh}（{r}）"), format!("{en} ({r})")),
        None => Text::new(zh, en),
    }
}

/// The evidence of a verdict as a compact HTML list: minute, event and journal numbers, note.
pub fn evidence(ev: &[Evidence]) -> String {
    if ev.is_empty() {
        return "—".into();
    }
    let items: Vec<String> = ev
        .iter()
        .map(|e| {
            let mut refs = vec![format!("{:.1} min", min_of(e.t_s))];
            if let Some(i) = e.event {
                refs.push(format!("事件 event #{i}"));
            }
            if let Some(j) = e.journal {
                refs.push(format!("指令 journal #{j}"));
            }
            let note =
                if e.note.zh.is_empty() && e.note.en.is_empty() { String::new() } else { format!(" {}", bi(&e.note)) };
            format!("<li>[{}]{note}</li>", refs.join(", "))
        })
        .collect();
    format!("<ul class=\"ev\">{}</ul>", items.join(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(esc("<script>\"x\" & 'y'</script>"), "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");
        assert_eq!(bi(&Text::new("<b>", "en")), "&lt;b&gt; <span class=\"en\">en</span>");
        assert_eq!(role_label("informant:Canillo").zh, "信息员（Canillo）");
        assert_eq!(mins(None), "—");
        assert_eq!(mins(Some(f64::NAN)), "—");
    }
}
