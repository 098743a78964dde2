//! Every real Cal.com document in `../shared/calcom-openapi/` generates with nothing skipped.

mod common;

use calcom_codegen::{check, GenerateOptions};
use common::shared_documents;

#[test]
fn every_real_document_generates_without_skipping() {
    let Some(docs) = shared_documents() else {
        return;
    };
    assert!(!docs.is_empty());
    for doc in &docs {
        let report = check(doc, &GenerateOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        println!("{}: {}", doc.display(), report.summary_line());
        assert!(
            report.skipped.is_empty(),
            "{}: {:?}",
            doc.display(),
            report.skipped
        );
        assert_eq!(report.operations_generated, report.operations_total);
        assert_eq!(report.schemas_generated, report.schemas_total);
    }
}

#[test]
fn newest_document_figures() {
    let Some(docs) = shared_documents() else {
        return;
    };
    let Some(newest) = docs
        .iter()
        .find(|p| p.ends_with("2025-09-26_6c9ac763.json"))
    else {
        panic!("2025-09-26_6c9ac763.json is missing from ../shared/calcom-openapi");
    };
    let report = check(newest, &GenerateOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        report.summary_line(),
        "operations: 230/230 generated, schemas: 404/404 generated, skipped: 0"
    );
    let changes = |name: &str| {
        report
            .passes
            .iter()
            .find(|p| p.name == name)
            .map_or(0, |p| p.changes)
    };
    // Measured on this document (see ../shared/calcom-openapi/README.md).
    assert_eq!(
        changes("auth-headers"),
        212,
        "operations with auth header parameters"
    );
    assert_eq!(changes("api-version"), 30);
    let declared = report
        .passes
        .iter()
        .find(|p| p.name == "path-parameters")
        .map(|p| {
            p.details
                .iter()
                .filter(|c| c.detail.contains("declared"))
                .count()
        });
    assert_eq!(declared, Some(64), "undeclared path variables");
}

/// The drift checker's "breaks compilation" verdicts rest on predicting the generator's
/// method names: on every real document, its prediction is the name the generator gives.
#[test]
fn drift_predicts_every_method_name_the_generator_gives() {
    let Some(docs) = shared_documents() else {
        return;
    };
    let mut compared = 0;
    for path in &docs {
        let raw = calcom_codegen::load(path).unwrap_or_else(|e| panic!("{e}"));
        let predicted = calcom_drift::method_names(&raw);
        let mut doc = raw;
        let (ctx, _) = calcom_codegen::normalise(&mut doc);
        let generated: Vec<(String, String, String)> = ctx
            .operations
            .iter()
            .map(|r| (r.method.clone(), r.path.clone(), r.name.clone()))
            .collect();
        assert_eq!(
            predicted.len(),
            generated.len(),
            "{}: operation counts differ",
            path.display()
        );
        for (p, g) in predicted.iter().zip(&generated) {
            assert_eq!(p, g, "{}: drift predicts another name", path.display());
        }
        compared += generated.len();
    }
    println!(
        "{compared} method names over {} documents: drift's prediction = the generator's",
        docs.len()
    );
    assert!(compared > 0);
}
