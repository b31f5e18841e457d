//! The structure of the crate's imports, read from the source: every `crate::…`, `super::…`
//! and `self::…` path in `src/` (outside `#[cfg(test)]` modules and comments) is an arrow
//! from its file to the module it names. Two rules, both documented in README.md
//! ("How the code is laid out"):
//!
//! - a top-level module only uses modules on a lower layer (below: [`LAYERS`]);
//! - no circle between files: a module that declares its children is not an arrow, but a
//!   child that uses its parent, or a sibling, is.
//!
//! `cargo test --test layering` shows any forbidden arrow with the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top. A module may use those on lower layers only; none on its own layer.
const LAYERS: &[&[&str]] = &[
    &["quiz"],
    &["game", "clock"],
    &["render", "store", "config"],
    &["library"],
    &["runtime"],
    &["discord"],
    &["simbot"],
    &["cli", "rehearse"],
    &["main"],
];

type Module = Vec<String>;

struct Arrow {
    /// The file, as `src/…`.
    file: String,
    from: Module,
    to: Module,
    line: usize,
}

fn layer(top: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&top))
        .unwrap_or_else(|| panic!("src/{top}: add it to LAYERS in tests/layering.rs"))
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are the module `a::b`; `src/lib.rs` is the root.
fn module_of(rel: &Path) -> Module {
    let mut parts: Module = rel
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn sources(dir: &Path, root: &Path, out: &mut BTreeMap<Module, (String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap();
            let file = format!("src/{}", rel.display());
            out.insert(
                module_of(rel),
                (file, std::fs::read_to_string(&path).unwrap()),
            );
        }
    }
}

/// The code of a file without its comments and its `#[cfg(test)]` modules (tests may reach
/// anywhere), line by line.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut skip_depth: Option<i32> = None;
    let mut depth = 0i32;
    let mut test_next = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or("");
        if line.trim_start().starts_with("#[cfg(test)]") {
            test_next = true;
            continue;
        }
        let opens = line.matches('{').count() as i32;
        let closes = line.matches('}').count() as i32;
        if test_next && skip_depth.is_none() {
            skip_depth = Some(depth);
        }
        test_next = false;
        depth += opens - closes;
        if let Some(d) = skip_depth {
            if depth <= d && (opens > 0 || closes > 0) {
                skip_depth = None;
            }
            continue;
        }
        out.push((i + 1, line.to_string()));
    }
    out
}

/// Every path a file names, resolved to the longest module that exists.
fn arrows(files: &BTreeMap<Module, (String, String)>) -> Vec<Arrow> {
    let mut out = Vec::new();
    for (module, (file, text)) in files {
        for (line, code) in code_lines(text) {
            let bytes = code.as_bytes();
            for (at, _) in code.match_indices("::") {
                // The word before `::` and the path after it.
                let start = code[..at]
                    .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .map_or(0, |p| p + 1);
                if start > 0 && bytes[start - 1] == b':' {
                    continue; // inside a longer path, seen from its start
                }
                let base: Module = match &code[start..at] {
                    "crate" | "quizbot" => Vec::new(),
                    // Every file is a module: `self` is the file's, `super` its parent.
                    "self" => module.clone(),
                    "super" => module[..module.len().saturating_sub(1)].to_vec(),
                    _ => continue,
                };
                let mut path = base;
                for part in code[at + 2..].split("::") {
                    let word: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if word.is_empty() || word == "super" {
                        break;
                    }
                    path.push(word);
                }
                while !path.is_empty() && !files.contains_key(&path) {
                    path.pop();
                }
                if path.is_empty() || path.starts_with(module) {
                    continue; // the root's re-exports, or the module's own children
                }
                out.push(Arrow {
                    file: file.clone(),
                    from: module.clone(),
                    to: path,
                    line,
                });
            }
        }
    }
    out
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

fn crate_files() -> BTreeMap<Module, (String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    sources(&src, &src, &mut files);
    files
}

#[test]
fn no_module_uses_one_on_its_own_or_a_higher_layer() {
    let files = crate_files();
    let mut wrong = BTreeSet::new();
    for a in arrows(&files) {
        let (from, to) = (&a.from[0], &a.to[0]);
        if from != to && layer(to) >= layer(from) {
            wrong.insert(format!(
                "{} line {}: {} uses {} (layer {} may only use lower layers)",
                a.file,
                a.line,
                name(&a.from),
                name(&a.to),
                layer(from)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows up the layers:\n{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn no_circle_between_files() {
    let files = crate_files();
    let mut graph: BTreeMap<Module, BTreeMap<Module, (String, usize)>> = BTreeMap::new();
    for a in arrows(&files) {
        graph
            .entry(a.from)
            .or_default()
            .entry(a.to)
            .or_insert((a.file, a.line));
    }
    // A circle is an arrow a → b with a path back from b to a.
    let reaches = |from: &Module, target: &Module| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(m) = stack.pop() {
            if &m == target {
                return true;
            }
            if seen.insert(m.clone()) {
                if let Some(next) = graph.get(&m) {
                    stack.extend(next.keys().cloned());
                }
            }
        }
        false
    };
    let mut circles = Vec::new();
    for (from, tos) in &graph {
        for (to, (file, line)) in tos {
            if reaches(to, from) {
                circles.push(format!(
                    "{file} line {line}: {} uses {}, which leads back to it",
                    name(from),
                    name(to)
                ));
            }
        }
    }
    assert!(circles.is_empty(), "circles:\n{}", circles.join("\n"));
}

/// The rules are only worth something if they see the arrows: the known ones are found.
#[test]
fn the_reader_sees_the_arrows_that_are_there() {
    let files = crate_files();
    let found: BTreeSet<(String, String)> = arrows(&files)
        .into_iter()
        .map(|a| (name(&a.from), name(&a.to)))
        .collect();
    for (from, to) in [
        ("runtime::live::task", "runtime::app"),
        ("render::preflight", "quiz::fit"),
        ("discord::components", "runtime::live::answer"),
        ("store::boards", "game::records"),
    ] {
        assert!(
            found.contains(&(from.to_string(), to.to_string())),
            "{from} -> {to} not seen"
        );
    }
    let text = "use super::limits;\n#[cfg(test)]\nmod tests {\n    use crate::discord::x;\n}\n// crate::cli::y\nfn f() {}\n";
    let kept = code_lines(text);
    assert!(
        kept.iter().any(|(_, l)| l.contains("super::limits")),
        "{kept:?}"
    );
    assert!(kept.iter().any(|(_, l)| l.contains("fn f()")), "{kept:?}");
    assert!(!kept.iter().any(|(_, l)| l.contains("crate::")), "{kept:?}");
}
