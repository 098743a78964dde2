//! Generates the client from `openapi/openapi.json` (or `CALCOM_OPENAPI_SPEC`) into `OUT_DIR`.
fn main() {
    calcom_codegen::build_script();
}
