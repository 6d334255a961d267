//! `option_linemode`: LINEMODE messages (RFC 1184).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::linemode::Linemode;

fuzz_target!(|payload: &[u8]| {
    codec_check!(Linemode, payload, true, |msg| {
        let triplets = msg.slcs().count();
        if let Linemode::Slc(_) = msg {
            assert_eq!(
                triplets * 3 + 1,
                payload.len(),
                "SLC triplets do not cover the payload"
            );
        }
    });
});
