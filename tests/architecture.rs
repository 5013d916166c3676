//! The shape of `src/`, checked on every test run: no import circle between files, no layer
//! importing a higher one, no file much over 500 lines.
//!
//! The import graph is read from the source text: every `use` tree and every path that starts
//! with `crate::`, `super::` or `self::`. A name imported through a `pub use` re-export counts
//! as an import of the file that defines it, so a module file that only re-exports does not
//! close a circle.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers of DESIGN.md, lowest first; a module imports only its own layer and lower ones.
const LAYERS: &[&[&str]] = &[
    // The object store is at the ground: it imports nothing of the crate.
    &["types", "objects"],
    &["asl"],
    &["data"],
    &["interpret"],
    &["runtime"],
    &["store"],
    &["api"],
    &["server"],
    &["bench", "metrics", "conformance"],
    &["cli"],
];

const MAX_LINES: usize = 500;

/// Files allowed in an import circle: none. Kept as a list so that a circle that must be
/// accepted for a while is written down, and fails the check again once it is gone.
const KNOWN_CIRCLE: &[&str] = &[];

/// Files allowed over the limit: none, kept as a list for the same reason.
const KNOWN_LONG: &[&str] = &[];

/// One source file: its module path (`["runtime", "fanout"]`) and its text without comments
/// or string contents.
struct File {
    module: Vec<String>,
    path: PathBuf,
    code: String,
    /// Inline modules (`mod tests { ... }`): name and byte range, whose paths sit deeper.
    inline: Vec<(String, std::ops::Range<usize>)>,
}

fn source_files() -> Vec<File> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("bin") {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).unwrap().with_extension("");
            let mut module: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            let code = strip(&fs::read_to_string(&path).unwrap());
            let inline = inline_modules(&code);
            out.push(File {
                module,
                path,
                code,
                inline,
            });
        }
    }
    out.sort_by(|a, b| a.module.cmp(&b.module));
    out
}

/// Every `mod name {` block of a file, with the range of its body.
fn inline_modules(code: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find_word(code, "mod", from) {
        from = at + 3;
        let rest = &code[at + 3..];
        let name_len = rest
            .trim_start()
            .find(|c: char| !(c.is_alphanumeric() || c == '_'));
        let Some(name_len) = name_len else { continue };
        let skipped = rest.len() - rest.trim_start().len();
        let name = &rest[skipped..skipped + name_len];
        let after = rest[skipped + name_len..].trim_start();
        if name.is_empty() || !after.starts_with('{') {
            continue;
        }
        let open = code.len() - after.len();
        let mut depth = 0;
        let mut end = code.len();
        for (i, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((name.to_string(), open..end));
    }
    out
}

/// Blanks comments, string and char literals so that only code is searched for paths.
fn strip(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &src[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            i += end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
            out.push(' ');
            i += end;
        } else if let Some(len) = raw_string_len(rest) {
            out.push_str("\"\"");
            i += len;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i = j + 1;
        } else if b[i] == b'\'' && char_literal_len(rest).is_some() {
            out.push_str("' '");
            i += char_literal_len(rest).unwrap();
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn raw_string_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix("br").or_else(|| s.strip_prefix('r'))?;
    let hashes = body.len() - body.trim_start_matches('#').len();
    let body = body[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let end = body.find(&close)?;
    Some(s.len() - body.len() + end + close.len())
}

/// A char literal such as `'a'`, `'\n'` or `'\u{1F600}'`, told apart from a lifetime.
fn char_literal_len(s: &str) -> Option<usize> {
    let rest = &s[1..];
    if let Some(esc) = rest.strip_prefix('\\') {
        let end = esc.find('\'')?;
        return (end <= 10).then_some(end + 3);
    }
    let c = rest.chars().next()?;
    rest[c.len_utf8()..]
        .starts_with('\'')
        .then_some(c.len_utf8() + 2)
}

/// Every path a file names: the expanded `use` trees, then inline `crate::`/`super::`/`self::`
/// paths, each with the byte offset where it was found.
fn paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut uses = Vec::new();
    let mut i = 0;
    while let Some(at) = find_word(code, "use", i) {
        let end = code[at..].find(';').map_or(code.len(), |e| at + e);
        for p in expand(&squeeze(&code[at + 3..end])) {
            out.push((at, p));
        }
        uses.push(at..end);
        i = end;
    }
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = find_word(code, start.trim_end_matches(':'), from) {
            from = at + 1;
            if !code[at..].starts_with(start) || uses.iter().any(|u| u.contains(&at)) {
                continue;
            }
            let len = code[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(code.len() - at);
            let segments: Vec<String> = code[at..at + len]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            out.push((at, segments));
        }
    }
    out
}

fn find_word(code: &str, word: &str, from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(rel) = code[i..].find(word) {
        let at = i + rel;
        let before = code[..at].chars().next_back();
        let after = code[at + word.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !ident(before) && !ident(after) {
            return Some(at);
        }
        i = at + word.len();
    }
    None
}

/// A `use` tree with no whitespace but the single spaces around `as`.
fn squeeze(tree: &str) -> String {
    let words: Vec<&str> = tree.split_whitespace().collect();
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 && (*w == "as" || words[i - 1] == "as") {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// `a::{b, c::{d, e as f}}` → `a::b`, `a::c::d`, `a::c::e` (`self` dropped).
fn expand(tree: &str) -> Vec<Vec<String>> {
    let Some(open) = tree.find('{') else {
        return vec![segments(tree)];
    };
    let prefix = segments(&tree[..open]);
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut depth, mut start) = (0, 0);
    let mut parts = Vec::new();
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    let mut out = Vec::new();
    for part in parts.into_iter().filter(|p| !p.is_empty()) {
        for rest in expand(part) {
            let mut p = prefix.clone();
            p.extend(rest.into_iter().filter(|s| s != "self"));
            out.push(p);
        }
    }
    out
}

fn segments(s: &str) -> Vec<String> {
    let s = s.split(" as ").next().unwrap_or(s);
    s.split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

struct Crate {
    files: Vec<File>,
    by_module: HashMap<Vec<String>, usize>,
    /// Per module, the names it re-exports and the absolute path each one stands for.
    reexports: HashMap<usize, Vec<(String, Vec<String>)>>,
}

impl Crate {
    fn read() -> Crate {
        let files = source_files();
        let by_module = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.module.clone(), i))
            .collect();
        let mut c = Crate {
            files,
            by_module,
            reexports: HashMap::new(),
        };
        for i in 0..c.files.len() {
            let code = c.files[i].code.clone();
            let mut found = Vec::new();
            let mut from = 0;
            while let Some(at) = code[from..].find("pub use ").map(|r| from + r) {
                let end = code[at..].find(';').map_or(code.len(), |e| at + e);
                for p in expand(&squeeze(&code[at + 8..end])) {
                    let abs = c.absolute(i, at, &p);
                    if let Some(name) = p.last() {
                        found.push((name.clone(), abs));
                    }
                }
                from = end;
            }
            c.reexports.insert(i, found);
        }
        c
    }

    /// Whether a path names this crate: `crate::`, `super::`, `self::` or a child module;
    /// anything else is another crate (`std::`, `serde::`).
    fn is_local(&self, i: usize, at: usize, p: &[String]) -> bool {
        match p.first().map(String::as_str) {
            Some("crate" | "super" | "self") => true,
            Some(_) => {
                let abs = self.absolute(i, at, &p[..1]);
                self.by_module.contains_key(&abs)
            }
            None => false,
        }
    }

    /// A path as seen from file `i` at offset `at`, made absolute from the crate root.
    fn absolute(&self, i: usize, at: usize, p: &[String]) -> Vec<String> {
        let f = &self.files[i];
        let mut base = f.module.clone();
        for (name, range) in &f.inline {
            if range.contains(&at) {
                base.push(name.clone());
            }
        }
        let mut segs = p.iter().peekable();
        match segs.peek().map(|s| s.as_str()) {
            Some("crate") => {
                segs.next();
                base.clear();
            }
            Some("super") => {
                while segs.peek().map(|s| s.as_str()) == Some("super") {
                    segs.next();
                    base.pop();
                }
            }
            Some("self") => {
                segs.next();
            }
            // A path relative to the file: a child module (`fanout::Window`) or an
            // external crate, told apart when it is resolved.
            _ => {}
        }
        base.extend(segs.cloned());
        base
    }

    /// The file that defines what `abs` names, following re-exports.
    fn resolve(&self, abs: &[String], depth: usize) -> Option<usize> {
        let mut module = Vec::new();
        let mut file = *self.by_module.get(&module)?;
        for (n, seg) in abs.iter().enumerate() {
            module.push(seg.clone());
            if let Some(&f) = self.by_module.get(&module) {
                file = f;
                continue;
            }
            if depth < 8 {
                let hit = self.reexports[&file]
                    .iter()
                    .find(|(name, _)| name == seg || name == "*");
                if let Some((name, target)) = hit {
                    let mut t = target.clone();
                    if name == "*" {
                        t.extend(abs[n..].iter().cloned());
                    } else {
                        t.extend(abs[n + 1..].iter().cloned());
                    }
                    if let Some(f) = self.resolve(&t, depth + 1) {
                        return Some(f);
                    }
                }
            }
            return Some(file);
        }
        Some(file)
    }

    /// File → the files it imports (self-edges left out).
    fn graph(&self) -> BTreeMap<usize, BTreeSet<usize>> {
        let mut g = BTreeMap::new();
        for (i, f) in self.files.iter().enumerate() {
            let edges: &mut BTreeSet<usize> = g.entry(i).or_default();
            for (at, p) in paths(&f.code) {
                if !self.is_local(i, at, &p) {
                    continue;
                }
                let abs = self.absolute(i, at, &p);
                if let Some(t) = self.resolve(&abs, 0) {
                    if t != i {
                        edges.insert(t);
                    }
                }
            }
        }
        g
    }
}

/// Strongly connected components with more than one file (Tarjan).
fn circles(g: &BTreeMap<usize, BTreeSet<usize>>) -> Vec<Vec<usize>> {
    struct T<'a> {
        g: &'a BTreeMap<usize, BTreeSet<usize>>,
        index: HashMap<usize, usize>,
        low: HashMap<usize, usize>,
        stack: Vec<usize>,
        on: BTreeSet<usize>,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, v: usize) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for &w in t.g.get(&v).into_iter().flatten() {
            if !t.index.contains_key(&w) {
                visit(t, w);
                let lw = t.low[&w];
                let lv = t.low.get_mut(&v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(&w) {
                let iw = t.index[&w];
                let lv = t.low.get_mut(&v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[&v] == t.index[&v] {
            let mut scc = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(&w);
                scc.push(w);
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                t.out.push(scc);
            }
        }
    }
    let mut t = T {
        g,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for &v in g.keys() {
        if !t.index.contains_key(&v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn name(f: &File) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    f.path.strip_prefix(root).unwrap().display().to_string()
}

#[test]
fn no_import_circle_between_files() {
    let c = Crate::read();
    let g = c.graph();
    let found = circles(&g);
    let known: BTreeSet<&str> = KNOWN_CIRCLE.iter().copied().collect();
    let mut seen = BTreeSet::new();
    let report: Vec<String> = found
        .iter()
        .filter(|scc| {
            let names: Vec<String> = scc.iter().map(|&v| name(&c.files[v])).collect();
            let inside = names.iter().all(|n| known.contains(n.as_str()));
            if inside {
                seen.extend(names);
            }
            !inside
        })
        .map(|scc| {
            let members: BTreeSet<usize> = scc.iter().copied().collect();
            let lines: Vec<String> = scc
                .iter()
                .map(|&v| {
                    let to: Vec<String> = g[&v]
                        .iter()
                        .filter(|w| members.contains(w))
                        .map(|&w| name(&c.files[w]))
                        .collect();
                    format!("  {} -> {}", name(&c.files[v]), to.join(", "))
                })
                .collect();
            format!("a circle of {} files:\n{}", scc.len(), lines.join("\n"))
        })
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
    let left: Vec<&&str> = known.iter().filter(|k| !seen.contains(**k)).collect();
    assert!(
        left.is_empty(),
        "no longer in a circle, take them off KNOWN_CIRCLE: {left:?}"
    );
}

#[test]
fn no_layer_imports_a_higher_one() {
    let c = Crate::read();
    let layer = |f: &File| {
        let top = f.module.first().map_or("", String::as_str);
        LAYERS.iter().position(|l| l.contains(&top))
    };
    let mut wrong = Vec::new();
    for (from, to) in c.graph() {
        let Some(lf) = layer(&c.files[from]) else {
            continue;
        };
        for t in to {
            if layer(&c.files[t]).is_some_and(|lt| lt > lf) {
                wrong.push(format!(
                    "{} imports {}",
                    name(&c.files[from]),
                    name(&c.files[t])
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_source_file_is_much_over_500_lines() {
    let long: Vec<(String, usize)> = Crate::read()
        .files
        .iter()
        .filter_map(|f| {
            let n = fs::read_to_string(&f.path).unwrap().lines().count();
            (n > MAX_LINES).then(|| (name(f), n))
        })
        .collect();
    let new: Vec<String> = long
        .iter()
        .filter(|(f, _)| !KNOWN_LONG.contains(&f.as_str()))
        .map(|(f, n)| format!("{f}: {n} lines"))
        .collect();
    assert!(new.is_empty(), "{}", new.join("\n"));
    let shrunk: Vec<&&str> = KNOWN_LONG
        .iter()
        .filter(|k| !long.iter().any(|(f, _)| f == **k))
        .collect();
    assert!(
        shrunk.is_empty(),
        "now short, take them off KNOWN_LONG: {shrunk:?}"
    );
}

#[test]
fn the_reader_finds_imports_it_should() {
    assert_eq!(
        expand("crate::a::{b,c::{d,e}}"),
        vec![
            vec!["crate", "a", "b"],
            vec!["crate", "a", "c", "d"],
            vec!["crate", "a", "c", "e"]
        ]
    );
    assert_eq!(strip("a // crate::x\nb"), "a \nb");
    assert_eq!(strip("\"crate::x\" 'c' 'a"), "\"\" ' ' 'a");
    let mut g = BTreeMap::new();
    g.insert(0, BTreeSet::from([1]));
    g.insert(1, BTreeSet::from([2]));
    g.insert(2, BTreeSet::from([0]));
    g.insert(3, BTreeSet::from([0]));
    assert_eq!(circles(&g), vec![vec![0, 1, 2]]);
}
