//! `option_new_environ`: NEW-ENVIRON messages (RFC 1572).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::new_environ::Environ;

fuzz_target!(|payload: &[u8]| {
    codec_check!(Environ, payload, true, |msg| {
        assert!(!msg.is_reversed());
        telnet_fuzz::codec::walk_environ(&msg);
    });
});
