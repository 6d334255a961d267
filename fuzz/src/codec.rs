//! The checks every option codec target shares: what the decoder reports
//! about bad payloads, and what the encoders write for good ones.

use telnet_proto::options::{DecodeError, OptionPayload};
use telnet_proto::{Event, Session, TelnetOption};

/// A rejected payload: the error must point where its documentation says.
pub fn check_error(payload: &[u8], error: DecodeError) {
    let len = payload.len();
    match error {
        DecodeError::Truncated { offset } => {
            assert_eq!(offset, len, "Truncated must be at the payload's end")
        }
        DecodeError::MissingTerminator { offset } => {
            assert_eq!(
                offset, len,
                "MissingTerminator must be at the payload's end"
            )
        }
        DecodeError::UnexpectedByte { offset, byte } => assert_eq!(
            payload.get(offset),
            Some(&byte),
            "UnexpectedByte names a byte that is not at its offset"
        ),
        DecodeError::TrailingBytes { offset }
        | DecodeError::InvalidUtf8 { offset }
        | DecodeError::NumberTooLarge { offset }
        | DecodeError::TooDeep { offset } => {
            assert!(
                offset < len,
                "{error:?} points past the payload ({len} bytes)"
            )
        }
        _ => {}
    }
    assert!(!error.to_string().is_empty());
}

/// 0xFF doubled.
pub fn escaped(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        out.push(b);
        if b == 0xff {
            out.push(0xff);
        }
    }
    out
}

/// Encodes a decoded value every way there is and checks the results
/// against each other: the payload against `payload_len` and a buffer one
/// byte short, the frame against `encoded_len`, against the payload
/// escaped by hand, and against what the core parses out of it. Returns the
/// payload bytes.
pub fn check_encoders<'a, T: OptionPayload<'a>>(value: &T) -> Vec<u8> {
    let option = T::OPTION;
    let len = value.payload_len();
    if len > 0 {
        let mut short = vec![0xa5u8; len - 1];
        let err = value
            .encode_payload(&mut short)
            .expect_err("payload into a short buffer");
        assert_eq!((err.required, err.available), (len, len - 1));
        assert!(
            short.iter().all(|&b| b == 0xa5),
            "failed encode_payload wrote"
        );
    }
    let mut payload = vec![0u8; len + 2];
    let n = value
        .encode_payload(&mut payload)
        .expect("payload into a large buffer");
    assert_eq!(n, len, "encode_payload wrote other than payload_len");
    payload.truncate(n);

    let frame_len = value.encoded_len();
    let mut expected = vec![0xff, 0xfa];
    expected.extend(escaped(&[option.0]));
    expected.extend(escaped(&payload));
    expected.extend([0xff, 0xf0]);
    assert_eq!(frame_len, expected.len(), "encoded_len");
    let mut short = vec![0xa5u8; frame_len - 1];
    let err = value
        .encode(&mut short)
        .expect_err("frame into a short buffer");
    assert_eq!((err.required, err.available), (frame_len, frame_len - 1));
    assert!(short.iter().all(|&b| b == 0xa5), "failed encode wrote");
    let mut frame = vec![0u8; frame_len + 2];
    let n = value.encode(&mut frame).expect("frame into a large buffer");
    frame.truncate(n);
    assert_eq!(
        frame, expected,
        "frame is not IAC SB option payload IAC SE, escaped"
    );

    check_core_delivers(option, &frame, &payload);
    payload
}

/// The core parses `frame` back into exactly one subnegotiation of
/// `option` with `payload`.
fn check_core_delivers(option: TelnetOption, frame: &[u8], payload: &[u8]) {
    if payload.len() > 8192 {
        return;
    }
    let mut session: Box<Session<8192>> = Box::default();
    let mut seen = 0;
    let mut feed = session.feed(frame);
    while let Some(event) = feed.poll_event() {
        match event {
            Event::Subnegotiation {
                option: o,
                payload: p,
            } => {
                assert_eq!((o, p), (option, payload), "the core reads another payload");
                seen += 1;
            }
            other => panic!("unexpected event {other:?} for an encoded frame"),
        }
    }
    assert_eq!(seen, 1);
}

/// The decode, re-encode and re-decode cycle of one codec, as a macro
/// because the decoded type borrows the payload it came from.
///
/// `codec_check!(Type, payload, canonical, |value| { ... })` decodes
/// `payload`; an error is checked with [`check_error`]; a value is walked
/// by the block (its accessors must not panic), encoded with
/// [`check_encoders`], compared with `payload` when `canonical` is true,
/// decoded again and encoded again to the same bytes. Evaluates to the
/// re-encoded payload, or `None` for an error.
#[macro_export]
macro_rules! codec_check {
    ($ty:ty, $payload:expr, $canonical:expr, |$value:ident| $walk:block) => {{
        use telnet_proto::options::OptionPayload as _;
        let payload: &[u8] = $payload;
        match <$ty>::decode(payload) {
            Err(error) => {
                $crate::codec::check_error(payload, error);
                None
            }
            Ok($value) => {
                $walk
                let bytes = $crate::codec::check_encoders(&$value);
                if $canonical {
                    assert_eq!(bytes, payload, "decoded {:?} encodes to other bytes", $value);
                }
                let again = <$ty>::decode(&bytes).expect("an encoded payload fails to decode");
                let bytes_again = $crate::codec::check_encoders(&again);
                assert_eq!(bytes_again, bytes, "decode(encode(x)) encodes differently");
                Some(bytes)
            }
        }
    }};
}

/// A borrowed string in escaped form (an environment name or value, STATUS
/// parameters): its byte iterator, `eq_bytes` and `unescape_into` agree.
pub fn check_unescape(
    bytes: Vec<u8>,
    eq_bytes: impl Fn(&[u8]) -> bool,
    unescape_into: impl Fn(&mut [u8]) -> Result<Vec<u8>, telnet_proto::BufferTooSmall>,
) {
    assert!(eq_bytes(&bytes), "eq_bytes rejects the string's own bytes");
    let mut other = bytes.clone();
    other.push(b'x');
    assert!(!eq_bytes(&other), "eq_bytes accepts a longer string");
    let mut exact = vec![0u8; bytes.len()];
    assert_eq!(unescape_into(&mut exact).expect("exact buffer"), bytes);
    if !bytes.is_empty() {
        let mut short = vec![0u8; bytes.len() - 1];
        let err = unescape_into(&mut short).expect_err("short buffer");
        assert_eq!(err.required, bytes.len());
    }
}

/// Walks the variables of a NEW-ENVIRON or OLD-ENVIRON message.
pub fn walk_environ(msg: &telnet_proto::options::new_environ::Environ<'_>) {
    let _ = msg.is_send_all();
    for var in msg.vars() {
        for s in [Some(var.name), var.value].into_iter().flatten() {
            let bytes: Vec<u8> = s.bytes().collect();
            assert_eq!(bytes.len(), s.len());
            assert_eq!(s.is_empty(), bytes.is_empty());
            if let Some(plain) = s.as_plain() {
                assert_eq!(plain, &bytes[..]);
            }
            check_unescape(
                bytes,
                |b| s.eq_bytes(b),
                |buf| s.unescape_into(buf).map(|u| u.to_vec()),
            );
        }
    }
}
