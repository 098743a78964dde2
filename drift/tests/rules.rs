//! One test per rule, on tiny inline documents.

mod common;

use calcom_drift::{compare, ChangeKind, Direction, Severity};
use common::{api, object, only};
use serde_json::json;

fn base_in() -> serde_json::Value {
    object(
        json!({"name": {"type": "string", "maxLength": 10, "minLength": 1},
               "kind": {"type": "string", "enum": ["a", "b"]},
               "count": {"type": "number", "minimum": 0}}),
        &["name"],
    )
}

fn base_out() -> serde_json::Value {
    object(
        json!({"id": {"type": "string"},
               "status": {"type": "string", "enum": ["ok", "failed"]},
               "data": {"oneOf": [{"type": "string"}, {"type": "number"}]}}),
        &["id"],
    )
}

fn base() -> serde_json::Value {
    api(base_in(), base_out(), json!([]))
}

#[test]
fn identical_documents_have_no_changes() {
    let report = compare(&base(), &base());
    assert!(report.changes.is_empty());
    assert_eq!(report.summary.documentation_edits, 0);
}

#[test]
fn operation_removed_is_breaking_and_located_in_the_old_document() {
    let mut new = base();
    new["paths"] = json!({});
    let report = compare(&base(), &new);
    let change = only(&report, ChangeKind::OperationRemoved);
    assert_eq!(change.severity, Severity::Breaking);
    assert!(change.compile_break);
    assert_eq!(change.operation.as_deref(), Some("POST /v2/things/{id}"));
    assert_eq!(change.location, "/paths/~1v2~1things~1{id}/post");
    assert_eq!(report.summary.operations_with_breaking_change, 1);
}

#[test]
fn operation_added_is_info() {
    let report = compare(
        &{
            let mut d = base();
            d["paths"] = json!({});
            d
        },
        &base(),
    );
    let change = only(&report, ChangeKind::OperationAdded);
    assert_eq!(change.severity, Severity::Info);
    assert!(!change.compile_break);
}

#[test]
fn path_parameter_names_are_ignored() {
    let mut new = base();
    let op = new["paths"]["/v2/things/{id}"].clone();
    new["paths"] = json!({"/v2/things/{thingId}": op});
    new["paths"]["/v2/things/{thingId}"]["post"]["parameters"][0]["name"] = json!("thingId");
    let report = compare(&base(), &new);
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
}

#[test]
fn undeclared_path_parameters_becoming_declared_change_nothing() {
    let mut old = base();
    old["paths"]["/v2/things/{id}"]["post"]["parameters"] = json!([]);
    let report = compare(&old, &base());
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
}

#[test]
fn moved_operation_keeps_its_method_and_says_where_it_went() {
    let mut new = base();
    let op = new["paths"]["/v2/things/{id}"].clone();
    new["paths"] = json!({"/v2/items/{id}": op});
    let report = compare(&base(), &new);
    let removed = only(&report, ChangeKind::OperationRemoved);
    assert_eq!(removed.severity, Severity::Breaking);
    assert!(!removed.compile_break, "same operationId: same method");
    assert!(
        removed.detail.contains("moved to POST /v2/items/{id}"),
        "{}",
        removed.detail
    );
    let added = only(&report, ChangeKind::OperationAdded);
    assert!(added
        .detail
        .contains("moved here from POST /v2/things/{id}"));
}

#[test]
fn operation_id_change_is_a_warning_when_the_method_name_changes() {
    let mut new = base();
    new["paths"]["/v2/things/{id}"]["post"]["operationId"] = json!("ThingsController_makeThing");
    let change = only(&compare(&base(), &new), ChangeKind::OperationIdChanged);
    assert_eq!(change.severity, Severity::Warning);
    assert!(change.compile_break);
    assert!(change.detail.contains("`create_thing` → `make_thing`"));

    new["paths"]["/v2/things/{id}"]["post"]["operationId"] = json!("StuffController_createThing");
    let change = only(&compare(&base(), &new), ChangeKind::OperationIdChanged);
    assert_eq!(change.severity, Severity::Info);
    assert!(!change.compile_break);
}

#[test]
fn parameter_rules() {
    let query = |required: bool| json!([{"name": "take", "in": "query", "required": required, "schema": {"type": "number"}}]);
    let with = |params| api(base_in(), base_out(), params);

    let change = only(
        &compare(&base(), &with(query(true))),
        ChangeKind::RequiredParameterAdded,
    );
    // Builder interface: old code still compiles, and `send()` reports the missing value.
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Breaking, false)
    );
    let change = only(
        &compare(&base(), &with(query(false))),
        ChangeKind::OptionalParameterAdded,
    );
    assert_eq!(change.severity, Severity::Info);
    let change = only(
        &compare(&with(query(false)), &base()),
        ChangeKind::ParameterRemoved,
    );
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Warning, true)
    );
    assert!(change.location.ends_with("/parameters/1"));
    let change = only(
        &compare(&with(query(false)), &with(query(true))),
        ChangeKind::ParameterBecameRequired,
    );
    assert_eq!(change.severity, Severity::Breaking);
    let change = only(
        &compare(&with(query(true)), &with(query(false))),
        ChangeKind::ParameterBecameOptional,
    );
    assert_eq!(change.severity, Severity::Info);
}

#[test]
fn headers_match_case_insensitively() {
    let header = |name: &str| json!([{"name": name, "in": "header", "required": true, "schema": {"type": "string"}}]);
    let report = compare(
        &api(base_in(), base_out(), header("X-Trace")),
        &api(base_in(), base_out(), header("x-trace")),
    );
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
}

#[test]
fn sdk_managed_headers_never_break_compilation() {
    let header = |name: &str, required: bool| json!([{"name": name, "in": "header", "required": required, "schema": {"type": "string"}}]);
    let report = compare(
        &base(),
        &api(base_in(), base_out(), header("x-cal-secret-key", true)),
    );
    let change = only(&report, ChangeKind::RequiredParameterAdded);
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Warning, false)
    );
    let report = compare(
        &base(),
        &api(base_in(), base_out(), header("Authorization", false)),
    );
    let change = only(&report, ChangeKind::OptionalParameterAdded);
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Info, false)
    );
    // An ordinary header is a builder setter: breaking on the wire, not at compile time.
    let report = compare(
        &base(),
        &api(base_in(), base_out(), header("x-request-tag", true)),
    );
    let change = only(&report, ChangeKind::RequiredParameterAdded);
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Breaking, false)
    );
}

#[test]
fn cal_api_version_default_change_is_a_warning() {
    let version = |v: &str| json!([{"name": "cal-api-version", "in": "header", "required": true, "schema": {"type": "string", "default": v}}]);
    let report = compare(
        &api(base_in(), base_out(), version("2024-06-14")),
        &api(base_in(), base_out(), version("2024-08-13")),
    );
    let change = only(&report, ChangeKind::DefaultChanged);
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Warning, false)
    );
}

#[test]
fn request_property_rules() {
    let mut with_required = base_in();
    with_required["properties"]["extra"] = json!({"type": "string"});
    with_required["required"] = json!(["name", "extra"]);
    let change = only(
        &compare(&base(), &api(with_required, base_out(), json!([]))),
        ChangeKind::RequiredPropertyAdded,
    );
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Breaking, true)
    );
    assert_eq!(change.component.as_deref(), Some("In"));
    assert_eq!(change.direction, Some(Direction::Request));
    assert_eq!(
        change.affected_operations,
        vec!["POST /v2/things/{id}".to_string()]
    );
    assert_eq!(change.location, "/components/schemas/In/properties/extra");

    let mut with_optional = base_in();
    with_optional["properties"]["extra"] = json!({"type": "string"});
    let change = only(
        &compare(&base(), &api(with_optional, base_out(), json!([]))),
        ChangeKind::OptionalPropertyAdded,
    );
    assert_eq!(change.severity, Severity::Info);

    let mut count_required = base_in();
    count_required["required"] = json!(["name", "count"]);
    let change = only(
        &compare(&base(), &api(count_required, base_out(), json!([]))),
        ChangeKind::PropertyBecameRequired,
    );
    assert_eq!(change.severity, Severity::Breaking);

    let mut without_count = base_in();
    without_count["properties"]
        .as_object_mut()
        .map(|p| p.remove("count"));
    let change = only(
        &compare(&base(), &api(without_count, base_out(), json!([]))),
        ChangeKind::PropertyRemoved,
    );
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Warning, true)
    );
}

#[test]
fn enum_rules_depend_on_direction() {
    let mut fewer = base_in();
    fewer["properties"]["kind"]["enum"] = json!(["a"]);
    let change = only(
        &compare(&base(), &api(fewer, base_out(), json!([]))),
        ChangeKind::EnumValueRemoved,
    );
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Breaking, true)
    );
    assert!(change.detail.contains("\"b\""));

    let mut more = base_in();
    more["properties"]["kind"]["enum"] = json!(["a", "b", "c"]);
    let change = only(
        &compare(&base(), &api(more, base_out(), json!([]))),
        ChangeKind::EnumValueAdded,
    );
    assert_eq!(change.severity, Severity::Info);

    let mut more_out = base_out();
    more_out["properties"]["status"]["enum"] = json!(["ok", "failed", "pending"]);
    let change = only(
        &compare(&base(), &api(base_in(), more_out, json!([]))),
        ChangeKind::EnumValueAdded,
    );
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Warning, true)
    );

    let mut fewer_out = base_out();
    fewer_out["properties"]["status"]["enum"] = json!(["ok"]);
    let change = only(
        &compare(&base(), &api(base_in(), fewer_out, json!([]))),
        ChangeKind::EnumValueRemoved,
    );
    assert_eq!(change.severity, Severity::Info);
}

#[test]
fn type_and_format_changes_are_breaking() {
    let mut retyped = base_out();
    retyped["properties"]["id"] = json!({"type": "number"});
    let change = only(
        &compare(&base(), &api(base_in(), retyped, json!([]))),
        ChangeKind::TypeChanged,
    );
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Breaking, true)
    );

    let mut formatted = base_out();
    formatted["properties"]["id"] = json!({"type": "string", "format": "uuid"});
    let change = only(
        &compare(&base(), &api(base_in(), formatted, json!([]))),
        ChangeKind::FormatChanged,
    );
    assert_eq!(change.severity, Severity::Breaking);
}

#[test]
fn response_property_rules() {
    let mut removed = base_out();
    removed["properties"]
        .as_object_mut()
        .map(|p| p.remove("id"));
    removed["required"] = json!([]);
    let report = compare(&base(), &api(base_in(), removed, json!([])));
    let change = only(&report, ChangeKind::PropertyRemoved);
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Breaking, true)
    );
    assert_eq!(change.location, "/components/schemas/Out/properties/id");
    assert_eq!(report.summary.operations_with_breaking_change, 1);

    let mut optional = base_out();
    optional["required"] = json!([]);
    let change = only(
        &compare(&base(), &api(base_in(), optional, json!([]))),
        ChangeKind::PropertyBecameOptional,
    );
    assert_eq!(change.severity, Severity::Breaking);

    let mut nullable = base_out();
    nullable["properties"]["id"]["nullable"] = json!(true);
    let change = only(
        &compare(&base(), &api(base_in(), nullable, json!([]))),
        ChangeKind::BecameNullable,
    );
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Breaking, true)
    );

    let mut added = base_out();
    added["properties"]["extra"] = json!({"type": "string"});
    let change = only(
        &compare(&base(), &api(base_in(), added, json!([]))),
        ChangeKind::OptionalPropertyAdded,
    );
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Info, false)
    );
}

#[test]
fn success_status_and_media_type_removal_are_breaking() {
    let mut new = base();
    let response = new["paths"]["/v2/things/{id}"]["post"]["responses"]["201"].clone();
    new["paths"]["/v2/things/{id}"]["post"]["responses"] = json!({"200": response});
    let report = compare(&base(), &new);
    let change = only(&report, ChangeKind::SuccessStatusRemoved);
    assert_eq!(change.severity, Severity::Breaking);
    assert_eq!(
        only(&report, ChangeKind::SuccessStatusAdded).severity,
        Severity::Info
    );

    let mut new = base();
    let content = &mut new["paths"]["/v2/things/{id}"]["post"]["responses"]["201"]["content"];
    let schema = content["application/json"].clone();
    *content = json!({"text/plain": schema});
    let report = compare(&base(), &new);
    let change = only(&report, ChangeKind::ResponseMediaTypeRemoved);
    assert_eq!(change.severity, Severity::Breaking);
    assert!(change.location.ends_with("/content/application~1json"));
}

#[test]
fn one_of_rules_depend_on_direction() {
    let mut fewer_out = base_out();
    fewer_out["properties"]["data"]["oneOf"] = json!([{"type": "string"}]);
    let change = only(
        &compare(&base(), &api(base_in(), fewer_out.clone(), json!([]))),
        ChangeKind::OneOfBranchRemoved,
    );
    assert_eq!(change.severity, Severity::Info);
    // Adding a branch to a response is breaking.
    let change = only(
        &compare(&api(base_in(), fewer_out, json!([])), &base()),
        ChangeKind::OneOfBranchAdded,
    );
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Breaking, true)
    );

    let branchy = |branches: serde_json::Value| {
        let mut schema = base_in();
        schema["properties"]["value"] = json!({"oneOf": branches});
        api(schema, base_out(), json!([]))
    };
    let both = branchy(json!([{"type": "string"}, {"type": "number"}]));
    let one = branchy(json!([{"type": "string"}]));
    let change = only(&compare(&both, &one), ChangeKind::OneOfBranchRemoved);
    assert_eq!(
        (change.severity, change.compile_break),
        (Severity::Breaking, true)
    );
    let change = only(&compare(&one, &both), ChangeKind::OneOfBranchAdded);
    assert_eq!(change.severity, Severity::Info);
}

#[test]
fn constraint_rules() {
    let tweak = |property: &str, keyword: &str, value: serde_json::Value| {
        let mut schema = base_in();
        schema["properties"][property][keyword] = value;
        api(schema, base_out(), json!([]))
    };
    for (property, keyword, value) in [
        ("name", "maxLength", json!(5)),
        ("name", "minLength", json!(2)),
        ("count", "minimum", json!(1)),
        ("name", "pattern", json!("^[a-z]+$")),
        ("count", "maximum", json!(100)),
    ] {
        let report = compare(&base(), &tweak(property, keyword, value));
        let change = only(&report, ChangeKind::ConstraintTightened);
        assert_eq!(change.severity, Severity::Breaking, "{keyword}");
        assert!(!change.compile_break);
        assert!(change.detail.contains(keyword));
    }
    let report = compare(&base(), &tweak("name", "maxLength", json!(50)));
    assert_eq!(
        only(&report, ChangeKind::ConstraintLoosened).severity,
        Severity::Info
    );
    let report = compare(&base(), &tweak("count", "minimum", json!(-5)));
    assert_eq!(
        only(&report, ChangeKind::ConstraintLoosened).severity,
        Severity::Info
    );
}

#[test]
fn documentation_edits_are_counted_not_listed() {
    let mut new = base();
    new["components"]["schemas"]["In"]["properties"]["name"]["description"] = json!("The name");
    new["components"]["schemas"]["Out"]["properties"]["id"]["example"] = json!("abc");
    new["paths"]["/v2/things/{id}"]["post"]["summary"] = json!("Create a thing");
    let report = compare(&base(), &new);
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
    assert_eq!(report.summary.documentation_edits, 3);
}

#[test]
fn schema_used_both_ways_takes_the_worse_verdict() {
    let shared = object(
        json!({"a": {"type": "string"}, "b": {"type": "string"}}),
        &[],
    );
    let wrap = |s: serde_json::Value| {
        let mut d = api(
            object(json!({"s": {"$ref": "#/components/schemas/Shared"}}), &[]),
            object(json!({"s": {"$ref": "#/components/schemas/Shared"}}), &[]),
            json!([]),
        );
        d["components"]["schemas"]["Shared"] = s;
        d
    };
    let mut smaller = shared.clone();
    smaller["properties"].as_object_mut().map(|p| p.remove("b"));
    let report = compare(&wrap(shared), &wrap(smaller));
    let change = only(&report, ChangeKind::PropertyRemoved);
    assert_eq!(change.component.as_deref(), Some("Shared"));
    assert_eq!(change.direction, Some(Direction::Both));
    assert_eq!(change.severity, Severity::Breaking);
}

#[test]
fn unused_component_changes_are_at_most_warnings() {
    let mut old = base();
    old["components"]["schemas"]["Lonely"] = object(json!({"a": {"type": "string"}}), &[]);
    let mut new = base();
    new["components"]["schemas"]["Lonely"] = object(json!({"a": {"type": "number"}}), &[]);
    let change = only(&compare(&old, &new), ChangeKind::TypeChanged);
    assert_eq!(change.severity, Severity::Warning);
    assert_eq!(change.direction, Some(Direction::Unused));
}

#[test]
fn ref_cycles_terminate() {
    // Old returns Node, new returns Tree: both recursive, both kept, so the ref target
    // changes and the bodies are compared through the recursion.
    let node = |next: &str, extra: bool| {
        let mut s = object(
            json!({"value": {"type": "string"}, "next": {"$ref": format!("#/components/schemas/{next}")}}),
            &[],
        );
        if extra {
            s["properties"]["label"] = json!({"type": "string"});
        }
        s
    };
    let doc = |out: &str| {
        let mut d = api(base_in(), json!({}), json!([]));
        d["components"]["schemas"]["Out"] = json!({"$ref": format!("#/components/schemas/{out}")});
        d["components"]["schemas"]["Node"] = node("Node", false);
        d["components"]["schemas"]["Tree"] = node("Tree", true);
        d
    };
    let report = compare(&doc("Node"), &doc("Tree"));
    assert!(report.count_kind(ChangeKind::RefTargetChanged) >= 1);
    // Tree has `label`, Node does not: found once through the ref change.
    assert_eq!(
        report.count_kind(ChangeKind::OptionalPropertyAdded),
        1,
        "{:#?}",
        report.changes
    );
    // And a document with cycles compared with itself is quiet.
    assert!(compare(&doc("Node"), &doc("Node")).changes.is_empty());
}

#[test]
fn dangling_refs_do_not_crash() {
    let dangling = |name: &str| {
        let mut out = base_out();
        out["properties"]["ghost"] = json!({"$ref": format!("#/components/schemas/{name}")});
        api(base_in(), out, json!([]))
    };
    assert!(compare(&dangling("Missing"), &dangling("Missing"))
        .changes
        .is_empty());
    let report = compare(&dangling("Missing"), &dangling("AlsoMissing"));
    let change = only(&report, ChangeKind::RefTargetChanged);
    assert!(change.detail.contains("AlsoMissing"));
    let mut inline = dangling("Missing");
    inline["components"]["schemas"]["Out"]["properties"]["ghost"] = json!({"type": "string"});
    assert_eq!(
        compare(&dangling("Missing"), &inline).count_kind(ChangeKind::TypeChanged),
        1
    );
}

#[test]
fn renamed_schema_is_one_change() {
    let doc = |name: &str| {
        let mut d = base();
        d["paths"]["/v2/things/{id}"]["post"]["responses"]["201"]["content"]["application/json"]
            ["schema"] = json!({"$ref": format!("#/components/schemas/{name}")});
        d["components"]["schemas"]
            .as_object_mut()
            .map(|s| s.remove("Out"));
        d["components"]["schemas"][name] = base_out();
        d
    };
    let report = compare(&doc("DwdOutput"), &doc("DelegationCredentialOutput"));
    let change = only(&report, ChangeKind::SchemaRenamed);
    assert_eq!(
        change.component.as_deref(),
        Some("DelegationCredentialOutput")
    );
    assert!(change.compile_break);
    assert_eq!(report.count_kind(ChangeKind::SchemaRemoved), 0);
    assert_eq!(report.count_kind(ChangeKind::SchemaAdded), 0);
    assert_eq!(report.count_kind(ChangeKind::RefTargetChanged), 0);
    assert_eq!(report.changes.len(), 1, "{:#?}", report.changes);
}

#[test]
fn unrelated_removed_and_added_schemas_are_not_a_rename() {
    let mut old = base();
    old["components"]["schemas"]["Gone"] = object(
        json!({"a": {"type": "string"}, "b": {"type": "number"}}),
        &["a"],
    );
    let mut new = base();
    new["components"]["schemas"]["Fresh"] = object(json!({"x": {"type": "boolean"}}), &[]);
    let report = compare(&old, &new);
    assert_eq!(report.count_kind(ChangeKind::SchemaRenamed), 0);
    assert_eq!(
        only(&report, ChangeKind::SchemaRemoved).severity,
        Severity::Warning
    );
    assert_eq!(
        only(&report, ChangeKind::SchemaAdded).severity,
        Severity::Info
    );
}

#[test]
fn markdown_lists_breaking_changes_first() {
    let mut new = base();
    new["components"]["schemas"]["Out"]["properties"]["status"]["enum"] =
        json!(["ok", "failed", "new"]);
    new["components"]["schemas"]["Out"]["required"] = json!([]);
    let report = compare(&base(), &new);
    let markdown = calcom_drift::render_markdown(&report);
    let breaking = markdown
        .find("### Breaking changes (1)")
        .expect("breaking section");
    let warnings = markdown.find("### Warnings (1)").expect("warning section");
    assert!(breaking < warnings);
    assert!(markdown.contains("| 🔴 breaking | 1 |"));
    let text = calcom_drift::render_text(&report);
    assert!(text.starts_with("1 breaking, 1 warning, 0 info"));
}
