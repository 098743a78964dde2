//! The delivery's envelope, its trigger event, and the booking fields of booking events.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::error::WebhookError;

/// One delivery in Cal.com's envelope: `{"triggerEvent", "createdAt", "payload"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    /// What happened.
    pub trigger_event: TriggerEvent,
    /// When Cal.com sent it.
    pub created_at: DateTime<Utc>,
    /// The event's data, as sent. [`WebhookEvent::booking`] reads the booking fields.
    pub payload: Value,
}

impl WebhookEvent {
    /// Reads a delivery body (verify it first, or use
    /// [`verify_and_parse`](super::verify_and_parse)).
    ///
    /// A JSON body without the envelope's keys, as a custom payload template sends, is
    /// [`WebhookError::CustomPayload`] with the parsed JSON; a body that is not JSON is
    /// [`WebhookError::NotJson`].
    pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
        let value: Value = serde_json::from_slice(body).map_err(WebhookError::NotJson)?;
        let is_envelope = value.as_object().is_some_and(|object| {
            ["triggerEvent", "createdAt", "payload"]
                .iter()
                .all(|key| object.contains_key(*key))
        });
        if !is_envelope {
            return Err(WebhookError::CustomPayload(Box::new(value)));
        }
        serde_json::from_value(value).map_err(WebhookError::InvalidEnvelope)
    }

    /// The booking fields of the payload, for the events that carry a booking
    /// ([`TriggerEvent::carries_booking`]); every field is optional, unknown ones stay in
    /// [`WebhookEvent::payload`].
    pub fn booking(&self) -> Result<BookingPayload, WebhookError> {
        if !self.trigger_event.carries_booking() {
            return Err(WebhookError::NotABookingEvent(
                self.trigger_event.as_str().to_string(),
            ));
        }
        BookingPayload::deserialize(&self.payload).map_err(WebhookError::InvalidBooking)
    }
}

macro_rules! trigger_events {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A webhook trigger event. Events this version does not know are kept as
        /// [`TriggerEvent::Unknown`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum TriggerEvent {
            $($(#[$doc])* $variant,)*
            /// An event this version does not know, as sent.
            Unknown(String),
        }

        impl TriggerEvent {
            /// Every event this version knows, in Cal.com's order.
            pub const KNOWN: &'static [TriggerEvent] = &[$(TriggerEvent::$variant,)*];

            /// The name Cal.com sends (`BOOKING_CREATED`).
            pub fn as_str(&self) -> &str {
                match self {
                    $(TriggerEvent::$variant => $name,)*
                    TriggerEvent::Unknown(name) => name,
                }
            }
        }

        impl FromStr for TriggerEvent {
            type Err = std::convert::Infallible;

            fn from_str(name: &str) -> Result<Self, Self::Err> {
                Ok(match name {
                    $($name => TriggerEvent::$variant,)*
                    other => TriggerEvent::Unknown(other.to_string()),
                })
            }
        }
    };
}

trigger_events! {
    /// A booking was made (or confirmed).
    BookingCreated = "BOOKING_CREATED",
    /// A paid booking's payment was started.
    BookingPaymentInitiated = "BOOKING_PAYMENT_INITIATED",
    /// A paid booking was paid.
    BookingPaid = "BOOKING_PAID",
    /// A booking was moved.
    BookingRescheduled = "BOOKING_RESCHEDULED",
    /// A booking that needs confirmation was requested.
    BookingRequested = "BOOKING_REQUESTED",
    /// A booking was cancelled.
    BookingCancelled = "BOOKING_CANCELLED",
    /// A requested booking was rejected.
    BookingRejected = "BOOKING_REJECTED",
    /// Attendees' no-show flags changed (payload: `message`, `bookingUid`, `attendees`).
    BookingNoShowUpdated = "BOOKING_NO_SHOW_UPDATED",
    /// A routing form was submitted.
    FormSubmitted = "FORM_SUBMITTED",
    /// A meeting ended.
    MeetingEnded = "MEETING_ENDED",
    /// A meeting started.
    MeetingStarted = "MEETING_STARTED",
    /// A Cal Video recording is ready.
    RecordingReady = "RECORDING_READY",
    /// An instant meeting was created.
    InstantMeeting = "INSTANT_MEETING",
    /// A Cal Video recording's transcription is ready.
    RecordingTranscriptionGenerated = "RECORDING_TRANSCRIPTION_GENERATED",
    /// An out-of-office entry was created (payload: `oooEntry`).
    OooCreated = "OOO_CREATED",
    /// Hosts did not join a Cal Video meeting.
    AfterHostsCalVideoNoShow = "AFTER_HOSTS_CAL_VIDEO_NO_SHOW",
    /// Guests did not join a Cal Video meeting.
    AfterGuestsCalVideoNoShow = "AFTER_GUESTS_CAL_VIDEO_NO_SHOW",
    /// A routing form was submitted without a booking following.
    FormSubmittedNoEvent = "FORM_SUBMITTED_NO_EVENT",
}

impl TriggerEvent {
    /// Whether the payload is a booking ([`BookingPayload`]): the `BOOKING_*` events
    /// except `BOOKING_NO_SHOW_UPDATED`, and `MEETING_STARTED` / `MEETING_ENDED`.
    pub fn carries_booking(&self) -> bool {
        matches!(
            self,
            TriggerEvent::BookingCreated
                | TriggerEvent::BookingPaymentInitiated
                | TriggerEvent::BookingPaid
                | TriggerEvent::BookingRescheduled
                | TriggerEvent::BookingRequested
                | TriggerEvent::BookingCancelled
                | TriggerEvent::BookingRejected
                | TriggerEvent::MeetingStarted
                | TriggerEvent::MeetingEnded
        )
    }
}

impl fmt::Display for TriggerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TriggerEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TriggerEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(match name.parse() {
            Ok(event) => event,
            Err(never) => match never {},
        })
    }
}

/// The booking fields of a booking event's payload (Cal.com's calendar event plus the
/// booking's id, status and event type). Every field is optional: Cal.com omits or nulls
/// many of them depending on the event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BookingPayload {
    /// The booking's numeric id.
    pub booking_id: Option<i64>,
    /// The booking's uid (what the API's booking operations take).
    pub uid: Option<String>,
    /// The booking's title.
    pub title: Option<String>,
    /// The event type's slug.
    #[serde(rename = "type")]
    pub event_type_slug: Option<String>,
    /// The event type's id.
    pub event_type_id: Option<i64>,
    /// The description, or the booker's additional notes.
    pub description: Option<String>,
    /// The booker's additional notes.
    pub additional_notes: Option<String>,
    /// Start of the booking.
    pub start_time: Option<DateTime<Utc>>,
    /// End of the booking.
    pub end_time: Option<DateTime<Utc>>,
    /// Length in minutes.
    pub length: Option<i64>,
    /// The organizer.
    pub organizer: Option<Person>,
    /// The attendees.
    pub attendees: Option<Vec<Person>>,
    /// Where it takes place (an address, a link, or an app's location type).
    pub location: Option<String>,
    /// `ACCEPTED`, `PENDING`, `CANCELLED`, `REJECTED`, ….
    pub status: Option<String>,
    /// The booking form's answers, by field name.
    pub responses: Option<Value>,
    /// The booking's metadata.
    pub metadata: Option<Value>,
    /// Why it was cancelled (`BOOKING_CANCELLED`).
    pub cancellation_reason: Option<String>,
    /// Who cancelled it (`BOOKING_CANCELLED`).
    pub cancelled_by: Option<String>,
    /// Why it was rejected (`BOOKING_REJECTED`).
    pub rejection_reason: Option<String>,
    /// The uid of the booking this one replaces (`BOOKING_RESCHEDULED`).
    pub reschedule_uid: Option<String>,
    /// Who rescheduled it (`BOOKING_RESCHEDULED`).
    pub rescheduled_by: Option<String>,
}

/// An organizer or attendee of a booking.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Person {
    /// Their user id (organizers).
    pub id: Option<i64>,
    /// Their name.
    pub name: Option<String>,
    /// Their email address.
    pub email: Option<String>,
    /// Their username (organizers).
    pub username: Option<String>,
    /// Their IANA time zone.
    pub time_zone: Option<String>,
    /// Their UTC offset in minutes at the booking's start.
    pub utc_offset: Option<i64>,
    /// Their phone number.
    pub phone_number: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_event_round_trips_and_unknown_ones_are_kept() {
        assert_eq!(TriggerEvent::KNOWN.len(), 18);
        for event in TriggerEvent::KNOWN {
            let json = serde_json::to_value(event).unwrap();
            assert_eq!(json, Value::String(event.as_str().to_string()));
            assert_eq!(
                &serde_json::from_value::<TriggerEvent>(json).unwrap(),
                event
            );
        }
        let unknown: TriggerEvent = serde_json::from_str("\"WRONG_NEW_EVENT\"").unwrap();
        assert_eq!(unknown, TriggerEvent::Unknown("WRONG_NEW_EVENT".into()));
        assert_eq!(unknown.to_string(), "WRONG_NEW_EVENT");
    }

    #[test]
    fn parses_a_booking_event() {
        let body = br#"{
            "triggerEvent": "BOOKING_CANCELLED",
            "createdAt": "2025-09-26T10:00:00.123Z",
            "payload": {
                "type": "intro", "title": "Intro between Ada and Bob", "bookingId": 7,
                "uid": "bk_7", "startTime": "2025-10-01T09:00:00Z", "endTime": "2025-10-01T09:30:00Z",
                "organizer": {"id": 1, "name": "Ada", "email": "ada@example.com", "timeZone": "Europe/London",
                              "language": {"locale": "en"}, "utcOffset": 60},
                "attendees": [{"name": "Bob", "email": "bob@example.com", "timeZone": "America/New_York",
                               "utcOffset": -240, "phoneNumber": null}],
                "location": "integrations:daily", "status": "CANCELLED", "cancellationReason": "ill",
                "responses": {"name": {"value": "Bob"}}, "metadata": {}, "newField": true
            }
        }"#;
        let event = WebhookEvent::parse(body).unwrap();
        assert_eq!(event.trigger_event, TriggerEvent::BookingCancelled);
        assert_eq!(
            event.created_at.to_rfc3339(),
            "2025-09-26T10:00:00.123+00:00"
        );
        assert_eq!(event.payload["newField"], Value::Bool(true));
        let booking = event.booking().unwrap();
        assert_eq!(booking.booking_id, Some(7));
        assert_eq!(booking.uid.as_deref(), Some("bk_7"));
        assert_eq!(booking.event_type_slug.as_deref(), Some("intro"));
        assert_eq!(booking.cancellation_reason.as_deref(), Some("ill"));
        assert_eq!(
            booking.start_time.map(|t| t.to_rfc3339()).as_deref(),
            Some("2025-10-01T09:00:00+00:00")
        );
        let organizer = booking.organizer.unwrap();
        assert_eq!(organizer.email.as_deref(), Some("ada@example.com"));
        assert_eq!(organizer.utc_offset, Some(60));
        let attendees = booking.attendees.unwrap();
        assert_eq!(attendees[0].time_zone.as_deref(), Some("America/New_York"));
        assert_eq!(attendees[0].phone_number, None);
    }

    #[test]
    fn says_what_is_not_an_envelope() {
        assert!(matches!(
            WebhookEvent::parse(b"name=Bob&event=BOOKING_CREATED"),
            Err(WebhookError::NotJson(_))
        ));
        match WebhookEvent::parse(br#"{"event": "booked", "who": "Bob"}"#) {
            Err(WebhookError::CustomPayload(value)) => assert_eq!(value["who"], "Bob"),
            other => panic!("expected CustomPayload, got {other:?}"),
        }
        assert!(matches!(
            WebhookEvent::parse(br#"[1, 2]"#),
            Err(WebhookError::CustomPayload(_))
        ));
        assert!(matches!(
            WebhookEvent::parse(br#"{"triggerEvent": 3, "createdAt": "x", "payload": {}}"#),
            Err(WebhookError::InvalidEnvelope(_))
        ));
    }

    #[test]
    fn booking_access_is_typed() {
        let event = |trigger: &str, payload: &str| {
            WebhookEvent::parse(
                format!(
                    r#"{{"triggerEvent":"{trigger}","createdAt":"2025-09-26T10:00:00Z","payload":{payload}}}"#
                )
                .as_bytes(),
            )
            .unwrap()
        };
        assert!(matches!(
            event("OOO_CREATED", r#"{"oooEntry": {}}"#).booking(),
            Err(WebhookError::NotABookingEvent(name)) if name == "OOO_CREATED"
        ));
        assert!(matches!(
            event("BOOKING_CREATED", r#"{"startTime": "tomorrow"}"#).booking(),
            Err(WebhookError::InvalidBooking(_))
        ));
        assert_eq!(
            event("MEETING_ENDED", r#"{"uid": "bk_9"}"#)
                .booking()
                .unwrap()
                .uid
                .as_deref(),
            Some("bk_9")
        );
    }
}
