//! The vendored saphyr-parser with our patches (vendor/saphyr-parser/), on its own: no panic or hang on
//! any UTF-8 input; for input it reads without error every event's span lies within the input (the
//! reader copies pass-through items by these positions), an erroneous document may have a span one
//! past the end just before its error, as upstream 0.3.4 does, and the reader clamps offsets there;
//! and reading from a `&str` gives exactly the events, spans and error of reading the same text char
//! by char. The second holds our fast paths honest: `StrInput` (what the reader uses) skips runs of
//! spaces and moves runs of plain ASCII at once (patch 0008), `BufferedInput` goes through the
//! trait's char-by-char defaults, which are upstream's loop.
#![no_main]

use libfuzzer_sys::fuzz_target;
use saphyr_parser::Parser;

/// The events up to and including the first error (the parser is not read past one).
fn events<'i, T: saphyr_parser::Input>(parser: Parser<'i, T>) -> Vec<Result<(saphyr_parser::Event<'i>, saphyr_parser::Span), saphyr_parser::ScanError>> {
    let mut events = Vec::new();
    for event in parser {
        let stop = event.is_err();
        events.push(event);
        if stop {
            break;
        }
    }
    events
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let from_str = events(Parser::new_from_str(text));
    assert_eq!(from_str, events(Parser::new_from_iter(text.chars())), "reading a &str and reading chars differ");
    let chars = text.chars().count();
    let Ok(events) = from_str.into_iter().collect::<Result<Vec<_>, _>>() else { return };
    for (_, span) in events {
        assert!(span.start.index() <= span.end.index(), "{span:?}");
        assert!(span.end.index() <= chars, "{span:?} ends past the input's {chars} characters");
    }
});
