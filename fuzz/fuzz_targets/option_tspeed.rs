//! `option_tspeed`: TSPEED terminal speeds (RFC 1079).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes when it has no leading zeros (the one spelling the module documents as not canonical), and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::tspeed::TerminalSpeed;
use telnet_proto::options::OptionPayload;

fuzz_target!(|payload: &[u8]| {
    // Leading zeros are the documented exception: a number of more than one
    // digit starting with 0, after the IS byte or the comma.
    let canonical = !payload.is_empty()
        && payload[1..]
            .split(|&b| b == b',')
            .all(|n| !(n.len() > 1 && n[0] == b'0'));
    if let Some(bytes) = codec_check!(TerminalSpeed, payload, canonical, |speed| {
        let _ = speed;
    }) {
        // Whatever the spelling, the values survive.
        assert_eq!(
            TerminalSpeed::decode(&bytes),
            TerminalSpeed::decode(payload)
        );
    }
});
