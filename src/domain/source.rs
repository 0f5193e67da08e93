//! Where each rule comes from: the sentences of the service's state
//! documentation (`assets/seeds/`, the French edition that carries the
//! English original sentence by sentence) that a rule distils, as
//! `assets/rule-sources.md` lists them. Embedded, so the console can show a
//! rule beside its source without the files.

use super::rule::Rule;

/// The seed with both languages, sentence by sentence (`data-ttu-id`).
const SEED: &str = include_str!("../../assets/seeds/state-information.fr-en.md");
/// `| ID | sentence ids | why |` per rule; `-` where the source is silent.
const SOURCES: &str = include_str!("../../assets/rule-sources.md");

/// One sentence of the seed: the French wins where it is more precise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub id: &'static str,
    pub french: String,
    pub english: String,
}

/// The seed sentences `rule` comes from, in the order the sources list them.
/// Empty for a decision where the source is silent.
pub fn sentences(rule: Rule) -> Vec<Sentence> {
    sentence_ids(rule).filter_map(sentence).collect()
}

fn sentence_ids(rule: Rule) -> impl Iterator<Item = &'static str> {
    SOURCES
        .lines()
        .filter_map(|line| line.strip_prefix("| ")?.split_once(" | "))
        .find(|(id, _)| *id == rule.id())
        .map(|(_, cells)| cells.split(" | ").next().unwrap_or_default().trim_end_matches(['|', ' ']))
        .into_iter()
        .flat_map(|ids| ids.split(','))
        .map(str::trim)
        .filter(|id| !id.is_empty() && *id != "-")
}

/// The seed's sentence `id`: its French text and the English one beside it.
fn sentence(id: &'static str) -> Option<Sentence> {
    let french_start = format!("<span data-ttu-id=\"{id}\">");
    let english_start = format!("<span data-stu-id=\"{id}\">");
    let after = |start: &str| SEED.split_once(start).map(|(_, rest)| rest);
    let french = after(&french_start)?.split_once("</span><span class=\"sxs-lookup\">")?.0;
    let english = after(&english_start)?.split_once("</span></span>")?.0;
    Some(Sentence { id, french: plain(french), english: plain(english) })
}

/// A sentence as text: line breaks and tags out, markdown links as their words.
fn plain(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.replace("<br />", " ").chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = link_words(&text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `[Get Job](/rest/…)` → `Get Job`.
fn link_words(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else { break };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else { break };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule has a row in the sources (a decision where the source is
    /// silent says `-`), and every sentence id a row names is in the seed.
    #[test]
    fn every_rule_has_its_sources_and_every_source_is_in_the_seed() {
        for &rule in Rule::ALL {
            let row = SOURCES.lines().find(|l| l.starts_with(&format!("| {} |", rule.id())));
            assert!(row.is_some(), "{rule} has no row in assets/rule-sources.md");
            for id in sentence_ids(rule) {
                let found =
                    sentence(id).unwrap_or_else(|| panic!("{rule}: sentence {id} is not in the seed"));
                assert!(!found.french.is_empty() && !found.english.is_empty(), "{rule}: {found:?}");
            }
        }
        let sourced = Rule::ALL.iter().filter(|r| !sentences(**r).is_empty()).count();
        assert!(sourced >= 35, "most rules come from a seed sentence: {sourced}");
    }

    #[test]
    fn a_sentence_is_plain_text_in_both_languages() {
        let first = sentence("6e772-104").expect("the seed's first sentence");
        assert!(first.french.starts_with("Vous pouvez appeler l’opération Get Job pour"), "{first:?}");
        assert!(first.english.starts_with("You can call the Get Job operation"), "{first:?}");
    }
}
