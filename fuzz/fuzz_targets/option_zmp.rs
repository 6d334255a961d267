//! `option_zmp`: ZMP messages (option 93).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::zmp::Zmp;

fuzz_target!(|payload: &[u8]| {
    codec_check!(Zmp, payload, true, |msg| {
        let parts: Vec<&[u8]> = msg.parts().collect();
        assert_eq!(parts.first().copied(), Some(msg.command()));
        assert_eq!(msg.args().count() + 1, parts.len());
        // Rebuilt from its parts, the message is the same.
        let rebuilt = Zmp::new(&parts).expect("parts of a decoded message are valid");
        let mut a = vec![0u8; payload.len() + 16];
        let mut b = vec![0u8; payload.len() + 16];
        use telnet_proto::options::OptionPayload;
        let n = msg.encode_payload(&mut a).unwrap();
        let m = rebuilt.encode_payload(&mut b).unwrap();
        assert_eq!(a[..n], b[..m]);
    });
});
