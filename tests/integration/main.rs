//! The integration tests, one binary: conformance against the reference packages, the
//! language end to end, diagnostics and success cases (directory-driven snapshots), the
//! command line, the REPL, exports and the architecture of `src/`.

mod architecture;
mod cases;
mod cli;
mod conformance_calibration;
mod conformance_fsqca_language;
mod conformance_nca;
mod conformance_nca_language;
mod conformance_nca_lines;
mod conformance_nca_protocol;
mod conformance_qca;
mod conformance_setmethods;
mod data_files;
mod data_truth;
mod edge_cases;
mod exact_bruteforce;
mod examples;
mod exports;
mod format;
mod generate;
mod intermediate_cubes;
mod language;
mod large_n;
mod lsp;
mod paper;
mod protocol_gaps;
mod repl;
mod report;
mod robustness_nca;
mod rough_edges;
mod runs;
mod studio;
mod support;
mod tables;
