//! `option_lflow`: LFLOW remote flow control (RFC 1372).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::lflow::FlowControl;

fuzz_target!(|payload: &[u8]| {
    let decoded = codec_check!(FlowControl, payload, true, |flow| {
        let _ = flow;
    });
    assert_eq!(decoded.is_some(), payload.len() == 1 && payload[0] <= 3);
});
