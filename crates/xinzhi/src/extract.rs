//! `xinzhi extract`: a published report read into facts, or a directory of annotated reports
//! scored.

use std::path::Path;

use anyhow::Context;
use xinzhi_extract::eval::{Gold, Score, Tally, score};
use xinzhi_extract::{Extraction, extract, input};

fn text(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    input::text_of(&bytes).with_context(|| format!("cannot read {} as a report", path.display()))
}

fn read(path: &Path) -> anyhow::Result<Extraction> {
    Ok(extract(&text(path)?))
}

/// Prints what a report says: JSON, a short summary for a person, or the cleaned text.
pub fn print(path: &Path, json: bool, cleaned: bool) -> anyhow::Result<()> {
    if cleaned {
        println!("{}", xinzhi_extract::clean(&text(path)?).text);
        return Ok(());
    }
    let extraction = read(path)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&extraction)?);
        return Ok(());
    }
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    println!("地区 region: {}", or_dash(&extraction.region));
    println!("会议 meeting: {}", or_dash(&extraction.meeting));
    println!("日期 date: {}", or_dash(&extraction.date));
    for o in &extraction.officials {
        println!("  {} {}（{}）", o.title, o.name, o.role);
    }
    for (label, facts) in [("已完成 achieved", &extraction.achieved), ("目标 targets", &extraction.targets)] {
        println!("{label}: {}", facts.len());
        for f in facts {
            let year = f.year.map_or_else(|| "—".into(), |y| y.to_string());
            let qualifier = f.qualifier.as_deref().map_or(String::new(), |q| format!(" [{q}]"));
            println!("  {year} {} {} {} ({:?}){qualifier}", f.indicator, f.value, f.unit, f.kind);
        }
    }
    if !extraction.noise.is_empty() {
        println!("noise: {:?}", extraction.noise);
    }
    Ok(())
}

fn line(name: &str, t: &Tally) -> String {
    format!(
        "{name:<10} P {:.3}  R {:.3}  F1 {:.3}  ({} matched, {} extracted, {} annotated)",
        t.precision(),
        t.recall(),
        t.f1(),
        t.matched,
        t.predicted,
        t.gold
    )
}

/// Scores every `NAME.txt` of `dir` that has a `NAME.gold.json`; fails below `min_f1`.
pub fn evaluate(dir: &Path, min_f1: Option<f64>) -> anyhow::Result<()> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    let mut total = Score::default();
    let mut scored = 0;
    for path in &names {
        let gold_path = path.with_extension("gold.json");
        let Ok(gold_text) = std::fs::read_to_string(&gold_path) else { continue };
        let gold: Gold =
            serde_json::from_str(&gold_text).with_context(|| format!("cannot read {}", gold_path.display()))?;
        let extraction = read(path)?;
        let s = score(&extraction, &gold);
        let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        println!(
            "{name}: facts {}/{}/{}, officials {}/{}/{}, metadata {}/{}/{} (matched/extracted/annotated)",
            s.facts.matched,
            s.facts.predicted,
            s.facts.gold,
            s.officials.matched,
            s.officials.predicted,
            s.officials.gold,
            s.metadata.matched,
            s.metadata.predicted,
            s.metadata.gold
        );
        total.add(&s);
        scored += 1;
    }
    anyhow::ensure!(scored > 0, "no NAME.txt with a NAME.gold.json in {}", dir.display());
    println!("{scored} reports");
    println!("{}", line("facts", &total.facts));
    println!("{}", line("officials", &total.officials));
    println!("{}", line("metadata", &total.metadata));
    let share = |n: usize, of: usize| if of == 0 { 1.0 } else { n as f64 / of as f64 };
    println!(
        "among matched facts: kind agrees {:.3}, year agrees {:.3}; among matched officials: role agrees {:.3}",
        share(total.kind_agree, total.facts.matched),
        share(total.year_agree, total.facts.matched),
        share(total.role_agree, total.officials.matched)
    );
    if let Some(min) = min_f1 {
        anyhow::ensure!(total.facts.f1() >= min, "facts F1 {:.3} is below {min}", total.facts.f1());
    }
    Ok(())
}
