# The R face of toe: run or check a study (a .toe file, or script text, with an R data frame
# as its data if wanted), get its tables as data frames, render them, write its report.
# Errors are conditions of class `toe_error` carrying the language's diagnostics.

# A script argument: the path of a .toe file, or the text of a script.
toe_source <- function(script, base) {
  if (!is.character(script) || length(script) < 1L) {
    stop("`script` must be the path of a .toe file or the text of a script", call. = FALSE)
  }
  script <- paste(script, collapse = "\n")
  is_file <- !grepl("\n", script, fixed = TRUE) && grepl("\\.toe$", script) && file.exists(script)
  if (is_file) {
    list(text = "", path = normalizePath(script), base = dirname(normalizePath(script)))
  } else {
    list(text = script, path = "", base = normalizePath(base, mustWork = FALSE))
  }
}

# A data frame's columns as the native side takes them: doubles (NA as NA) or characters
# ("" for NA); factors by their labels, logicals as 0/1, dates as ISO text.
toe_columns <- function(data) {
  if (is.null(data)) {
    return(list(has_data = FALSE, names = character(), columns = list()))
  }
  if (!is.data.frame(data)) {
    stop("`data` must be a data.frame", call. = FALSE)
  }
  columns <- lapply(data, function(x) {
    if (is.factor(x) || inherits(x, c("Date", "POSIXt"))) x <- as.character(x)
    if (is.logical(x) || is.integer(x)) x <- as.double(x)
    if (is.character(x)) {
      x[is.na(x)] <- ""
      return(x)
    }
    if (is.double(x)) return(x)
    as.character(x)
  })
  list(has_data = TRUE, names = names(data), columns = unname(columns))
}

# The condition a failed study signals.
toe_condition <- function(diagnostics) {
  d <- as.data.frame(diagnostics, stringsAsFactors = FALSE)
  errors <- d[d$severity == "error", , drop = FALSE]
  first <- if (nrow(errors) > 0) errors[1, ] else d[1, ]
  structure(
    class = c("toe_error", "error", "condition"),
    list(
      message = paste(errors$rendered, collapse = "\n\n"),
      call = NULL,
      code = first$code,
      help = first$help,
      line = first$line,
      column = first$column,
      diagnostics = d
    )
  )
}

#' @export
conditionMessage.toe_error <- function(c) {
  c$message
}

# A frame of the native side as a data.frame.
toe_frame <- function(f) {
  cols <- f$columns
  for (k in seq_along(cols)) {
    if (f$types[[k]] == "logical") cols[[k]] <- as.logical(cols[[k]])
  }
  n <- if (length(cols) > 0) length(cols[[1]]) else 0L
  structure(cols, names = f$names, class = "data.frame", row.names = c(NA_integer_, -n))
}

# The frames grouped by analysis: tables$nec$results, tables$high$truth_table, and the
# document's own (calibration, memberships, queries) under tables$study.
toe_tables <- function(frames) {
  out <- list()
  for (f in frames) {
    group <- if (nzchar(f$analysis)) f$analysis else "study"
    if (is.null(out[[group]])) out[[group]] <- list()
    out[[group]][[f$key]] <- toe_frame(f)
  }
  out
}

toe_native_run <- function(script, data, id, base, show = "") {
  src <- toe_source(script, base)
  cols <- toe_columns(data)
  r <- toe_run_rs(src$text, src$path, src$base, cols$has_data, cols$names, cols$columns,
                  if (is.null(id)) "" else id, show)
  if (!isTRUE(r$ok)) stop(toe_condition(r$diagnostics))
  r
}

#' Run a toe study
#'
#' @export
toe_run <- function(script, data = NULL, id = NULL, base = getwd()) {
  r <- toe_native_run(script, data, id, base)
  structure(
    list(
      tables = toe_tables(r$frames),
      json = r$json,
      text = r$text,
      markdown = r$markdown,
      html = r$html,
      warnings = as.data.frame(r$warnings, stringsAsFactors = FALSE),
      script = script,
      data = data,
      id = id,
      base = base
    ),
    class = "toe_results"
  )
}

#' Check a toe study
#'
#' @export
toe_check <- function(script, data = NULL, id = NULL, base = getwd()) {
  src <- toe_source(script, base)
  cols <- toe_columns(data)
  r <- toe_check_rs(src$text, src$path, src$base, cols$has_data, cols$names, cols$columns,
                    if (is.null(id)) "" else id)
  if (!isTRUE(r$ok)) stop(toe_condition(r$diagnostics))
  as.data.frame(r$diagnostics, stringsAsFactors = FALSE)
}

#' Show one table of a study
#'
#' @export
toe_show <- function(results, what, format = c("markdown", "html")) {
  format <- match.arg(format)
  if (!inherits(results, "toe_results")) stop("`results` must come from toe_run()", call. = FALSE)
  r <- toe_native_run(results$script, results$data, results$id, results$base,
                      show = paste("show", what))
  if (format == "html") r$shown_html else r$shown_markdown
}

#' Write the study report of a study
#'
#' @export
toe_report <- function(results, file) {
  if (!inherits(results, "toe_results")) stop("`results` must come from toe_run()", call. = FALSE)
  ext <- tolower(sub("^.*\\.", "", basename(file)))
  src <- toe_source(results$script, results$base)
  cols <- toe_columns(results$data)
  r <- toe_report_rs(src$text, src$path, src$base, cols$has_data, cols$names, cols$columns,
                     if (is.null(results$id)) "" else results$id, ext)
  if (!isTRUE(r$ok)) stop(toe_condition(r$diagnostics))
  writeBin(r$bytes, file)
  invisible(file)
}

#' The version of the toe engine
#'
#' @export
toe_version <- function() {
  toe_version_rs()
}

#' @export
print.toe_results <- function(x, ...) {
  cat(x$text)
  invisible(x)
}
