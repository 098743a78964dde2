fn main() {
    let path = std::env::args().nth(1).unwrap();
    let t = std::time::Instant::now();
    match calcom_codegen::generate_file(std::path::Path::new(&path), &Default::default()) {
        Ok(o) => { print!("{}", o.report.to_text(false)); eprintln!("lines {} in {:?}", o.client.lines().count(), t.elapsed()); std::fs::write("/tmp/gen.rs", &o.client).unwrap(); std::fs::write("/tmp/ops.rs", &o.operations).unwrap(); }
        Err(e) => eprintln!("ERR {e}"),
    }
}
