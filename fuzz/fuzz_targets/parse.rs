//! Fuzz target: any bytes through the parser and the lowering, and every diagnostic rendered.
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run parse -- -max_total_time=300`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = toe::syntax::is_incomplete(text);
        if let Err(diags) = toe::syntax::parse(text, 1) {
            let mut map = toe::source::SourceMap::new();
            map.add("fuzz.toe", None, text.to_string());
            for d in &diags {
                let _ = toe::diagnostics::render(d, &map, false, 80);
            }
        }
    }
});
