//! Our echo examples, as users run them (`cargo run -p telnet-std
//! --example echo`, `cargo run -p telnet-tokio --example echo`, built by
//! ci.sh), against real clients. Both refuse what they do not
//! offer and send every byte back; both read with `Newline::Raw`, so a
//! client's CR NUL comes back as CR NUL (RFC 854 allows no bare CR).

use telnet_interop::{contains, escape, peers, Dir, Peer, Recorder, Transcript, PATIENCE};
use telnet_proto::{TelnetOption as Opt, Verb};

fn finish(recorder: &Recorder, peer: &Peer) -> Transcript {
    recorder
        .wait_closed(PATIENCE)
        .unwrap_or_else(|e| panic!("{e}\n{}", peer.describe_output()))
}

fn python_telnetlib(echo: &str) {
    let (_server, addr) = peers::our_echo(echo);
    let recorder = Recorder::start(addr);
    // telnetlib writes its payload as is: CR NUL and CR LF are the
    // client's own NVT encoding; 0xFF is doubled by telnetlib.
    let payload = b"py \xff\r\0x\r\n";
    let mut peer =
        peers::telnetlib_client_with(recorder.port(), payload, b"x\r\n", &["--no-greeting"]);
    peer.wait_exit(PATIENCE).unwrap();
    let echoed = peer.wait_for_line("ECHOED", PATIENCE).unwrap();
    let t = finish(&recorder, &peer);

    // telnetlib drops NUL bytes from what it reads (PROTOCOL.md 11).
    assert_eq!(peers::unhex(&echoed), b"py \xff\rx\r\n", "{t}");
    assert_eq!(t.data(Dir::ToServer), payload, "{t}");
    // An NVT echo: CR NUL goes back as CR NUL, never as a bare CR.
    assert!(
        contains(&t.raw(Dir::ToClient), b"py \xff\xff\r\0x\r\n"),
        "the echo is not the NVT text that was sent: {}\n{t}",
        escape(&t.raw(Dir::ToClient))
    );
    t.assert_negotiation_clean(Dir::ToClient);
    t.assert_negotiations_at_most(16);
}

fn telnetlib3_client(echo: &str) {
    let (_server, addr) = peers::our_echo(echo);
    let recorder = Recorder::start(addr);
    let payload = b"t3 \xff\x01\xfe\r\n";
    let mut peer =
        peers::telnetlib3_client_with(recorder.port(), payload, b"\xfe\r\n", &["--no-greeting"]);
    peer.wait_exit(PATIENCE).unwrap();
    let echoed = peer.wait_for_line("ECHOED", PATIENCE).unwrap();
    let t = finish(&recorder, &peer);

    assert!(contains(&peers::unhex(&echoed), payload), "{echoed}\n{t}");
    t.assert_negotiation_clean(Dir::ToClient);
    t.assert_negotiations_at_most(30);
}

fn inetutils_telnet(echo: &str) {
    // The std echo offers SGA and ECHO: wait until telnet has agreed, so
    // that it is (almost always) in character mode before anything is
    // typed and Enter goes as CR NUL.
    let char_mode = echo == "telnet-std-echo";
    let (_server, addr) = peers::our_echo(echo);
    let recorder = Recorder::start(addr);
    let mut peer = peers::inetutils_telnet(recorder.port());
    peer.wait_for_stdout(b"Escape character is", PATIENCE)
        .unwrap();
    if char_mode {
        recorder
            .wait_until(PATIENCE, |t| t.sent(Dir::ToServer, Verb::Do, Opt::SGA))
            .unwrap_or_else(|e| panic!("{e}\n{}", peer.describe_output()));
    }
    // The std echo offers ECHO and SGA (character mode: Enter goes as
    // CR NUL); the tokio echo offers nothing, so telnet stays in line mode
    // and sends the line when the terminal delivers it, ending in CR LF.
    peer.write_stdin(b"typed\r");
    recorder
        .wait_until(PATIENCE, |t| contains(&t.data(Dir::ToClient), b"typed\r"))
        .unwrap_or_else(|e| panic!("{e}\n{}", peer.describe_output()));
    peer.write_stdin(b"\x1d");
    peer.wait_for_stdout(b"telnet>", PATIENCE).unwrap();
    peer.write_stdin(b"quit\r");
    let t = finish(&recorder, &peer);

    t.assert_negotiation_clean(Dir::ToClient);
    t.assert_negotiations_at_most(40);
    let sent = t.data(Dir::ToServer);
    // Enter is CR NUL in character mode, CR LF in line mode (telnet may
    // switch a moment after agreeing, so either is accepted).
    assert!(
        contains(&sent, b"typed\r\0") || contains(&sent, b"typed\r\n"),
        "{t}"
    );
    // What came back is what was sent, byte for byte on the wire.
    let end = telnet_interop::find(&sent, b"typed").unwrap() + 7;
    assert!(
        contains(&t.raw(Dir::ToClient), &sent[end - 7..end]),
        "the echo differs from what was sent\n{t}"
    );
}

/// `echo --mccp` (telnet-std) against the two Debian clients that
/// decompress MCCP2: libtelnet's telnet-client and tintin++. The recorder
/// inflates the server's stream, so the data checks read through it; the
/// client shows the echo only if it decoded our zlib stream.
fn std_echo_compressed(client: &str) {
    let (_server, addr) = peers::our_echo_with("telnet-std-echo", &["--mccp"]);
    let recorder = Recorder::start(addr);
    let (mut peer, typed, enter): (Peer, &[u8], &[u8]) = match client {
        "libtelnet" => (
            peers::libtelnet_client(recorder.port()),
            b"squeeze \xff me",
            b"\n",
        ),
        _ => (peers::tintin(recorder.port()), b"squeeze me", b"\r"),
    };
    recorder
        .wait_until(PATIENCE, |t| {
            t.has(Dir::ToClient, &telnet_interop::Item::CompressionStart)
        })
        .unwrap_or_else(|e| panic!("{e}\n{}", peer.describe_output()));
    peer.write_stdin(&[typed, enter].concat());
    recorder
        .wait_until(PATIENCE, |t| contains(&t.data(Dir::ToClient), typed))
        .unwrap_or_else(|e| panic!("{e}\n{}", peer.describe_output()));
    // The client decoded the compressed echo and shows it.
    peer.wait_for_stdout(typed, PATIENCE)
        .unwrap_or_else(|e| panic!("{e}\n{}", peer.describe_output()));
    if client == "tintin" {
        peer.write_stdin(b"#zap\r");
    }
    let t = match client {
        "libtelnet" => {
            drop(peer);
            recorder.wait_closed(PATIENCE).unwrap()
        }
        _ => {
            let t = finish(&recorder, &peer);
            peer.write_stdin(b"#end\r");
            let _ = peer.wait_exit(PATIENCE);
            t
        }
    };
    assert!(t.sent(Dir::ToServer, Verb::Do, Opt::MCCP2), "{t}");
    assert!(
        !t.items(Dir::ToClient)
            .iter()
            .any(|(_, item)| matches!(item, telnet_interop::Item::CompressionError(_))),
        "{t}"
    );
    // Everything after the start marker came compressed: the raw bytes do
    // not hold the echo, the inflated ones do.
    assert!(!contains(&t.raw(Dir::ToClient), typed), "{t}");
    assert!(contains(&t.data(Dir::ToClient), typed), "{t}");
    t.assert_negotiation_clean(Dir::ToClient);
}

#[test]
fn std_echo_mccp2_libtelnet_client() {
    std_echo_compressed("libtelnet")
}

#[test]
fn std_echo_mccp2_tintin() {
    std_echo_compressed("tintin")
}

macro_rules! against {
    ($module:ident, $binary:literal) => {
        mod $module {
            #[test]
            fn python_telnetlib() {
                super::python_telnetlib($binary)
            }

            #[test]
            fn telnetlib3_client() {
                super::telnetlib3_client($binary)
            }

            #[test]
            fn inetutils_telnet() {
                super::inetutils_telnet($binary)
            }
        }
    };
}

against!(std_echo, "telnet-std-echo");
against!(tokio_echo, "telnet-tokio-echo");
