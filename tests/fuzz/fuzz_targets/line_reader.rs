//! Fuzzes the control-channel line reader (`proftpd::session::reader`).
//!
//! The first byte picks a `CommandBufferSize` (small sizes make the
//! over-long paths reachable) and the second how the rest is chunked, as a
//! socket would deliver it. The same stream fed whole and fed in chunks
//! must give the same events and Telnet answers; every event must respect
//! the buffer limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proftpd::session::reader::{DEFAULT_BUFFER_SIZE, LineReader, ReadEvent};

fn run(size: usize, data: &[u8], chunk: usize) -> (Vec<ReadEvent>, Vec<u8>) {
    let mut r = LineReader::new(size);
    let mut events = Vec::new();
    let mut telnet = Vec::new();
    for piece in data.chunks(chunk.max(1)) {
        let mut input = piece;
        // Bounded: each call consumes at least one byte or returns None.
        while let Some(ev) = r.next_event(&mut input) {
            if let ReadEvent::Line(line) = &ev {
                assert!(line.len() < size.max(8), "line of {} bytes", line.len());
            }
            events.push(ev);
        }
        assert!(input.is_empty());
        telnet.extend(r.take_telnet_replies());
    }
    (events, telnet)
}

fuzz_target!(|data: &[u8]| {
    let [sel, chunk, rest @ ..] = data else {
        return;
    };
    let size = match sel % 4 {
        0 => DEFAULT_BUFFER_SIZE,
        1 => 8 + usize::from(*sel / 4),
        2 => usize::from(*sel),
        _ => 0,
    };
    let whole = run(size, rest, rest.len());
    let split = run(size, rest, usize::from(*chunk % 17) + 1);
    assert_eq!(whole, split, "chunking changed the result");
});
