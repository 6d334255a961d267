//! The telnetlib read family, expect, writes and options, against a
//! scripted peer on an in-memory pipe (time is simulated, so timeouts do not
//! depend on the machine's speed).

use std::time::Duration;

use regex::bytes::Regex;
use telnet_proto::{Command, Config, Negotiation, Policy, Side, TelnetOption, Verb};
use telnet_tokio::{Error, Item, Telnet};
use tokio::io::{duplex, AsyncReadExt, AsyncWriteExt, DuplexStream};

fn pair() -> (Telnet<DuplexStream>, DuplexStream) {
    let (a, b) = duplex(64 * 1024);
    (Telnet::new(a), b)
}

const SEC: Duration = Duration::from_secs(1);

#[tokio::test(start_paused = true)]
async fn read_until_spans_reads_and_keeps_the_rest() {
    let (mut t, mut peer) = pair();
    peer.write_all(b"login").await.unwrap();
    let task = tokio::spawn(async move {
        tokio::time::sleep(SEC).await;
        peer.write_all(b": rest").await.unwrap();
        peer
    });
    assert_eq!(t.read_until(b"in:").await.unwrap(), b"login:");
    let _peer = task.await.unwrap();
    assert_eq!(t.read_very_lazy().unwrap(), b" rest");
}

#[tokio::test(start_paused = true)]
async fn read_until_returns_what_it_has_on_timeout() {
    let (mut t, mut peer) = pair();
    t.set_timeout(Some(SEC));
    peer.write_all(b"partial").await.unwrap();
    assert_eq!(t.read_until(b"$ ").await.unwrap(), b"partial");
    // A per-call timeout overrides the session's; nothing came: empty.
    let got = t
        .read_until_timeout(b"$ ", Some(Duration::from_millis(10)))
        .await
        .unwrap();
    assert!(got.is_empty());
}

#[tokio::test(start_paused = true)]
async fn read_until_at_eof_returns_the_rest_then_eof() {
    let (mut t, mut peer) = pair();
    peer.write_all(b"no prompt here").await.unwrap();
    drop(peer);
    assert_eq!(t.read_until(b"$ ").await.unwrap(), b"no prompt here");
    assert!(t.read_until(b"$ ").await.unwrap_err().is_eof());
}

#[tokio::test(start_paused = true)]
async fn iac_sequences_split_across_reads() {
    let (mut t, mut peer) = pair();
    let task = tokio::spawn(async move {
        // "a", IAC IAC (split), "b", IAC AYT (split), "c\n"
        for chunk in [&b"a\xff"[..], b"\xffb\xff", b"\xf6c", b"\n"] {
            peer.write_all(chunk).await.unwrap();
            tokio::time::sleep(SEC).await;
        }
        peer
    });
    t.set_event_capacity(8);
    assert_eq!(t.read_until(b"\n").await.unwrap(), b"a\xffbc\n");
    assert_eq!(
        t.try_next_event(),
        Some(Item::Command(Command::AreYouThere))
    );
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn read_all_reads_to_eof() {
    let (mut t, mut peer) = pair();
    tokio::spawn(async move {
        peer.write_all(b"one ").await.unwrap();
        tokio::time::sleep(SEC).await;
        peer.write_all(b"two").await.unwrap();
    });
    assert_eq!(t.read_all().await.unwrap(), b"one two");
    // At EOF read_all is not an error: it returns nothing.
    assert_eq!(t.read_all().await.unwrap(), b"");
}

#[tokio::test(start_paused = true)]
async fn read_all_times_out_and_keeps_the_data() {
    let (mut t, mut peer) = pair();
    peer.write_all(b"kept").await.unwrap();
    t.set_timeout(Some(SEC));
    assert!(t.read_all().await.unwrap_err().is_timeout());
    drop(peer);
    assert_eq!(t.read_all().await.unwrap(), b"kept");
}

#[tokio::test(start_paused = true)]
async fn read_some_waits_for_data_and_is_empty_at_eof() {
    let (mut t, mut peer) = pair();
    tokio::spawn(async move {
        tokio::time::sleep(SEC).await;
        // Only a negotiation first: read_some must keep waiting for data.
        peer.write_all(b"\xff\xfb\x01").await.unwrap();
        tokio::time::sleep(SEC).await;
        peer.write_all(b"x").await.unwrap();
    });
    assert_eq!(t.read_some().await.unwrap(), b"x");
    assert_eq!(t.read_some().await.unwrap(), b"");
    assert_eq!(t.read_some().await.unwrap(), b"");
}

#[tokio::test(start_paused = true)]
async fn read_some_times_out() {
    let (mut t, _peer) = pair();
    let err = t.read_some_timeout(Some(SEC)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout));
}

#[tokio::test(start_paused = true)]
async fn eager_reads_never_wait() {
    let (mut t, mut peer) = pair();
    // Nothing there: empty at once (no timeout set, so waiting would hang).
    assert_eq!(t.read_very_eager().await.unwrap(), b"");
    assert_eq!(t.read_eager().await.unwrap(), b"");
    // Data followed by half a command: the data comes, the command waits.
    peer.write_all(b"ready\xff").await.unwrap();
    assert_eq!(t.read_very_eager().await.unwrap(), b"ready");
    peer.write_all(b"\xf1more").await.unwrap();
    assert_eq!(t.read_eager().await.unwrap(), b"more");
    drop(peer);
    assert!(t.read_very_eager().await.unwrap_err().is_eof());
    assert!(t.read_eager().await.unwrap_err().is_eof());
}

#[tokio::test(start_paused = true)]
async fn lazy_reads_do_no_io() {
    let (mut t, mut peer) = pair();
    peer.write_all(b"unseen").await.unwrap();
    // Nothing was read from the stream yet.
    assert_eq!(t.read_lazy().unwrap(), b"");
    assert_eq!(t.read_very_lazy().unwrap(), b"");
    assert_eq!(t.read_some().await.unwrap(), b"unseen");
    drop(peer);
    assert_eq!(t.read_some().await.unwrap(), b"");
    assert!(t.read_lazy().unwrap_err().is_eof());
    assert!(t.read_very_lazy().unwrap_err().is_eof());
}

#[tokio::test(start_paused = true)]
async fn read_sb_data_returns_the_last_payload_once() {
    let (mut t, mut peer) = pair();
    // IAC SB TTYPE IS "xterm" with an escaped 0xFF, then data.
    peer.write_all(b"\xff\xfa\x18\x00xt\xff\xffrm\xff\xf0.")
        .await
        .unwrap();
    assert_eq!(t.read_until(b".").await.unwrap(), b".");
    assert_eq!(t.read_sb_data(), b"\x00xt\xffrm");
    assert_eq!(t.read_sb_data(), b"");
}

#[tokio::test(start_paused = true)]
async fn expect_picks_the_first_pattern_in_the_list_that_matches() {
    let (mut t, mut peer) = pair();
    let patterns = [
        Regex::new(r"[Pp]assword: ").unwrap(),
        Regex::new(r"login: ").unwrap(),
    ];
    peer.write_all(b"Welcome\r\nlogin: ").await.unwrap();
    let got = t.expect(&patterns).await.unwrap();
    assert_eq!(got.index, Some(1));
    assert_eq!(got.matched(), Some(&b"login: "[..]));
    assert_eq!(got.text, b"Welcome\r\nlogin: ");
    // Both match: the first in the list wins, even though it is later.
    peer.write_all(b"login: Password: tail").await.unwrap();
    let got = t.expect(&patterns).await.unwrap();
    assert_eq!(got.index, Some(0));
    assert_eq!(got.text, b"login: Password: ");
    assert_eq!(got.span, Some(7..17));
    assert_eq!(t.read_very_lazy().unwrap(), b"tail");
}

#[tokio::test(start_paused = true)]
async fn expect_match_spans_reads() {
    let (mut t, mut peer) = pair();
    let patterns = [Regex::new(r"\$ $").unwrap()];
    tokio::spawn(async move {
        peer.write_all(b"user@host:~").await.unwrap();
        tokio::time::sleep(SEC).await;
        peer.write_all(b"$").await.unwrap();
        tokio::time::sleep(SEC).await;
        peer.write_all(b" ").await.unwrap();
        tokio::time::sleep(SEC * 100).await;
    });
    let got = t.expect(&patterns).await.unwrap();
    assert_eq!((got.index, &got.text[..]), (Some(0), &b"user@host:~$ "[..]));
}

#[tokio::test(start_paused = true)]
async fn expect_timeout_and_eof() {
    let (mut t, mut peer) = pair();
    let patterns = [Regex::new("never").unwrap()];
    peer.write_all(b"some text").await.unwrap();
    let got = t.expect_timeout(&patterns, Some(SEC)).await.unwrap();
    assert_eq!(
        (got.index, got.span, &got.text[..]),
        (None, None, &b"some text"[..])
    );
    peer.write_all(b"last words").await.unwrap();
    drop(peer);
    let got = t.expect(&patterns).await.unwrap();
    assert_eq!((got.index, &got.text[..]), (None, &b"last words"[..]));
    assert!(t.expect(&patterns).await.unwrap_err().is_eof());
}

#[tokio::test(start_paused = true)]
async fn replies_are_sent_while_reading() {
    let (mut t, mut peer) = pair();
    // DO TTYPE, WILL ECHO, then data.
    peer.write_all(b"\xff\xfd\x18\xff\xfb\x01hello")
        .await
        .unwrap();
    assert_eq!(t.read_some().await.unwrap(), b"hello");
    // The refusals were written by the read itself.
    let mut got = [0u8; 6];
    peer.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"\xff\xfc\x18\xff\xfe\x01");
}

#[tokio::test(start_paused = true)]
async fn an_invalid_command_is_an_error_and_sends_nothing() {
    let (mut t, mut peer) = pair();
    for code in 250..=255 {
        let err = t.send_command(Command::Unknown(code)).await.unwrap_err();
        let telnet_tokio::Error::Io(err) = err else {
            panic!("{err:?}")
        };
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains(&format!("IAC {code} ")), "{err}");
    }
    t.send_command(Command::Nop).await.unwrap();
    drop(t);
    let mut got = Vec::new();
    peer.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"\xff\xf1");
}

#[tokio::test(start_paused = true)]
async fn writes_escape_and_translate() {
    let (mut t, mut peer) = pair();
    t.write(b"a\xffb\n").await.unwrap();
    t.write_text(&b"x\ny\rz\xff"[..]).await.unwrap();
    t.send_command(Command::AreYouThere).await.unwrap();
    t.send_subnegotiation(TelnetOption::NAWS, &[0, 255, 0, 24])
        .await
        .unwrap();
    drop(t);
    let mut got = Vec::new();
    peer.read_to_end(&mut got).await.unwrap();
    let want: &[u8] =
        b"a\xff\xffb\nx\r\ny\r\0z\xff\xff\xff\xf6\xff\xfa\x1f\x00\xff\xff\x00\x18\xff\xf0";
    assert_eq!(got, want);
}

#[tokio::test(start_paused = true)]
async fn prompts_end_with_ga_or_eor_as_negotiated() {
    let policy = Policy::new().with_local(TelnetOption::EOR);
    let (a, mut peer) = duplex(4096);
    let mut t = Telnet::with_config(a, Config::new().policy(policy));
    t.write_prompt("> ").await.unwrap();
    let mut got = [0u8; 4];
    peer.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"> \xff\xf9"); // GA: EOR is not on yet
    peer.write_all(b"\xff\xfd\x19").await.unwrap(); // DO EOR
    assert_eq!(t.read_very_eager().await.unwrap(), b"");
    let mut got = [0u8; 3];
    peer.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"\xff\xfb\x19"); // WILL EOR
    t.write_prompt("> ").await.unwrap();
    let mut got = [0u8; 4];
    peer.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"> \xff\xef"); // EOR
}

#[tokio::test(start_paused = true)]
async fn enable_and_disable_follow_rfc_1143() {
    let (mut t, mut peer) = pair();
    t.enable(Side::Remote, TelnetOption::NAWS).await.unwrap();
    t.enable(Side::Remote, TelnetOption::NAWS).await.unwrap(); // pending: nothing sent
    let mut got = [0u8; 3];
    peer.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"\xff\xfd\x1f");
    assert!(!t.is_enabled(Side::Remote, TelnetOption::NAWS));
    t.set_event_capacity(8);
    peer.write_all(b"\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0")
        .await
        .unwrap();
    let mut events = Vec::new();
    while events.len() < 2 {
        events.push(t.next_event().await.unwrap());
    }
    assert_eq!(
        events[0].option_change(),
        Some((TelnetOption::NAWS, Side::Remote, true))
    );
    assert_eq!(
        events,
        [
            // The answer to our DO: nothing to send back.
            Item::Negotiation {
                received: Negotiation::new(Verb::Will, TelnetOption::NAWS),
                reply: None,
                changed: Some(true),
            },
            Item::Subnegotiation {
                option: TelnetOption::NAWS,
                payload: vec![0, 80, 0, 24].into()
            },
        ]
    );
    assert!(t.is_enabled(Side::Remote, TelnetOption::NAWS));
    t.disable(Side::Remote, TelnetOption::NAWS).await.unwrap();
    peer.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"\xff\xfe\x1f");
    assert!(!t.is_enabled(Side::Remote, TelnetOption::NAWS));
}

#[tokio::test(start_paused = true)]
async fn the_negotiation_callback_answers_instead_of_the_table() {
    let (mut t, mut peer) = pair();
    t.set_negotiation_callback(Some(Box::new(|n, session| {
        if n == Negotiation::new(Verb::Do, TelnetOption::BINARY) {
            session.set_option_state(Side::Local, TelnetOption::BINARY, true);
            Some(Negotiation::new(Verb::Will, TelnetOption::BINARY))
        } else {
            None // silence, which the automatic mode would never do
        }
    })));
    peer.write_all(b"\xff\xfd\x00\xff\xfd\x18.").await.unwrap();
    assert_eq!(t.read_until(b".").await.unwrap(), b".");
    assert!(t.is_enabled(Side::Local, TelnetOption::BINARY));
    // With BINARY on our side, text is sent without NVT translation.
    t.write_text("a\n").await.unwrap();
    let mut got = [0u8; 5];
    peer.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"\xff\xfb\x00a\n");
}

#[tokio::test(start_paused = true)]
async fn async_read_and_write_carry_decoded_data() {
    let (mut t, mut peer) = pair();
    peer.write_all(b"ab\xff\xffc\xff\xf1d").await.unwrap();
    drop(peer.write_all(b"").await);
    let mut buf = [0u8; 2];
    let mut got = Vec::new();
    while got.len() < 5 {
        let n = t.read(&mut buf).await.unwrap();
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"ab\xffcd");
    t.write_all(b"x\xffy").await.unwrap();
    t.flush().await.unwrap();
    let mut out = [0u8; 4];
    peer.read_exact(&mut out).await.unwrap();
    assert_eq!(&out, b"x\xff\xffy");
    peer.shutdown().await.unwrap();
    assert_eq!(t.read(&mut buf).await.unwrap(), 0);
}

#[tokio::test(start_paused = true)]
async fn client_and_server_of_this_crate_converge() {
    let (a, b) = duplex(4096);
    let server_policy = Policy::new()
        .with_local(TelnetOption::SGA)
        .with_remote(TelnetOption::NAWS);
    let client_policy = Policy::new()
        .with_local(TelnetOption::NAWS)
        .with_remote(TelnetOption::SGA);
    let mut server = Telnet::with_config(a, Config::new().policy(server_policy));
    let mut client = Telnet::with_config(b, Config::new().policy(client_policy));
    let server_task = tokio::spawn(async move {
        server.enable(Side::Local, TelnetOption::SGA).await.unwrap();
        server
            .enable(Side::Remote, TelnetOption::NAWS)
            .await
            .unwrap();
        server.write_text("name? ").await.unwrap();
        let line = server.read_until(b"\r\n").await.unwrap();
        assert!(server.is_enabled(Side::Remote, TelnetOption::NAWS));
        assert!(server.is_enabled(Side::Local, TelnetOption::SGA));
        assert_eq!(server.read_sb_data(), [0, 100, 0, 30]);
        server.write(&line).await.unwrap();
        server
    });
    client.read_until(b"name? ").await.unwrap();
    assert!(client.is_enabled(Side::Remote, TelnetOption::SGA));
    assert!(client.is_enabled(Side::Local, TelnetOption::NAWS));
    client
        .send_subnegotiation(TelnetOption::NAWS, &[0, 100, 0, 30])
        .await
        .unwrap();
    client.write_text("ada\n").await.unwrap();
    // The NVT newline comes back as sent (CR LF), delivered raw by default.
    assert_eq!(client.read_until(b"\n").await.unwrap(), b"ada\r\n");
    server_task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn typed_options_are_framed_and_escaped() {
    use telnet_proto::options::naws::WindowSize;
    use telnet_proto::options::ttype::TerminalType;
    let (mut t, mut peer) = pair();
    t.send_option(&WindowSize {
        width: 65535,
        height: 24,
    })
    .await
    .unwrap();
    t.send_option(&TerminalType::Is("xterm")).await.unwrap();
    drop(t);
    let mut got = Vec::new();
    peer.read_to_end(&mut got).await.unwrap();
    assert_eq!(
        got,
        b"\xff\xfa\x1f\xff\xff\xff\xff\x00\x18\xff\xf0\xff\xfa\x18\x00xterm\xff\xf0"
    );
}

/// Reads from `peer` until `want` bytes came.
async fn read_n(peer: &mut DuplexStream, want: usize) -> Vec<u8> {
    let mut got = vec![0u8; want];
    peer.read_exact(&mut got).await.unwrap();
    got
}

#[tokio::test(start_paused = true)]
async fn interact_relays_both_ways_until_the_peer_closes() {
    let (mut t, mut peer) = pair();
    let (mut keyboard, input) = duplex(1024);
    let (output, mut screen) = duplex(1024);
    let session = tokio::spawn(async move {
        let result = t.interact(input, output).await;
        (t, result)
    });
    peer.write_all(b"login: \xff\xfb\x01").await.unwrap();
    // The server's WILL ECHO is refused; the data reaches the screen.
    assert_eq!(read_n(&mut peer, 3).await, b"\xff\xfe\x01");
    let mut seen = [0u8; 7];
    screen.read_exact(&mut seen).await.unwrap();
    assert_eq!(&seen, b"login: ");
    // A newline split between two reads as CR | LF is one CR LF; a lone
    // LF becomes CR LF; 0xFF is doubled.
    keyboard.write_all(b"me\r").await.unwrap();
    tokio::time::sleep(SEC).await;
    keyboard.write_all(b"\n\xff\n").await.unwrap();
    assert_eq!(read_n(&mut peer, 8).await, b"me\r\n\xff\xff\r\n");
    // Minutes of silence are fine (no timeout applies).
    tokio::time::sleep(SEC * 600).await;
    peer.write_all(b"bye\r\n").await.unwrap();
    drop(peer);
    let (_, result) = session.await.unwrap();
    result.unwrap();
    let mut rest = Vec::new();
    screen.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"bye\r\n");
}

#[tokio::test(start_paused = true)]
async fn interact_returns_when_the_input_ends_and_keeps_the_connection() {
    let (mut t, mut peer) = pair();
    let (output, _screen) = duplex(1024);
    // A final CR is sent as CR NUL once the input ends.
    t.interact(&b"quit\r"[..], output).await.unwrap();
    assert_eq!(read_n(&mut peer, 6).await, b"quit\r\0");
    // The connection is still usable.
    t.write_text("more\n").await.unwrap();
    assert_eq!(read_n(&mut peer, 6).await, b"more\r\n");
}
