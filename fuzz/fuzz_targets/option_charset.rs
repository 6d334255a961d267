//! `option_charset`: CHARSET messages (RFC 2066).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::charset::Charset;

fuzz_target!(|payload: &[u8]| {
    codec_check!(Charset, payload, true, |msg| {
        for name in msg.names() {
            if let Charset::Request { separator, .. } = msg {
                assert!(!name.contains(&separator), "a name contains the separator");
            }
        }
    });
});
