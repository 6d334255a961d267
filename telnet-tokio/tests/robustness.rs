//! Peers that misbehave: one that stops reading, one that disconnects in
//! the middle of a subnegotiation, resets, half-closes, or drips one byte
//! per segment. Each case ends in a defined error or a clean end of the
//! connection, and nothing already received is lost.

use std::time::Duration;

use telnet_proto::{Config, Policy, TelnetOption};
use telnet_tokio::{Error, Item, Telnet};
use tokio::io::{duplex, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A connected pair of TCP streams over loopback.
async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
    (client.unwrap(), accepted.unwrap().0)
}

/// Every wait in these tests is bounded by this, so a hang is a failure.
const BOUND: Duration = Duration::from_secs(20);

#[tokio::test(start_paused = true)]
async fn writes_to_a_peer_that_stops_reading_apply_backpressure() {
    // A pipe with a 4 KiB buffer, and a peer that never reads.
    let (a, _peer) = duplex(4096);
    let mut t = Telnet::new(a);
    t.set_timeout(Some(Duration::from_secs(1)));
    let chunk = vec![0xffu8; 16 * 1024];
    let err = t.write(&chunk).await.unwrap_err();
    assert!(matches!(err, Error::Timeout));
    // The unsent rest is queued, bounded by what was written.
    assert!(t.buffered_output() <= 2 * chunk.len());
    assert!(t.buffered_output() >= 2 * chunk.len() - 4096);
    // Through AsyncWrite, the writes wait instead of queueing more.
    let stuck = tokio::time::timeout(Duration::from_secs(1), t.write_all(&chunk)).await;
    assert!(
        stuck.is_err(),
        "write_all to a peer that does not read completed"
    );
    assert!(t.buffered_output() <= 2 * chunk.len());
}

#[tokio::test(start_paused = true)]
async fn replies_to_a_peer_that_stops_reading_stay_bounded() {
    let (a, mut peer) = duplex(4096);
    let mut t = Telnet::new(a);
    t.set_output_limit(16 * 1024);
    // The peer floods DO requests (each refused with a WONT) and reads none
    // of the answers.
    let flood = tokio::spawn(async move {
        let request = b"\xff\xfd\x05".repeat(1024);
        let mut sent = 0usize;
        for _ in 0..1000 {
            if peer.write_all(&request).await.is_err() {
                break;
            }
            sent += request.len();
        }
        sent
    });
    // Only refusals come, never data: the read waits until its timeout.
    match t.read_some_timeout(Some(Duration::from_secs(1))).await {
        Err(Error::Timeout) => {}
        other => panic!("unexpected {other:?}"),
    }
    // The session stopped reading once its output reached the limit.
    assert!(
        t.buffered_output() <= 16 * 1024 + 8 * 1024,
        "{}",
        t.buffered_output()
    );
    assert!(
        !flood.is_finished(),
        "the flooding peer was never held back"
    );
    flood.abort();
}

#[tokio::test]
async fn a_disconnect_mid_subnegotiation_is_a_clean_eof() {
    let (client, mut server) = tcp_pair().await;
    let mut t = Telnet::new(client);
    t.set_event_capacity(8);
    server
        .write_all(b"before\xff\xfa\x18\x00xte")
        .await
        .unwrap();
    drop(server);
    let got = tokio::time::timeout(BOUND, t.read_until(b"never"))
        .await
        .unwrap();
    assert_eq!(got.unwrap(), b"before");
    assert!(t.read_until(b"never").await.unwrap_err().is_eof());
    assert_eq!(
        t.try_next_event(),
        Some(Item::SubnegotiationAborted {
            option: Some(TelnetOption::TTYPE),
            len: 4
        })
    );
    assert_eq!(t.read_sb_data(), b"");
}

#[tokio::test]
async fn a_reset_is_an_io_error_and_keeps_what_came_before() {
    let (client, server) = tcp_pair().await;
    let mut t = Telnet::new(client);
    let (got_first, wait_first) = oneshot::channel();
    let peer = tokio::spawn(async move {
        let mut server = server;
        server.write_all(b"line one\nline two").await.unwrap();
        wait_first.await.unwrap();
        // Close with a reset instead of a FIN.
        // A zero linger does not block on drop: it resets at once.
        #[allow(deprecated, reason = "tokio warns of blocking with a non-zero linger")]
        server.set_linger(Some(Duration::ZERO)).unwrap();
        drop(server);
    });
    let line = tokio::time::timeout(BOUND, t.read_until(b"\n"))
        .await
        .unwrap();
    assert_eq!(line.unwrap(), b"line one\n");
    got_first.send(()).unwrap();
    peer.await.unwrap();
    let err = tokio::time::timeout(BOUND, t.read_until(b"\n"))
        .await
        .unwrap()
        .unwrap_err();
    // Either the reset, or (if the kernel reports the reset as a close) EOF
    // after "line two" was returned: never a silent loss.
    match err {
        Error::Io(e) => {
            assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset);
            assert_eq!(t.read_very_lazy().unwrap(), b"line two");
        }
        other => panic!("expected a reset, got {other:?}"),
    }
}

#[tokio::test]
async fn a_half_close_ends_reading_and_writing_goes_on() {
    let (client, mut server) = tcp_pair().await;
    let mut t = Telnet::new(client);
    let peer = tokio::spawn(async move {
        server.write_all(b"request\xff\xff").await.unwrap();
        server.shutdown().await.unwrap();
        let mut answer = Vec::new();
        server.read_to_end(&mut answer).await.unwrap();
        answer
    });
    let got = tokio::time::timeout(BOUND, t.read_all()).await.unwrap();
    assert_eq!(got.unwrap(), b"request\xff");
    assert!(t.is_eof());
    t.write(b"answer\xff").await.unwrap();
    t.shutdown().await.unwrap();
    assert_eq!(peer.await.unwrap(), b"answer\xff\xff");
}

#[tokio::test]
async fn a_slow_drip_of_single_bytes_decodes_as_whole() {
    let (client, server) = tcp_pair().await;
    server.set_nodelay(true).unwrap();
    let policy = Policy::new().with_remote(TelnetOption::NAWS);
    let mut t = Telnet::with_config(client, Config::new().policy(policy));
    t.set_event_capacity(16);
    let script: &[u8] =
        b"a\xff\xffb\r\0c\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0d\xff\xf6e\r\nend";
    let (mut read_half, mut write_half) = server.into_split();
    let peer = tokio::spawn(async move {
        for byte in script {
            write_half.write_all(&[*byte]).await.unwrap();
            // Let each byte go out in its own segment.
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        drop(write_half);
        let mut replies = Vec::new();
        read_half.read_to_end(&mut replies).await.unwrap();
        replies
    });
    let got = tokio::time::timeout(BOUND, t.read_all())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got, b"a\xffb\rcde\r\nend");
    assert_eq!(t.read_sb_data(), [0, 80, 0, 24]);
    let mut events = Vec::new();
    while let Some(event) = t.try_next_event() {
        events.push(event);
    }
    assert!(events.contains(&Item::Subnegotiation {
        option: TelnetOption::NAWS,
        payload: vec![0, 80, 0, 24].into()
    }));
    assert!(events.contains(&Item::Command(telnet_proto::Command::AreYouThere)));
    drop(t);
    // The WILL NAWS was accepted with exactly one DO NAWS.
    assert_eq!(peer.await.unwrap(), b"\xff\xfd\x1f");
}

#[cfg(unix)]
#[tokio::test]
async fn the_descriptor_is_the_sockets() {
    use std::os::fd::{AsFd, AsRawFd};
    let (client, _server) = tcp_pair().await;
    let fd = client.as_raw_fd();
    let t = Telnet::new(client);
    // telnetlib's `fileno()`: for select/poll loops and socket options.
    assert_eq!(t.as_raw_fd(), fd);
    assert_eq!(t.as_fd().as_raw_fd(), fd);
}
