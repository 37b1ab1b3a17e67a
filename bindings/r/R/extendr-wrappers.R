# The native routines (src/rust/src/lib.rs), registered by the package's entry point.
# Written by hand in the form rextendr generates.

#' @useDynLib toe, .registration = TRUE
NULL

toe_run_rs <- function(text, path, base, has_data, names, columns, id, show) {
  .Call(wrap__toe_run_rs, text, path, base, has_data, names, columns, id, show)
}

toe_check_rs <- function(text, path, base, has_data, names, columns, id) {
  .Call(wrap__toe_check_rs, text, path, base, has_data, names, columns, id)
}

toe_report_rs <- function(text, path, base, has_data, names, columns, id, format) {
  .Call(wrap__toe_report_rs, text, path, base, has_data, names, columns, id, format)
}

toe_version_rs <- function() {
  .Call(wrap__toe_version_rs)
}
