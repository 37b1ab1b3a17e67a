library(testthat)
library(toe)

test_check("toe")
