//! `option_ttype`: TTYPE terminal types (RFC 1091) and MTTS.
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::ttype::{Cycle, Mtts, TerminalType};

fuzz_target!(|payload: &[u8]| {
    codec_check!(TerminalType, payload, true, |ttype| {
        if let TerminalType::Is(name) = ttype {
            if let Some(mtts) = Mtts::parse(name) {
                let mut buf = [0u8; 15];
                let written = mtts.write_name(&mut buf);
                assert_eq!(
                    Mtts::parse(written),
                    Some(mtts),
                    "MTTS name {written:?} does not read back"
                );
            }
            let mut cycle = Cycle::new();
            let _ = cycle.handle_is(name);
            let _ = cycle.handle_is(name);
            assert!(cycle.is_done(), "a name repeated does not end the cycle");
            let _ = (cycle.first(), cycle.mtts(), cycle.answers());
        }
    });
});
