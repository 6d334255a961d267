//! `option_status`: STATUS reports (RFC 859).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::status::{Status, StatusItem};

fuzz_target!(|payload: &[u8]| {
    codec_check!(Status, payload, true, |msg| {
        for item in msg.items() {
            if let StatusItem::Subnegotiation { params, .. } = item {
                telnet_fuzz::codec::check_unescape(
                    params.bytes().collect(),
                    |b| params.eq_bytes(b),
                    |buf| params.unescape_into(buf).map(|s| s.to_vec()),
                );
            }
        }
    });
});
