//! The vendored saphyr-parser with our patches (vendor/saphyr-parser/), on its own: no panic or hang on
//! any UTF-8 input, and for input it reads without error every event's span lies within the input (the
//! reader copies pass-through items by these positions). An erroneous document may have a span one
//! past the end just before its error, as upstream 0.3.4 does; the reader clamps offsets there.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let chars = text.chars().count();
    let Ok(events) = saphyr_parser::Parser::new_from_str(text).collect::<Result<Vec<_>, _>>() else { return };
    for (_, span) in events {
        assert!(span.start.index() <= span.end.index(), "{span:?}");
        assert!(span.end.index() <= chars, "{span:?} ends past the input's {chars} characters");
    }
});
