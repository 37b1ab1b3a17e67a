# Where the repository and the command-line binary are (set by .ci/run): the tests that
# compare with `toe run` need both, and are skipped without them.
toe_root <- function() Sys.getenv("TOE_ROOT")
toe_bin <- function() Sys.getenv("TOE_BIN")

skip_without_repository <- function() {
  if (!nzchar(toe_root()) || !dir.exists(file.path(toe_root(), "examples"))) {
    skip("TOE_ROOT is not set to the repository")
  }
  if (!nzchar(toe_bin()) || !file.exists(toe_bin())) skip("TOE_BIN is not set to the toe binary")
  skip_if_not_installed("jsonlite")
}

# A copy of the examples folder (runs write their exports beside the script).
examples_copy <- function() {
  dir <- tempfile("toe-examples-")
  dir.create(dir)
  file.copy(file.path(toe_root(), "examples"), dir, recursive = TRUE)
  file.path(dir, "examples")
}

# The values of a field over an array of records, as R vectors (NULL -> NA).
field_values <- function(records, field) {
  vapply(records, function(r) {
    v <- r[[field]]
    if (is.null(v)) NA_character_ else if (is.logical(v)) as.character(v) else format(v, digits = 17)
  }, "")
}
