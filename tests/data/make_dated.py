"""Writes the SPSS and Stata files with a date column and an undeclared -99 code
(tests/data/README.md): dated.sav, dated.dta.

Run from this folder:  python3 make_dated.py   (pandas and pyreadstat 1.2 or later)
"""
import datetime

import pandas as pd
import pyreadstat

df = pd.DataFrame(
    {
        "case": ["a", "b", "c", "d", "e", "f"],
        "x": [1.0, 2.0, -99.0, 4.0, 5.0, 6.0],  # -99: a code nobody declared missing
        "y": [0.1, 0.4, 0.5, 0.6, 0.8, 0.9],
        "joined": [datetime.date(2021, 3, 4) + datetime.timedelta(days=30 * i) for i in range(6)],
    }
)
pyreadstat.write_sav(df, "dated.sav")
pyreadstat.write_dta(df, "dated.dta", version=15)
