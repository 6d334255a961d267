//! `option_gmcp`: GMCP messages (option 201).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::gmcp::Gmcp;

fuzz_target!(|payload: &[u8]| {
    codec_check!(Gmcp, payload, true, |msg| {
        let (module, message) = (msg.module(), msg.message());
        assert!(msg.package.starts_with(module) && msg.package.ends_with(message));
        assert!(msg.is(msg.package));
    });
});
