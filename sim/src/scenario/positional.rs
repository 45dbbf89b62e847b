//! Positional forms: `RainOver(12, 50)` for `RainOver(hours: 12, mm: 50)`. ron reads a variant
//! with named fields only in the named form, so the names are written in (in memory) before ron
//! reads the text; [`super::edits::Rewrite`] keeps every position the author's.

use super::edits::Edits;
use super::schema::POSITIONAL_FORMS;
use super::source_map::{Pos, Tok, tokenize};

/// A positional form with more values than the variant has fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooMany {
    pub pos: Pos,
    pub message: String,
}

/// The edits that spell out every positional form of [`POSITIONAL_FORMS`] in `text`.
pub fn spell_out(text: &str) -> (Edits, Vec<TooMany>) {
    let (tokens, ..) = tokenize(text);
    let mut edits = Edits::default();
    let mut too_many = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let Some((name, fields)) =
            (t.tok == Tok::Ident).then(|| POSITIONAL_FORMS.iter().find(|(n, _)| *n == t.text)).flatten()
        else {
            continue;
        };
        if tokens.get(i + 1).map(|n| n.tok) != Some(Tok::Open('(')) {
            continue;
        }
        // The first token of each value at the bracket's own depth.
        let mut starts = Vec::new();
        let mut depth = 0usize;
        let mut expect_value = true;
        for (k, u) in tokens.iter().enumerate().skip(i + 2) {
            match u.tok {
                Tok::Close(_) if depth == 0 => break,
                Tok::Comma if depth == 0 => {
                    expect_value = true;
                    continue;
                }
                _ => {}
            }
            if depth == 0 && expect_value {
                // `hours: 12`: the named form, left to ron.
                let named =
                    matches!(u.tok, Tok::Ident | Tok::Str) && tokens.get(k + 1).is_some_and(|n| n.tok == Tok::Colon);
                if named {
                    starts.clear();
                    break;
                }
                starts.push(k);
                expect_value = false;
            }
            match u.tok {
                Tok::Open(_) => depth += 1,
                Tok::Close(_) => depth -= 1,
                _ => {}
            }
        }
        if starts.len() > fields.len() {
            let form = fields.join(", ");
            let named: Vec<String> = fields.iter().map(|f| format!("{f}: …")).collect();
            too_many.push(TooMany {
                pos: tokens[starts[fields.len()]].pos,
                message: format!(
                    "{name} takes {} value(s) in this order: {name}({form}), or named: {name}({}); found {}",
                    fields.len(),
                    named.join(", "),
                    starts.len()
                ),
            });
            continue;
        }
        for (k, field) in starts.iter().zip(fields.iter()) {
            let at = tokens[*k].byte;
            edits.push(at..at, format!("{field}: "));
        }
    }
    (edits, too_many)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spelled(text: &str) -> String {
        let (edits, too_many) = spell_out(text);
        assert!(too_many.is_empty(), "{too_many:?}");
        edits.apply(text)
    }

    #[test]
    fn positional_values_get_their_names() {
        assert_eq!(spelled("RainOver(12, 50)"), "RainOver(hours: 12, mm: 50)");
        assert_eq!(
            spelled("Any([RainOver(6,50), GaugeAbove(\"桥头站\", Warning)])"),
            "Any([RainOver(hours: 6,mm: 50), GaugeAbove(gauge: \"桥头站\", stage: Warning)])"
        );
        assert_eq!(spelled("Near(\"A\", -100.5, 2e2,)"), "Near(village: \"A\", east_m: -100.5, north_m: 2e2,)");
        assert_eq!(spelled("Discipline([Late, (x)], 5)"), "Discipline(kinds: [Late, (x)], points: 5)");
    }

    #[test]
    fn named_forms_strings_and_comments_are_left_alone() {
        for t in [
            "RainOver(hours: 12, mm: 50)",
            "RainOver( /* c */ mm: 50, hours: 12)",
            "message: \"RainOver(12, 50)\" // RainOver(1, 2)",
            "RainIntensityDuration()",
            "RainOver",
        ] {
            assert_eq!(spelled(t), t);
        }
    }

    #[test]
    fn too_many_values_name_the_form() {
        let (_, too_many) = spell_out("(\n  x: RainOver(12, 50, 3),\n)");
        assert_eq!(too_many.len(), 1);
        assert_eq!(too_many[0].pos, (2, 23));
        assert_eq!(
            too_many[0].message,
            "RainOver takes 2 value(s) in this order: RainOver(hours, mm), or named: RainOver(hours: …, mm: …); found 3"
        );
    }
}
