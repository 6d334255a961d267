//! `option_xdisploc`: XDISPLOC X display locations (RFC 1096).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::xdisploc::DisplayLocation;

fuzz_target!(|payload: &[u8]| {
    codec_check!(DisplayLocation, payload, true, |location| {
        if let Some((host, display)) = location.parts() {
            if let DisplayLocation::Is(text) = location {
                assert_eq!(format!("{host}:{display}"), text);
            }
        }
    });
});
