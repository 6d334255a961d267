//! `option_mssp`: MSSP server status (option 70).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::mssp::{Entry, Mssp};

fuzz_target!(|payload: &[u8]| {
    codec_check!(Mssp, payload, true, |msg| {
        // Rebuilt from what the iterators give, the message is the same.
        let vars: Vec<(&[u8], Vec<&[u8]>)> =
            msg.vars().map(|v| (v.name, v.values().collect())).collect();
        for (name, values) in &vars {
            assert!(!values.is_empty(), "variable {name:?} without a value");
        }
        let entries: Vec<Entry<'_>> = vars.iter().map(|(n, v)| Entry::new(n, v)).collect();
        let mut buf = vec![0u8; payload.len()];
        let n = Mssp::new(&entries)
            .encode_payload(&mut buf)
            .expect("same size");
        assert_eq!(&buf[..n], payload, "vars() and values() lose something");
    });
});
