# The knitr engine: a ```{toe} chunk in R Markdown or Quarto runs its script and puts its
# tables into the document as Markdown (pandoc makes them HTML, LaTeX or Word).
# Chunk options: toe_data (a data.frame), toe_id (its id column), toe_show (a character
# vector of `show` targets, e.g. "truth_table of high": only those tables), toe_format
# ("markdown", or "html" for HTML output only).

toe_engine <- function(options) {
  code <- paste(options$code, collapse = "\n")
  if (isFALSE(options$eval)) {
    return(knitr::engine_output(options, options$code, ""))
  }
  format <- if (is.null(options$toe_format)) "markdown" else options$toe_format
  results <- toe_run(code, data = options$toe_data, id = options$toe_id, base = getwd())
  out <- if (is.null(options$toe_show)) {
    if (format == "html") results$html else results$markdown
  } else {
    paste(vapply(options$toe_show, function(w) toe_show(results, w, format), ""),
          collapse = "\n")
  }
  options$results <- "asis"
  knitr::engine_output(options, options$code, out)
}

.onLoad <- function(libname, pkgname) {
  if (requireNamespace("knitr", quietly = TRUE)) {
    knitr::knit_engines$set(toe = toe_engine)
  }
  invisible()
}
