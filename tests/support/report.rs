//! The summary both suites print and the verdict they give.

use std::io::Write;

use super::deviations::Deviation;

/// The results of one suite over every component schema (or every operation).
pub struct Suite {
    /// `value round-trip`, `schema round-trip` or `prism`.
    pub name: &'static str,
    /// What is counted: `schemas`, or `operations accepted and decoded`.
    pub unit: &'static str,
    /// Items in the document.
    pub total: usize,
    /// Schemas that round-trip.
    pub passed: Vec<String>,
    /// Schemas that do not, with what went wrong.
    pub failed: Vec<(String, Vec<String>)>,
    /// Normalisations used, with counts.
    pub applied: Vec<(&'static str, usize)>,
}

/// The verdict on a suite.
pub struct Verdict {
    /// Failing schemas with no listed reason.
    pub unlisted: Vec<String>,
    /// Listed schemas that pass (the list is stale).
    pub stale: Vec<String>,
    /// The text the suite prints; its last line is the count.
    pub text: String,
}

impl Suite {
    /// Judges the results against the known failures (`(schema, reason)`) and the
    /// schemas the generator skipped (`(schema, reason)`), which fail with their reason.
    pub fn verdict(
        &self,
        known: &[(&str, &str)],
        skipped: &[(&str, &str)],
        rules: &[Deviation],
    ) -> Verdict {
        let reason_for = |name: &str| {
            known
                .iter()
                .chain(skipped)
                .find(|(n, _)| *n == name)
                .map(|(_, r)| *r)
        };
        let mut text = String::new();
        let mut unlisted = Vec::new();
        for (name, failures) in &self.failed {
            match reason_for(name) {
                Some(reason) => text.push_str(&format!("FAIL (listed) {name}: {reason}\n")),
                None => {
                    text.push_str(&format!("FAIL {name}\n"));
                    unlisted.push(name.clone());
                }
            }
            for f in failures.iter().take(3) {
                text.push_str(&format!("    {f}\n"));
            }
            if failures.len() > 3 {
                text.push_str(&format!("    … and {} more\n", failures.len() - 3));
            }
        }
        let stale: Vec<String> = known
            .iter()
            .filter(|(n, _)| self.passed.iter().any(|p| p == n))
            .map(|(n, _)| n.to_string())
            .collect();
        for name in &stale {
            text.push_str(&format!("STALE {name}: listed as failing, but passes\n"));
        }
        for (id, n) in &self.applied {
            let reason = rules.iter().find(|d| d.id == *id).map_or("", |d| d.reason);
            text.push_str(&format!("normalised {id} ×{n}: {reason}\n"));
        }
        text.push_str(&format!(
            "{}: {}/{} {}\n",
            self.name,
            self.passed.len(),
            self.total,
            self.unit
        ));
        Verdict {
            unlisted,
            stale,
            text,
        }
    }
}

impl Verdict {
    /// Prints the text past the test harness' capture (so it shows in every run), then
    /// panics when an item fails without a listed reason or a listed one passes.
    pub fn print_and_assert(&self) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(self.text.as_bytes());
        let _ = out.flush();
        assert!(
            self.unlisted.is_empty() && self.stale.is_empty(),
            "failing without a listed reason: {:?}; listed but passing: {:?}",
            self.unlisted,
            self.stale
        );
    }
}
