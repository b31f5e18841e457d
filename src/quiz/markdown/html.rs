//! HTML inside quiz files: `<details>` / `<summary>` folds that hide answers and explanations,
//! and the HTML text inside them (tables, paragraphs, links), turned into Markdown that Discord
//! can show. Discord renders no HTML, so tags are dropped and their meaning kept where Markdown
//! has it: links, bold, italics, code, line and paragraph breaks.

/// The pieces of a line that carries `<details>` / `<summary>` / `</details>` tags.
#[derive(Debug, PartialEq, Eq)]
pub enum DetailsPart<'a> {
    Open,
    Summary(&'a str),
    Close,
    Text(&'a str),
}

/// Splits a line at details/summary tags; `None` when it has none. One pass over the line:
/// each `<` is looked at once.
pub fn details_parts(line: &str) -> Option<Vec<DetailsPart<'_>>> {
    // Most lines have no tag at all: no need to lower-case them.
    if !line.contains('<') {
        return None;
    }
    let lower = line.to_ascii_lowercase(); // same byte offsets as `line`
    if !lower.contains("<details") && !lower.contains("</details") && !lower.contains("<summary") {
        return None;
    }
    let mut parts = Vec::new();
    let mut text_from = 0;
    let mut pos = 0;
    while let Some(at) = lower[pos..].find('<').map(|p| pos + p) {
        let rest = &lower[at..];
        let tag = ["<details", "</details>", "<summary"]
            .into_iter()
            .find(|t| rest.starts_with(t));
        let Some(tag) = tag else {
            pos = at + 1;
            continue;
        };
        // No `>` after this tag means none after any later one either: the rest is text.
        let Some(end) = rest.find('>').map(|e| at + e + 1) else {
            break;
        };
        push_text(&mut parts, &line[text_from..at]);
        pos = end;
        match tag {
            "<details" => parts.push(DetailsPart::Open),
            "</details>" => parts.push(DetailsPart::Close),
            _ => {
                let close = lower[pos..].find("</summary>").map(|c| pos + c);
                let summary_end = close.unwrap_or(line.len());
                parts.push(DetailsPart::Summary(line[pos..summary_end].trim()));
                pos = close.map_or(line.len(), |c| c + "</summary>".len());
            }
        }
        text_from = pos;
    }
    push_text(&mut parts, &line[text_from..]);
    Some(parts)
}

fn push_text<'a>(parts: &mut Vec<DetailsPart<'a>>, text: &'a str) {
    if !text.trim().is_empty() {
        parts.push(DetailsPart::Text(text.trim()));
    }
}

/// What a `<summary>` announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// "Answer", "Show solution", "Click to reveal answer": the body gives the answer.
    Answer,
    /// "Explanation", "Why?", "Rationale": the body is the explanation.
    Explanation,
    /// A hint or anything else: not part of the quiz.
    Other,
}

pub fn fold_kind(summary: &str) -> Fold {
    let s = summary.to_lowercase();
    if s.contains("answer") || s.contains("solution") {
        Fold::Answer
    } else if ["explanation", "rationale", "reasoning", "why"]
        .iter()
        .any(|k| s.contains(k))
    {
        Fold::Explanation
    } else {
        Fold::Other
    }
}

/// Whether a piece of text contains an HTML tag at all (after a `<`, a letter or `/`).
pub fn has_tag(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'))
}

/// HTML text as Markdown lines: block tags (`<p>`, `<tr>`, `<li>`, …) and `<br>` end a line,
/// `<a href>` becomes a link, `<b>`/`<strong>` bold, `<i>`/`<em>` italics, `<code>` code;
/// other tags are dropped, entities decoded and runs of spaces collapsed. Empty lines are
/// dropped. One pass over the text.
pub fn to_markdown(html: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut href: Option<String> = None;
    let mut link_text_from = 0;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_words(&mut line, rest);
            break;
        };
        push_words(&mut line, &rest[..lt]);
        rest = &rest[lt..];
        let opens_tag = rest
            .as_bytes()
            .get(1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/' || b == b'!');
        if !opens_tag {
            push_words(&mut line, "<");
            rest = &rest[1..];
            continue;
        }
        let Some(gt) = rest.find('>') else {
            // A `<` that opens no tag is text.
            push_words(&mut line, rest);
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "br" => end_line(&mut lines, &mut line),
            "p" | "div" | "tr" | "table" | "li" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4"
            | "h5" | "h6" | "hr" | "blockquote" | "pre" | "th" | "td" => {
                if closing && matches!(name.as_str(), "th" | "td") {
                    push_words(&mut line, " ");
                } else {
                    end_line(&mut lines, &mut line);
                }
                if name == "li" && !closing {
                    line.push_str("- ");
                }
            }
            "b" | "strong" => line.push_str("**"),
            "i" | "em" => line.push('*'),
            "code" => line.push('`'),
            "a" if !closing => {
                href = attribute(tag, "href");
                if href.is_some() {
                    line.push('[');
                    link_text_from = line.len();
                }
            }
            "a" => {
                if let Some(url) = href.take() {
                    if line.len() == link_text_from {
                        line.push_str(&url);
                    }
                    line.push_str(&format!("]({url})"));
                }
            }
            _ => {}
        }
    }
    end_line(&mut lines, &mut line);
    lines
}

fn push_words(line: &mut String, text: &str) {
    let decoded = html_escape::decode_html_entities(text);
    for (i, word) in decoded.split(char::is_whitespace).enumerate() {
        if i > 0 && !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
}

fn end_line(lines: &mut Vec<String>, line: &mut String) {
    let t = line.trim();
    // Emphasis markers left alone by tags around nothing.
    if !t.trim_matches(['*', '`', ' ', '-']).is_empty() {
        lines.push(t.to_string());
    }
    line.clear();
}

/// The value of `name="…"` (or `'…'`) in a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let quote = rest.chars().next()?;
    let value = if quote == '"' || quote == '\'' {
        let inner = &rest[1..];
        &inner[..inner.find(quote)?]
    } else {
        rest.split(|c: char| c.is_whitespace()).next()?
    };
    Some(html_escape::decode_html_entities(value).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_tags_are_split_on_one_line() {
        use DetailsPart::*;
        assert_eq!(
            details_parts("<details><summary>Answer</summary>**b)** because</details>"),
            Some(vec![Open, Summary("Answer"), Text("**b)** because"), Close])
        );
        assert_eq!(details_parts("plain"), None);
        assert_eq!(details_parts("<details"), Some(vec![Text("<details")]));
    }

    #[test]
    fn summaries_say_what_the_fold_holds() {
        assert_eq!(fold_kind("Click to reveal answer"), Fold::Answer);
        assert_eq!(fold_kind("Show solution"), Fold::Answer);
        assert_eq!(fold_kind("Explanation"), Fold::Explanation);
        assert_eq!(fold_kind("Hint"), Fold::Other);
    }

    #[test]
    fn html_becomes_markdown_lines() {
        let html = "<table><tr><th>Azure <b>Monitor</b></th></tr>\n<tr><td>Collects &amp; \
                    analyses.<br/>See <a href=\"https://example.com/x\">the docs</a>.</td></tr></table>";
        assert_eq!(
            to_markdown(html),
            [
                "Azure **Monitor**",
                "Collects & analyses.",
                "See [the docs](https://example.com/x)."
            ]
        );
        assert_eq!(to_markdown("ufw"), ["ufw"]);
        assert_eq!(
            to_markdown("<ul><li>one</li><li>two</li></ul>"),
            ["- one", "- two"]
        );
        assert_eq!(to_markdown("a < b"), ["a < b"]);
        assert_eq!(to_markdown("1 < 2 > 0"), ["1 < 2 > 0"]);
        assert!(has_tag("<br/>") && !has_tag("a < b"));
    }
}
