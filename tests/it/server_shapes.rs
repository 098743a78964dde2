//! The operations `openapi/overlays/` corrects, answered the way Cal.com's API server builds
//! its answers (read from its output classes and services; the evidence is in each overlay
//! action's description), decoded through the generated client against a local server.
//!
//! Built from the document as published, the client refused every one of these answers.
//! The file needs the full document:
//!
//! ```text
//! CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json \
//!     CARGO_TARGET_DIR=target-full cargo test --all-features --test it -- server_shapes::
//! ```

#[cfg(not(all(
    calcom_operation = "get_available_slots",
    calcom_operation = "get_reserved_slot",
    calcom_operation = "reserve_slot",
    calcom_operation = "update_reserved_slot",
    calcom_operation = "get_workflow_by_id",
    calcom_operation = "get_workflows",
    calcom_operation = "create_workflow",
    calcom_operation = "update_workflow",
    calcom_operation = "reassign_booking",
    calcom_operation = "reassign_booking_to_user",
    calcom_operation = "get_organization_attribute_assigned_options",
    calcom_operation = "get_organization_attribute_assigned_options_by_slug",
    calcom_operation = "create_webhook",
    calcom_operation = "update_webhook",
    calcom_operation = "create_event_type_webhook",
    calcom_operation = "update_event_type_webhook",
    calcom_operation = "create_organization_webhook",
    calcom_operation = "update_org_webhook",
    calcom_operation = "create_o_auth_client_webhook",
    calcom_operation = "update_o_auth_client_webhook"
)))]
#[test]
fn skipped_without_the_corrected_operations() {
    eprintln!(
        "skipped: tests/it/server_shapes.rs needs the operations openapi/overlays/ corrects, which \
         only the full Cal.com document has \
         (CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json)"
    );
}

#[cfg(all(
    calcom_operation = "get_available_slots",
    calcom_operation = "get_reserved_slot",
    calcom_operation = "reserve_slot",
    calcom_operation = "update_reserved_slot",
    calcom_operation = "get_workflow_by_id",
    calcom_operation = "get_workflows",
    calcom_operation = "create_workflow",
    calcom_operation = "update_workflow",
    calcom_operation = "reassign_booking",
    calcom_operation = "reassign_booking_to_user",
    calcom_operation = "get_organization_attribute_assigned_options",
    calcom_operation = "get_organization_attribute_assigned_options_by_slug",
    calcom_operation = "create_webhook",
    calcom_operation = "update_webhook",
    calcom_operation = "create_event_type_webhook",
    calcom_operation = "update_event_type_webhook",
    calcom_operation = "create_organization_webhook",
    calcom_operation = "update_org_webhook",
    calcom_operation = "create_o_auth_client_webhook",
    calcom_operation = "update_o_auth_client_webhook"
))]
mod corrected {
    use calcom::types;
    use calcom::Client;
    use serde_json::{json, Value};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// A server that answers `verb path` with `status` and `body`.
    async fn answering(verb: &str, at: &str, status: u16, body: Value) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
        server
    }

    fn client(server: &MockServer) -> Client {
        Client::builder()
            .api_key("cal_test_server_shapes")
            .platform_client("client-id", "secret-key")
            .base_url(server.uri())
            .max_retries(0)
            .build()
            .expect("a valid client")
    }

    /// The one JSON body the server received.
    async fn sent_body(server: &MockServer) -> Value {
        let requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 1);
        serde_json::from_slice(&requests[0].body).expect("a JSON body")
    }

    // --- attribute options: assignedUserIds are user ids (numbers) --------------------

    fn assigned_options() -> Value {
        // OrganizationAttributeOptionRepository: assignedUserIds from member.userId.
        json!({"status": "success", "data": [
            {"id": "opt_1", "attributeId": "attr_1", "value": "Engineering", "slug": "engineering",
             "assignedUserIds": [124, 224]},
            {"id": "opt_2", "attributeId": "attr_1", "value": "Sales", "slug": "sales",
             "assignedUserIds": []}
        ]})
    }

    #[tokio::test]
    async fn get_organization_attribute_assigned_options_decodes_numeric_user_ids() {
        let server = answering(
            "GET",
            "/v2/organizations/7/attributes/attr_1/options/assigned",
            200,
            assigned_options(),
        )
        .await;
        let answer = client(&server)
            .get_organization_attribute_assigned_options()
            .org_id(7)
            .attribute_id("attr_1")
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data[0].assigned_user_ids, vec![124, 224]);
        assert!(answer.data[1].assigned_user_ids.is_empty());
    }

    #[tokio::test]
    async fn get_organization_attribute_assigned_options_by_slug_decodes_numeric_user_ids() {
        let server = answering(
            "GET",
            "/v2/organizations/7/attributes/slugs/department/options/assigned",
            200,
            assigned_options(),
        )
        .await;
        let answer = client(&server)
            .get_organization_attribute_assigned_options_by_slug()
            .org_id(7)
            .attribute_slug("department")
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data[0].assigned_user_ids, vec![124, 224]);
    }

    // --- workflows: one object, boolean includeCalendarEvent, email "" -----------------

    /// A workflow exactly as WorkflowsOutputService builds it: no userId, teamId, createdAt
    /// or updatedAt; every step with email and phone ("" unless the action uses them) and
    /// includeCalendarEvent.
    fn workflow() -> Value {
        json!({
            "id": 101,
            "name": "Reminders",
            "activation": {"isActiveOnAllEventTypes": false, "activeOnEventTypeIds": [698191]},
            "trigger": {"type": "beforeEvent", "offset": {"value": 24, "unit": "hour"}},
            "steps": [
                {"id": 1, "stepNumber": 1, "action": "email_host", "recipient": "const",
                 "email": "", "phone": "", "template": "reminder", "includeCalendarEvent": true,
                 "sender": "Cal.com Notifications",
                 "message": {"subject": "Reminder", "html": "<p>Soon</p>"}},
                {"id": 2, "stepNumber": 2, "action": "email_address", "recipient": "email",
                 "email": "ops@example.com", "phone": "", "template": "custom",
                 "includeCalendarEvent": false, "sender": "Default Sender",
                 "message": {"subject": "", "html": ""}},
                {"id": 3, "stepNumber": 3, "action": "sms_number", "recipient": "phone_number",
                 "email": "", "phone": "+15550100", "template": "reminder",
                 "includeCalendarEvent": false, "sender": "Default Sender",
                 "message": {"subject": "", "text": "Soon"}}
            ]
        })
    }

    fn check_workflow(w: &types::WorkflowOutput) {
        assert_eq!(w.id, 101);
        assert_eq!(w.steps.len(), 3);
        assert!(w.steps[0].include_calendar_event);
        assert!(!w.steps[1].include_calendar_event);
        assert_eq!(w.steps[0].email.as_deref(), Some(""));
        assert_eq!(w.steps[1].email.as_deref(), Some("ops@example.com"));
        assert!(w.created_at.is_none());
    }

    const WORKFLOW: &str = "/v2/organizations/7/teams/9/workflows/101";

    #[tokio::test]
    async fn get_workflow_by_id_decodes_one_workflow() {
        let server = answering(
            "GET",
            WORKFLOW,
            200,
            json!({"status": "success", "data": workflow()}),
        )
        .await;
        let answer = client(&server)
            .get_workflow_by_id()
            .org_id(7)
            .team_id(9)
            .workflow_id(101)
            .send()
            .await
            .expect("the server's answer decodes");
        check_workflow(&answer.data);
    }

    #[tokio::test]
    async fn get_workflows_decodes_boolean_steps_and_timestamps() {
        let mut with_dates = workflow();
        // WorkflowOutput allows them (Date | string); the output service sends none today.
        with_dates["createdAt"] = json!("2024-05-12T10:00:00.000Z");
        with_dates["updatedAt"] = json!("2024-05-12T11:30:00.000Z");
        let server = answering(
            "GET",
            "/v2/organizations/7/teams/9/workflows",
            200,
            json!({"status": "success", "data": [workflow(), with_dates]}),
        )
        .await;
        let answer = client(&server)
            .get_workflows()
            .org_id(7)
            .team_id(9)
            .send()
            .await
            .expect("the server's answer decodes");
        check_workflow(&answer.data[0]);
        assert_eq!(
            answer.data[1].updated_at.map(|d| d.to_rfc3339()),
            Some("2024-05-12T11:30:00+00:00".to_string())
        );
    }

    #[tokio::test]
    async fn create_workflow_decodes_one_workflow() {
        let server = answering(
            "POST",
            "/v2/organizations/7/teams/9/workflows",
            201,
            json!({"status": "success", "data": workflow()}),
        )
        .await;
        let body: types::CreateWorkflowDto = serde_json::from_value(json!({
            "name": "Reminders",
            "activation": {"isActiveOnAllEventTypes": true},
            "trigger": {"type": "newEvent"},
            "steps": []
        }))
        .expect("a valid body");
        let answer = client(&server)
            .create_workflow()
            .org_id(7)
            .team_id(9)
            .body(body)
            .send()
            .await
            .expect("the server's answer decodes");
        check_workflow(&answer.data);
    }

    #[tokio::test]
    async fn update_workflow_decodes_one_workflow() {
        let server = answering(
            "PATCH",
            WORKFLOW,
            200,
            json!({"status": "success", "data": workflow()}),
        )
        .await;
        let body: types::UpdateWorkflowDto =
            serde_json::from_value(json!({"name": "Renamed"})).expect("a valid body");
        let answer = client(&server)
            .update_workflow()
            .org_id(7)
            .team_id(9)
            .workflow_id(101)
            .body(body)
            .send()
            .await
            .expect("the server's answer decodes");
        check_workflow(&answer.data);
    }

    // --- reassignment: data is {bookingUid, reassignedTo} ------------------------------

    fn reassigned() -> Value {
        json!({"status": "success", "data": {
            "bookingUid": "booking_uid_123",
            "reassignedTo": {"id": 123, "name": "John Doe", "email": "john.doe@example.com"}
        }})
    }

    #[tokio::test]
    async fn reassign_booking_decodes_the_new_host() {
        let server = answering(
            "POST",
            "/v2/bookings/booking_uid_123/reassign",
            200,
            reassigned(),
        )
        .await;
        let answer = client(&server)
            .reassign_booking()
            .booking_uid("booking_uid_123")
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.booking_uid, "booking_uid_123");
        assert_eq!(answer.data.reassigned_to.id, 123);
        assert_eq!(answer.data.reassigned_to.email, "john.doe@example.com");
    }

    #[tokio::test]
    async fn reassign_booking_to_user_decodes_the_new_host() {
        let server = answering(
            "POST",
            "/v2/bookings/booking_uid_123/reassign/123",
            200,
            reassigned(),
        )
        .await;
        let answer = client(&server)
            .reassign_booking_to_user()
            .booking_uid("booking_uid_123")
            .user_id(123)
            .body(
                serde_json::from_value::<types::ReassignToUserBookingInput20240813>(json!({}))
                    .expect("an empty body"),
            )
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.reassigned_to.name, "John Doe");
    }

    // --- slots: the envelope, and slot objects in three formats ------------------------

    async fn slots(answer: Value) -> types::GetSlotsOutput20240904 {
        let server = answering("GET", "/v2/slots", 200, answer).await;
        client(&server)
            .get_available_slots()
            .start("2050-09-05")
            .end("2050-09-06")
            .event_type_id("10")
            .send()
            .await
            .expect("the server's answer decodes")
            .into_inner()
    }

    #[tokio::test]
    async fn get_available_slots_decodes_the_default_format() {
        let answer = slots(json!({"status": "success", "data": {
            "2050-09-05": [{"start": "2050-09-05T09:00:00.000+02:00"},
                           {"start": "2050-09-05T10:00:00.000+02:00"}],
            "2050-09-06": []
        }}))
        .await;
        let day = &answer.data["2050-09-05"];
        assert_eq!(day[1].start, "2050-09-05T10:00:00.000+02:00");
        assert!(day[0].end.is_none() && day[0].seats_total.is_none());
        assert!(answer.data["2050-09-06"].is_empty());
    }

    #[tokio::test]
    async fn get_available_slots_decodes_the_range_format() {
        let answer = slots(json!({"status": "success", "data": {
            "2050-09-05": [{"start": "2050-09-05T09:00:00.000+02:00",
                            "end": "2050-09-05T10:00:00.000+02:00"}]
        }}))
        .await;
        assert_eq!(
            answer.data["2050-09-05"][0].end.as_deref(),
            Some("2050-09-05T10:00:00.000+02:00")
        );
    }

    #[tokio::test]
    async fn get_available_slots_decodes_seated_slots() {
        // SlotsOutputService: seated event types add the seat counts, and bookingUid once a
        // seat is booked; with format=range they have `end` too.
        let answer = slots(json!({"status": "success", "data": {
            "2050-09-05": [
                {"start": "2050-09-05T09:00:00.000Z", "seatsBooked": 0, "seatsRemaining": 5,
                 "seatsTotal": 5},
                {"start": "2050-09-05T10:00:00.000Z", "end": "2050-09-05T11:00:00.000Z",
                 "seatsBooked": 2, "seatsRemaining": 3, "seatsTotal": 5, "bookingUid": "bk_1"}
            ]
        }}))
        .await;
        let day = &answer.data["2050-09-05"];
        assert_eq!(day[0].seats_remaining, Some(5));
        assert!(day[0].booking_uid.is_none());
        assert_eq!(day[1].booking_uid.as_deref(), Some("bk_1"));
        assert_eq!(day[1].seats_booked, Some(2));
    }

    // --- reserved slots: numeric slotDuration, data may be null ------------------------

    fn reservation() -> Value {
        json!({"eventTypeId": 10, "slotStart": "2050-09-05T09:00:00.000Z",
               "slotEnd": "2050-09-05T10:00:00.000Z", "slotDuration": 60,
               "reservationUid": "e84be5a3-4696-49e3-acc7-b2f3999c3b94",
               "reservationDuration": 5, "reservationUntil": "2050-09-05T08:05:00.000Z"})
    }

    fn reserve_body() -> types::ReserveSlotInput20240904 {
        serde_json::from_value(json!({"eventTypeId": 10, "slotStart": "2050-09-05T09:00:00Z"}))
            .expect("a valid body")
    }

    #[tokio::test]
    async fn reserve_slot_decodes_a_numeric_duration() {
        let server = answering(
            "POST",
            "/v2/slots/reservations",
            201,
            json!({"status": "success", "data": reservation()}),
        )
        .await;
        let answer = client(&server)
            .reserve_slot()
            .body(reserve_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.slot_duration, 60.0);
    }

    #[tokio::test]
    async fn update_reserved_slot_decodes_a_numeric_duration() {
        let uid = "e84be5a3-4696-49e3-acc7-b2f3999c3b94";
        let server = answering(
            "PATCH",
            &format!("/v2/slots/reservations/{uid}"),
            200,
            json!({"status": "success", "data": reservation()}),
        )
        .await;
        let answer = client(&server)
            .update_reserved_slot()
            .uid(uid)
            .body(reserve_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.reservation_uid, uid);
    }

    #[tokio::test]
    async fn get_reserved_slot_decodes_the_reservation() {
        let mut data = reservation();
        // GetReservedSlotOutput_2024_09_04 (platform types) has no reservationDuration.
        data.as_object_mut()
            .map(|d| d.remove("reservationDuration"));
        let server = answering(
            "GET",
            "/v2/slots/reservations/res_1",
            200,
            json!({"status": "success", "data": data}),
        )
        .await;
        let answer = client(&server)
            .get_reserved_slot()
            .uid("res_1")
            .send()
            .await
            .expect("the server's answer decodes");
        let reservation = answer.data.as_ref().expect("a reservation");
        assert_eq!(reservation.slot_duration, 60.0);
        assert_eq!(reservation.event_type_id, 10);
    }

    #[tokio::test]
    async fn get_reserved_slot_decodes_null_for_an_unknown_uid() {
        // SlotsService.getReservedSlot returns null, the controller answers 200 with it.
        let server = answering(
            "GET",
            "/v2/slots/reservations/unknown",
            200,
            json!({"status": "success", "data": null}),
        )
        .await;
        let answer = client(&server)
            .get_reserved_slot()
            .uid("unknown")
            .send()
            .await
            .expect("the server's answer decodes");
        assert!(answer.data.is_none());
    }

    // --- webhooks: triggers is an array, on the way out and back -----------------------

    const TRIGGERS: [&str; 2] = ["BOOKING_CREATED", "BOOKING_CANCELLED"];

    fn webhook(owner: (&str, Value)) -> Value {
        let mut data = json!({"id": 5, "payloadTemplate": "{}", "triggers": TRIGGERS,
                              "subscriberUrl": "https://example.com/hook", "active": true});
        data[owner.0] = owner.1;
        json!({"status": "success", "data": data})
    }

    fn create_body() -> types::CreateWebhookInputDto {
        serde_json::from_value(
            json!({"active": true, "subscriberUrl": "https://example.com/hook",
                                      "triggers": TRIGGERS}),
        )
        .expect("triggers is an array of trigger values")
    }

    fn update_body() -> types::UpdateWebhookInputDto {
        serde_json::from_value(json!({"triggers": TRIGGERS})).expect("an array of triggers")
    }

    /// The request carried the triggers as the array the server validates.
    async fn sent_triggers(server: &MockServer) {
        assert_eq!(sent_body(server).await["triggers"], json!(TRIGGERS));
    }

    #[tokio::test]
    async fn create_webhook_sends_and_decodes_an_array_of_triggers() {
        let server = answering("POST", "/v2/webhooks", 201, webhook(("userId", json!(3)))).await;
        let answer = client(&server)
            .create_webhook()
            .body(create_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.triggers, TRIGGERS);
        sent_triggers(&server).await;
    }

    #[tokio::test]
    async fn update_webhook_sends_and_decodes_an_array_of_triggers() {
        let server = answering(
            "PATCH",
            "/v2/webhooks/wh_1",
            200,
            webhook(("userId", json!(3))),
        )
        .await;
        let answer = client(&server)
            .update_webhook()
            .webhook_id("wh_1")
            .body(update_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.triggers, TRIGGERS);
        sent_triggers(&server).await;
    }

    #[tokio::test]
    async fn create_event_type_webhook_sends_and_decodes_an_array_of_triggers() {
        let server = answering(
            "POST",
            "/v2/event-types/10/webhooks",
            201,
            webhook(("eventTypeId", json!(10))),
        )
        .await;
        let answer = client(&server)
            .create_event_type_webhook()
            .event_type_id(10)
            .body(create_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.triggers, TRIGGERS);
        sent_triggers(&server).await;
    }

    #[tokio::test]
    async fn update_event_type_webhook_sends_and_decodes_an_array_of_triggers() {
        let server = answering(
            "PATCH",
            "/v2/event-types/10/webhooks/wh_1",
            200,
            webhook(("eventTypeId", json!(10))),
        )
        .await;
        let answer = client(&server)
            .update_event_type_webhook()
            .event_type_id(10)
            .webhook_id("wh_1")
            .body(update_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.triggers, TRIGGERS);
        sent_triggers(&server).await;
    }

    #[tokio::test]
    async fn create_organization_webhook_sends_and_decodes_an_array_of_triggers() {
        let server = answering(
            "POST",
            "/v2/organizations/7/webhooks",
            201,
            webhook(("teamId", json!(7))),
        )
        .await;
        let answer = client(&server)
            .create_organization_webhook()
            .org_id(7)
            .body(create_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.triggers, TRIGGERS);
        sent_triggers(&server).await;
    }

    #[tokio::test]
    async fn update_org_webhook_sends_and_decodes_an_array_of_triggers() {
        let server = answering(
            "PATCH",
            "/v2/organizations/7/webhooks/wh_1",
            200,
            webhook(("teamId", json!(7))),
        )
        .await;
        let answer = client(&server)
            .update_org_webhook()
            .org_id(7)
            .webhook_id("wh_1")
            .body(update_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.triggers, TRIGGERS);
        sent_triggers(&server).await;
    }

    #[tokio::test]
    async fn create_o_auth_client_webhook_sends_and_decodes_an_array_of_triggers() {
        let server = answering(
            "POST",
            "/v2/oauth-clients/oc_1/webhooks",
            201,
            webhook(("oAuthClientId", json!("oc_1"))),
        )
        .await;
        let answer = client(&server)
            .create_o_auth_client_webhook()
            .client_id("oc_1")
            .body(create_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.triggers, TRIGGERS);
        sent_triggers(&server).await;
    }

    #[tokio::test]
    async fn update_o_auth_client_webhook_sends_and_decodes_an_array_of_triggers() {
        let server = answering(
            "PATCH",
            "/v2/oauth-clients/oc_1/webhooks/wh_1",
            200,
            webhook(("oAuthClientId", json!("oc_1"))),
        )
        .await;
        let answer = client(&server)
            .update_o_auth_client_webhook()
            .client_id("oc_1")
            .webhook_id("wh_1")
            .body(update_body())
            .send()
            .await
            .expect("the server's answer decodes");
        assert_eq!(answer.data.triggers, TRIGGERS);
        sent_triggers(&server).await;
    }
}
