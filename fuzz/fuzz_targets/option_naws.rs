//! `option_naws`: NAWS window sizes (RFC 1073).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::naws::WindowSize;

fuzz_target!(|payload: &[u8]| {
    let decoded = codec_check!(WindowSize, payload, true, |size| {
        let _ = (size.width, size.height);
    });
    // The module promises that every four-byte payload decodes.
    assert_eq!(decoded.is_some(), payload.len() == 4);
});
