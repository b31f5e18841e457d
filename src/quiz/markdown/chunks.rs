//! Large files are parsed in parts: CommonMark parsers hold a tree of the whole input, some
//! twenty times its size, and a 10 MiB file would need hundreds of megabytes at once. The
//! parts are cut where cutting changes nothing.

use std::ops::Range;

/// Splits a file into parts that CommonMark reads one by one the same as whole. A part ends
/// before an ATX heading at the start of a line that follows a blank line and does not follow
/// another heading, outside a top-level code fence and outside an HTML block that a blank line
/// does not end (`<pre>`, `<script>`, comments, …). Such a heading closes every block before
/// it, so nothing reads differently; the quiz reader never looks past a heading, and two
/// headings in a row (a prompt over two headings) stay together. Each part is at least
/// `target` bytes, the last excepted.
pub fn chunks(src: &str, target: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut fence: Option<(u8, usize)> = None;
    let mut html_end: Option<&'static str> = None;
    let mut prev_blank = true;
    let mut prev_heading = false;
    let mut at = 0;
    for line in src.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        let indent = text.len() - text.trim_start_matches(' ').len();
        let body = &text[indent..];
        let heading = indent == 0 && atx(text);
        if fence.is_none()
            && html_end.is_none()
            && heading
            && prev_blank
            && !prev_heading
            && at - start >= target
        {
            out.push(start..at);
            start = at;
        }
        // What this line opens or closes, for the lines after it.
        if let Some(end) = html_end {
            if text.to_ascii_lowercase().contains(end) {
                html_end = None;
            }
        } else if let Some((ch, len)) = fence {
            let run = body.bytes().take_while(|&b| b == ch).count();
            if indent <= 3 && run >= len && body[run..].trim().is_empty() {
                fence = None;
            }
        } else if indent <= 3 {
            let ch = body.bytes().next().unwrap_or(b' ');
            let run = body.bytes().take_while(|&b| b == ch).count();
            if (ch == b'`' || ch == b'~') && run >= 3 {
                fence = Some((ch, run));
            } else if let Some(end) = html_opening(body) {
                if !body[1..].to_ascii_lowercase().contains(end) {
                    html_end = Some(end);
                }
            }
        }
        let blank = text.trim().is_empty();
        if !blank {
            prev_heading = heading;
        }
        prev_blank = blank;
        at += line.len();
    }
    out.push(start..src.len());
    out
}

/// `#` to `######`, then a space, a tab or the end of the line.
fn atx(text: &str) -> bool {
    let hashes = text.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && matches!(text.as_bytes().get(hashes), None | Some(b' ' | b'\t'))
}

/// The end marker of an HTML block that runs over blank lines (CommonMark's kinds 1 to 5).
fn html_opening(body: &str) -> Option<&'static str> {
    let lower = body.get(..12).unwrap_or(body).to_ascii_lowercase();
    for (open, end) in [
        ("<script", "</script>"),
        ("<pre", "</pre>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
        ("<!--", "-->"),
        ("<?", "?>"),
        ("<![cdata[", "]]>"),
        ("<!", ">"),
    ] {
        if lower.starts_with(open) {
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_only_before_a_heading_that_closes_everything() {
        let src = "# A\n\ntext\n\n```\n\n# in code\n```\n\n<!--\n\n# in comment\n-->\n\n## B\n\n### C\n\ntext\n\n## D\n";
        let parts: Vec<&str> = chunks(src, 1).into_iter().map(|r| &src[r]).collect();
        assert_eq!(
            parts,
            [
                "# A\n\ntext\n\n```\n\n# in code\n```\n\n<!--\n\n# in comment\n-->\n\n",
                "## B\n\n### C\n\ntext\n\n",
                "## D\n"
            ],
            "not inside code or a comment, not right after a heading"
        );
        assert_eq!(chunks(src, 1 << 20).len(), 1);
    }
}
