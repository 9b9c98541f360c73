//! The rules that keep the house in order (docs/architecture.md, "Rules of the house"), checked
//! on the sources: no module of a crate imports, through others, itself; the web's shared
//! plumbing (`kit`) imports no area, and no area imports another.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module cycles still to break, by crate: each must shrink away, and no new one may appear.
/// (None left: the web's four and the store's two were broken in issue 15.)
const KNOWN_CYCLES: &[(&str, &[&str])] = &[];

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// A crate's modules (`kit::auth`, `pages`) and the modules each names through `crate::`,
/// outside its tests.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let name_of = |path: &Path| -> Option<String> {
        let relative = path.strip_prefix(src).ok()?.with_extension("");
        let parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let parts: Vec<String> = parts.into_iter().filter(|p| p != "mod").collect();
        match parts.as_slice() {
            [] => None,
            [only] if only == "lib" || only == "main" => None,
            _ => Some(parts.join("::")),
        }
    };
    let modules: BTreeMap<String, PathBuf> = files.iter().filter_map(|f| Some((name_of(f)?, f.clone()))).collect();
    let mut graph = BTreeMap::new();
    for (module, path) in &modules {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let mut uses = BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let path: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
            let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            // The longest prefix that names a module.
            for length in (1..=segments.len()).rev() {
                let candidate = segments[..length].join("::");
                if modules.contains_key(&candidate) {
                    if candidate != *module && !module.starts_with(&format!("{candidate}::")) {
                        uses.insert(candidate);
                    }
                    break;
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found.sort();
    state.found
}

#[test]
fn no_crate_has_a_module_cycle_but_the_known_ones() {
    let mut checked = 0;
    for entry in std::fs::read_dir(crates_dir()).expect("crates").flatten() {
        let src = entry.path().join("src");
        if !src.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let found = cycles(&module_graph(&src));
        let known: Vec<Vec<String>> = KNOWN_CYCLES
            .iter()
            .filter(|(c, _)| *c == name)
            .map(|(_, modules)| modules.iter().map(|m| (*m).to_owned()).collect())
            .collect();
        for cycle in &found {
            assert!(known.contains(cycle), "crate {name}: modules {cycle:?} import each other");
        }
        for cycle in &known {
            assert!(found.contains(cycle), "crate {name}: {cycle:?} is broken now; take it off KNOWN_CYCLES");
        }
        checked += 1;
    }
    assert!(checked >= 9, "every crate is read ({checked})");
}

#[test]
fn the_webs_kit_imports_no_area() {
    let graph = module_graph(&crates_dir().join("web").join("src"));
    assert!(graph.keys().any(|m| m.starts_with("kit::")), "the kit is found");
    for (module, uses) in &graph {
        if module.starts_with("kit::") {
            let areas: Vec<&String> = uses.iter().filter(|u| !u.starts_with("kit::")).collect();
            assert!(areas.is_empty(), "{module} imports the areas {areas:?}");
        }
    }
}

/// An area of the web (its top-level module with the modules in its folder) imports the kit and
/// itself, never another area: an area can be read, changed and tested alone.
#[test]
fn the_webs_areas_import_no_other_area() {
    let graph = module_graph(&crates_dir().join("web").join("src"));
    let area = |module: &str| module.split("::").next().unwrap_or("").to_owned();
    let mut areas = BTreeSet::new();
    for (module, uses) in &graph {
        if area(module) == "kit" {
            continue;
        }
        areas.insert(area(module));
        let foreign: Vec<&String> = uses.iter().filter(|u| area(u) != "kit" && area(u) != area(module)).collect();
        assert!(foreign.is_empty(), "the area {module} imports the areas {foreign:?}");
    }
    assert!(areas.len() >= 15, "the areas are found: {areas:?}");
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["a".to_owned(), "c".to_owned()])),
        ("c".to_owned(), BTreeSet::new()),
    ]
    .into();
    assert_eq!(cycles(&graph), [vec!["a".to_owned(), "b".to_owned()]]);
}
