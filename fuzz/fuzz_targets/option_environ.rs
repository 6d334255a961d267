//! `option_environ`: OLD-ENVIRON messages (RFC 1408, with RFC 1571's guess
//! at peers that swap VAR and VALUE).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes in the dialect it was read in, and the encoded frame parses back
//! through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::environ::OldEnviron;

fuzz_target!(|payload: &[u8]| {
    codec_check!(OldEnviron, payload, true, |msg| {
        telnet_fuzz::codec::walk_environ(&msg.0);
    });
});
