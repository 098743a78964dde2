//! A user's program: the client generated from this project's own `openapi.json`.
//!
//! It lists what was generated and builds one request without sending it, so that it runs
//! without credentials or network; a real program calls `.send().await`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = calcom::Client::builder()
        .api_key("cal_test_downstream")
        .build()?;
    let operations = calcom::operations::OPERATIONS;
    println!(
        "calcom client generated from this project's document: {} operations",
        operations.len()
    );
    let mut tags: Vec<&str> = operations
        .iter()
        .flat_map(|op| op.tags.iter().copied())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    println!("tags: {}", tags.join(", "));
    // `get_booking` is in every Cal.com document since 2024 and in the `bookings` tag.
    let _request = client.get_booking().booking_uid("uid_1");
    println!("built a get_booking request");
    Ok(())
}
