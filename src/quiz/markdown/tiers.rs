//! Scoring tier lines: `9-10 correct: label`, `10 correct: label`, `Below 5: label`,
//! `8+ correct: label`, `8 or more: label`, `80-100%: label`.

use super::lines::{skip_emphasis, strip_bullet};

/// A tier as written, before percentages are turned into counts of correct answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierSpec {
    pub range: TierRange,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierRange {
    /// Inclusive counts; `max: None` means "or more".
    Count { min: u32, max: Option<u32> },
    /// Inclusive percentages of the number of questions.
    Percent { min: u32, max: u32 },
}

impl TierRange {
    /// Inclusive bounds in correct answers for a quiz of `total` questions.
    pub fn bounds(self, total: u32) -> (u32, u32) {
        match self {
            TierRange::Count { min, max } => (min, max.unwrap_or(total)),
            TierRange::Percent { min, max } => {
                // A score belongs to the band when its percentage does: 80 % of 7 is 5.6, so
                // the band starts at 6 correct; 79 % of 7 is 5.53, so it ends at 5.
                let lo = (u64::from(min) * u64::from(total)).div_ceil(100) as u32;
                let hi = (u64::from(max) * u64::from(total) / 100) as u32;
                (lo, hi)
            }
        }
    }
}

/// Parses one line of a Scoring section; `None` when it isn't a tier.
pub fn tier_line(line: &str) -> Option<TierSpec> {
    let t = strip_bullet(line).unwrap_or(line.trim_start());
    let t = skip_emphasis(t);
    let (spec, label) = split_label(t)?;
    let range = parse_range(spec)?;
    let label = label.trim_start_matches(['*', '_']).trim();
    (!label.is_empty()).then(|| TierSpec {
        range,
        label: label.to_string(),
    })
}

/// Splits `9-10 correct: label` at its separator (a colon, or a spaced dash, or `=`/`→`).
fn split_label(t: &str) -> Option<(&str, &str)> {
    if let Some(at) = t.find([':', '=', '→']) {
        let sep_len = t[at..].chars().next().map_or(1, char::len_utf8);
        return Some((&t[..at], &t[at + sep_len..]));
    }
    for sep in [" - ", " – ", " — "] {
        if let Some(at) = t.find(sep) {
            return Some((&t[..at], &t[at + sep.len()..]));
        }
    }
    None
}

fn parse_range(spec: &str) -> Option<TierRange> {
    let s = spec.replace(['*', '_'], "").to_lowercase();
    // `6-7 correct (86-100%)`: the counts say it; the percentages in parentheses repeat it.
    let s = match (s.find('('), s.rfind(')')) {
        (Some(open), Some(close))
            if open < close && s[..open].contains(|c: char| c.is_ascii_digit()) =>
        {
            format!("{}{}", &s[..open], &s[close + 1..])
        }
        _ => s,
    };
    let s = s.trim();
    let percent = s.contains('%');
    let numbers = numbers_in(s);
    let words = |w: &[&str]| w.iter().any(|k| s.contains(k));

    if words(&["below", "under", "less than", "fewer than"]) {
        let n = *numbers.first()?;
        let max = n.checked_sub(1)?;
        return Some(if percent {
            TierRange::Percent { min: 0, max }
        } else {
            TierRange::Count {
                min: 0,
                max: Some(max),
            }
        });
    }
    if s.contains('+') || words(&["or more", "and above", "and up", "at least", "or above"]) {
        let n = *numbers.first()?;
        return Some(if percent {
            TierRange::Percent { min: n, max: 100 }
        } else {
            TierRange::Count { min: n, max: None }
        });
    }
    // Ranges (`9-10`, `9–10`, `9 to 10`) or a single count (`10 correct`). Words after the
    // numbers ("correct", "points", "/10") are decoration.
    let (min, max) = match numbers.as_slice() {
        [n] => (*n, *n),
        [a, b] if s.contains(['-', '–', '—']) || s.contains(" to ") => (*a, *b),
        // `9/10: label`, `9 out of 10: label`: exactly that score.
        [a, _] if s.contains('/') || s.contains(" of ") => (*a, *a),
        [a, b, ..] if s.contains(['-', '–', '—']) || s.contains(" to ") => (*a, *b),
        _ => return None,
    };
    Some(if percent {
        TierRange::Percent { min, max }
    } else {
        TierRange::Count {
            min,
            max: Some(max),
        }
    })
}

/// The decimal numbers in `s`, in order (each at most 9 digits so it fits in u32).
fn numbers_in(s: &str) -> Vec<u32> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|d| !d.is_empty())
        .map(|d| d.parse().unwrap_or(u32::MAX))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(min: u32, max: Option<u32>) -> TierRange {
        TierRange::Count { min, max }
    }

    #[test]
    fn every_listed_form() {
        let cases = [
            ("- 9-10 correct: Excellent", count(9, Some(10))),
            ("- 9–10 correct: Excellent", count(9, Some(10))),
            ("- 10 correct: Perfect", count(10, Some(10))),
            ("- Below 5: Revisit", count(0, Some(4))),
            ("- 8+ correct: Great", count(8, None)),
            ("- 8 or more: Great", count(8, None)),
            ("- **7-8 correct**: Good", count(7, Some(8))),
            ("* 3 to 4 - Fair", count(3, Some(4))),
            ("- 9/10: Nearly", count(9, Some(9))),
            ("- 9-10/10: Top", count(9, Some(10))),
            ("- 80-100%: Great", TierRange::Percent { min: 80, max: 100 }),
            ("- **6-7 correct (86-100%)**: Excellent!", count(6, Some(7))),
            ("- **0-1 correct (0-14%)**: Review", count(0, Some(1))),
            (
                "- (80%+) Great: label",
                TierRange::Percent { min: 80, max: 100 },
            ),
            (
                "- Below 50%: Keep going",
                TierRange::Percent { min: 0, max: 49 },
            ),
        ];
        for (line, range) in cases {
            assert_eq!(tier_line(line).map(|t| t.range), Some(range), "{line}");
        }
        assert_eq!(
            tier_line("- 9-10 correct: Excellent").unwrap().label,
            "Excellent"
        );
    }

    #[test]
    fn lines_that_are_not_tiers() {
        assert_eq!(tier_line("Good luck!"), None);
        assert_eq!(tier_line("- 9-10 correct:"), None);
        assert_eq!(tier_line("- Top marks: Excellent"), None);
    }

    #[test]
    fn percentages_become_counts_of_the_quiz() {
        assert_eq!(TierRange::Percent { min: 80, max: 100 }.bounds(10), (8, 10));
        assert_eq!(TierRange::Percent { min: 80, max: 100 }.bounds(7), (6, 7));
        assert_eq!(TierRange::Percent { min: 60, max: 79 }.bounds(7), (5, 5));
        assert_eq!(count(8, None).bounds(12), (8, 12));
    }
}
