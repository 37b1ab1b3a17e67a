# toe from R: a study from text with a data frame (hand calculation), every example's tables
# against the JSON of `toe run`, errors as `toe_error` conditions, the knitr engine.

test_that("a script from text runs on a data frame, with the numbers by hand", {
  # CE-FDH on four cases: the ceiling is 0 below x = 0.5 and 1 from there on, so the empty
  # zone is the rectangle [0, 0.5) x [0, 1] of the scope [0, 1] x [0, 1]: d = 0.5.
  df <- data.frame(
    case = c("a", "b", "c", "d"),
    x = c(0, 0.5, 1, 0.2),
    y = c(0, 1, 1, 0),
    stringsAsFactors = FALSE
  )
  r <- toe_run(
    "conditions { X = x }\noutcome Y = y\nnca n: Y needs X { on = raw  ceilings = [ce_fdh] }\n",
    data = df, id = "case"
  )
  res <- r$tables$n$results
  expect_s3_class(res, "data.frame")
  expect_equal(nrow(res), 1)
  expect_equal(res$effect_size, 0.5)
  expect_equal(res$ceiling, "ce_fdh")
  expect_equal(r$tables$study$memberships$case, c("a", "b", "c", "d"))
  expect_true(grepl("nca n", r$text, fixed = TRUE))
  expect_true(grepl("| X |", r$markdown, fixed = TRUE) || grepl("| condition |", r$markdown, fixed = TRUE))
})

test_that("a factor, a logical and missing values cross as they should", {
  df <- data.frame(
    id = factor(c("p", "q", "r", "s", "t")),
    x = c(1L, 2L, NA, 4L, 5L),
    flag = c(TRUE, FALSE, TRUE, NA, FALSE),
    y = c(0.1, 0.4, 0.5, 0.8, 0.9)
  )
  d <- toe_check("conditions { X = x  F = flag }\noutcome Y = y\n", data = df, id = "id")
  expect_s3_class(d, "data.frame")
  expect_true(all(d$severity != "error"))
  r <- toe_run("conditions { X = x }\noutcome Y = y\nshow data\n", data = df, id = "id")
  expect_true(grepl("r ", r$text, fixed = TRUE))
})

test_that("a bad script signals toe_error with the diagnostic, and R goes on", {
  err <- tryCatch(toe_run("data d = csv(\"nowhere.csv\")\n"), toe_error = function(e) e)
  expect_s3_class(err, "toe_error")
  expect_equal(err$code, "toe::data::missing_file")
  expect_equal(err$line, 1)
  expect_true(nrow(err$diagnostics) >= 1)
  err <- tryCatch(toe_run("nca n: Y needs X {\n"), toe_error = function(e) e)
  expect_equal(err$code, "toe::parse::syntax")
  expect_match(conditionMessage(err), "expected `}`")
  # the session goes on
  df <- data.frame(x = c(1, 2, 3), y = c(1, 3, 2))
  expect_s3_class(toe_run("conditions { X = x }\noutcome Y = y\n", data = df), "toe_results")
  # a data frame that is not a table
  err <- tryCatch(toe_run("show data\n", data = data.frame(x = 1:3), id = "nope"),
                  toe_error = function(e) e)
  expect_equal(err$code, "toe::data::bad_data_frame")
})

test_that("every example's tables equal the JSON of toe run", {
  skip_without_repository()
  dir <- examples_copy()
  compared <- 0
  for (path in list.files(dir, pattern = "\\.toe$", full.names = TRUE)) {
    r <- toe_run(path)
    out <- system2(toe_bin(), c("run", shQuote(path), "--json", "-"), stdout = TRUE, stderr = FALSE)
    # `--json -` prints the document after the tables: it starts at the line "{"
    start <- which(out == "{")[1]
    cli <- jsonlite::fromJSON(paste(out[start:length(out)], collapse = "\n"), simplifyVector = FALSE)
    mine <- jsonlite::fromJSON(r$json, simplifyVector = FALSE)
    mine$script <- NULL
    cli$script <- NULL
    expect_identical(mine, cli, label = basename(path))
    for (a in cli$analyses) {
      for (key in names(a)) {
        records <- a[[key]]
        if (!is.list(records) || length(records) == 0 || !is.null(names(records))) next
        if (!all(vapply(records, function(x) is.list(x) && !is.null(names(x)), TRUE))) next
        frame <- r$tables[[a$name]][[key]]
        expect_false(is.null(frame), label = paste(basename(path), a$name, key))
        scalar <- names(records[[1]])[vapply(records[[1]], function(v) length(v) == 1 && !is.list(v), TRUE)]
        for (field in scalar) {
          if (!field %in% names(frame)) next
          if (nrow(frame) != length(records)) next
          got <- frame[[field]]
          want <- field_values(records, field)
          have <- if (is.numeric(got)) format(got, digits = 17) else as.character(got)
          have[is.na(got)] <- NA
          if (is.numeric(got)) {
            expect_equal(as.numeric(have), as.numeric(want),
                         label = paste(basename(path), a$name, key, field), tolerance = 0)
          } else {
            expect_equal(have, want, label = paste(basename(path), a$name, key, field))
          }
          compared <- compared + 1
        }
      }
    }
  }
  expect_gt(compared, 100)
})

test_that("the knitr engine puts a chunk's tables into the document", {
  skip_if_not_installed("knitr")
  dir <- tempfile("toe-knit-")
  dir.create(dir)
  writeLines(c("x,y,case", "0,0,a", "0.5,1,b", "1,1,c", "0.2,0,d"), file.path(dir, "d.csv"))
  rmd <- file.path(dir, "doc.Rmd")
  writeLines(c(
    "# A study", "",
    "```{toe}",
    "data d = csv(\"d.csv\", id = case)",
    "conditions { X = x }",
    "outcome Y = y",
    "nca n: Y needs X { on = raw  ceilings = [ce_fdh] }",
    "show nca of n",
    "```"
  ), rmd)
  old <- setwd(dir)
  on.exit(setwd(old))
  md <- knitr::knit(rmd, quiet = TRUE, envir = new.env())
  text <- readLines(md)
  expect_true(any(grepl("^\\| condition", text)) || any(grepl("^\\|", text)))
  expect_true(any(grepl("0.5", text, fixed = TRUE)))
})
