//! Data longer than a read, with and without 0xFF, both ways: every byte
//! arrives once, in order, escaped on the wire exactly where it must be.

use std::io::{Read, Write};
use std::thread;
use std::time::Duration;

use telnet_std::pipe::pipe;
use telnet_std::Builder;

const LIMIT: Duration = Duration::from_secs(10);

fn payload(len: usize, iac_every: Option<usize>) -> Vec<u8> {
    (0..len)
        .map(|i| match iac_every {
            Some(k) if i % k == k - 1 => 0xff,
            _ => b'a' + (i % 26) as u8,
        })
        .collect()
}

#[test]
fn long_writes_reach_the_wire_escaped_and_whole() {
    for (len, iac_every) in [(40_000, None), (40_000, Some(5_000)), (70_001, Some(3))] {
        let data = payload(len, iac_every);
        let (end, mut raw) = pipe();
        let mut telnet = Builder::new().build(end).unwrap();
        // One write with nothing queued (straight through when there is no
        // 0xFF), then one after a queued command.
        telnet.write(&data).unwrap();
        telnet.send_command(telnet_proto::Command::Nop).unwrap();
        telnet.write(&data).unwrap();
        drop(telnet);
        let mut wire = Vec::new();
        raw.read_to_end(&mut wire).unwrap();
        let escaped: Vec<u8> = data
            .iter()
            .flat_map(|&b| if b == 0xff { vec![0xff, 0xff] } else { vec![b] })
            .collect();
        let expected = [&escaped[..], b"\xff\xf1", &escaped[..]].concat();
        assert!(wire == expected, "{len} bytes, 0xFF every {iac_every:?}");
    }
}

#[test]
fn long_reads_arrive_whole_through_every_read_method() {
    let data = payload(100_000, Some(4_099));
    let escaped: Vec<u8> = data
        .iter()
        .flat_map(|&b| if b == 0xff { vec![0xff, 0xff] } else { vec![b] })
        .collect();
    let (end, mut raw) = pipe();
    let writer = thread::spawn(move || {
        for piece in escaped.chunks(7_000) {
            raw.write_all(piece).unwrap();
        }
        raw
    });
    let mut telnet = Builder::new().timeout(Some(LIMIT)).build(end).unwrap();
    // Part through read_until, part through `Read`, the rest through read_all.
    let mut got = telnet.read_until(&data[..30_000][29_990..]).unwrap();
    let mut buf = vec![0u8; 20_000];
    let n = telnet.read(&mut buf).unwrap();
    got.extend_from_slice(&buf[..n]);
    drop(writer.join().unwrap());
    got.extend(telnet.read_all().unwrap());
    assert!(
        got == data,
        "{} of {} bytes, first difference at {:?}",
        got.len(),
        data.len(),
        got.iter().zip(&data).position(|(a, b)| a != b)
    );
}
