//! `option_msdp`: MSDP messages (option 69).
//!
//! Any bytes as the payload of an `Event::Subnegotiation`: decoding never
//! panics, an error points where its documentation says, and a decoded
//! value's accessors can be walked; what decodes encodes back to the same
//! bytes, and the encoded frame parses back through the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::codec_check;
use telnet_proto::options::msdp::{Builder, Msdp, Token, MAX_DEPTH};

fuzz_target!(|payload: &[u8]| {
    codec_check!(Msdp, payload, true, |msg| {
        // Rebuilt token by token with the Builder, the message is the same.
        let mut buf = vec![0u8; payload.len()];
        let mut builder = Builder::new(&mut buf);
        let mut tokens = msg.tokens();
        while let Some(token) = tokens.next() {
            assert!(tokens.depth() <= MAX_DEPTH);
            match token {
                Token::Var(name) => builder.var(name),
                Token::Val(value) => builder.val(value),
                Token::TableOpen => builder.table_open(),
                Token::TableClose => builder.table_close(),
                Token::ArrayOpen => builder.array_open(),
                Token::ArrayClose => builder.array_close(),
            };
        }
        let rebuilt: Msdp<'_> = builder
            .finish()
            .expect("the tokens of a valid message build");
        assert_eq!(rebuilt.payload(), payload);
        assert_eq!(msg.payload(), payload);
    });
});
