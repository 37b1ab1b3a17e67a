"""Writes the SPSS and Stata twins of provinces_labelled.csv (tests/data/README.md).

Run from this folder:  python3 make_labelled.py   (pandas and pyreadstat 1.2 or later)
"""
import math

import pandas as pd
import pyreadstat

csv = pd.read_csv("../../examples/data/provinces.csv")
names = list(csv["province"])
df = csv.copy()
df.insert(1, "province_code", range(1, len(df) + 1))
# `trust`: a column with gaps — rows 3 and 8 missing (NA in the CSV).
trust = [round(50 + 1.5 * i - (i % 4) * 2.25, 2) for i in range(len(df))]
trust[2] = math.nan
trust[7] = math.nan
df["trust"] = trust
df.to_csv("provinces_labelled.csv", index=False, na_rep="NA")

column_labels = {
    "province": "Province",
    "province_code": "Province (coded)",
    "it_employment": "Information human capital",
    "website_reduction": "Government website intensification",
    "fiscal_revenue_pc": "Fiscal resources",
    "bigdata_org_index": "Big-data organisation building",
    "broadband_ratio": "Public demand",
    "policy_count": "Policy environment",
    "gdp_pc": "Economic development",
    "online_service_index": "Online government service capability",
    "trust": "Trust in government",
}
value_labels = {"province_code": {float(i + 1): n for i, n in enumerate(names)}}

# SPSS: the gaps are user-missing codes, -99 (a discrete value) for row 3 and -95 (inside the
# declared range -98..-90) for row 8, so that the reader must apply the file's declarations.
sav = df.copy()
sav.loc[2, "trust"] = -99.0
sav.loc[7, "trust"] = -95.0
pyreadstat.write_sav(
    sav,
    "provinces.sav",
    column_labels=column_labels,
    variable_value_labels=value_labels,
    missing_ranges={"trust": [-99.0, {"lo": -98.0, "hi": -90.0}]},
)

# Stata: the gaps are system-missing (.); value labels on the integer code.
dta = df.copy()
pyreadstat.write_dta(
    dta,
    "provinces.dta",
    column_labels=column_labels,
    variable_value_labels={"province_code": {i + 1: n for i, n in enumerate(names)}},
)
