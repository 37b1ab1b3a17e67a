//! Fuzz target: any text through the whole pipeline in a folder with a small data file —
//! checked as `toe check` does (parse, check, record), then run as `toe run` does (execute,
//! report, JSON document) — and every diagnostic rendered. Paths that could reach device
//! files are skipped.
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run session -- -max_total_time=300`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn folder() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join("toe-fuzz-session");
        let _ = std::fs::create_dir_all(&d);
        let _ = std::fs::write(d.join("d.csv"), "id,a,b,y\nx,1,0.2,0.3\ny,2,0.8,0.9\nz,3,0.5,0.1\n");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.contains("dev") || text.contains("proc") || text.contains("sys") || text.contains('/') {
        return;
    }
    let mut c = toe::Session::new(folder());
    if let Err(diags) = c.check_text("fuzz.toe", None, text.to_string()) {
        for d in &diags {
            let _ = toe::diagnostics::render(d, &c.sources, false, 80);
        }
    }
    let mut s = toe::Session::new(folder());
    match s.run_text("fuzz.toe", None, text.to_string()) {
        Err(diags) => {
            for d in &diags {
                let _ = toe::diagnostics::render(d, &s.sources, false, 80);
            }
        }
        Ok(_) => {
            let _ = serde_json::to_string(&s.document("fuzz.toe", data));
        }
    }
    for w in s.take_pending() {
        let _ = toe::diagnostics::render(&w, &s.sources, false, 80);
    }
});
