"""toe from Python: a study from text with a DataFrame (hand calculation), every example's
tables against the JSON of `toe run`, errors as toe.ToeError, the notebook display."""

import json
import math
import os
import shutil
import subprocess

import pandas as pd
import pytest

import toe

ROOT = os.environ.get("TOE_ROOT", "")
BIN = os.environ.get("TOE_BIN", "")
needs_repo = pytest.mark.skipif(
    not (ROOT and os.path.isdir(os.path.join(ROOT, "examples")) and BIN and os.path.isfile(BIN)),
    reason="TOE_ROOT and TOE_BIN name the repository and the toe binary",
)


def test_a_script_from_text_runs_on_a_dataframe_with_numbers_by_hand():
    # CE-FDH on four cases: the ceiling is 0 below x = 0.5 and 1 from there on, so the empty
    # zone is [0, 0.5) x [0, 1] of the scope [0, 1] x [0, 1]: d = 0.5.
    df = pd.DataFrame({"case": ["a", "b", "c", "d"], "x": [0, 0.5, 1, 0.2], "y": [0, 1, 1, 0]})
    r = toe.run(
        "conditions { X = x }\noutcome Y = y\nnca n: Y needs X { on = raw  ceilings = [ce_fdh] }\n",
        data=df,
        id="case",
    )
    res = r.tables["n"]["results"]
    assert isinstance(res, pd.DataFrame)
    assert len(res) == 1
    assert res["effect_size"].iloc[0] == 0.5
    assert res["ceiling"].iloc[0] == "ce_fdh"
    assert list(r.tables["study"]["memberships"]["case"]) == ["a", "b", "c", "d"]
    assert "nca n" in r.text
    assert "<table>" in r._repr_html_()


def test_booleans_categories_and_missing_values_cross():
    df = pd.DataFrame(
        {
            "id": pd.Categorical(["p", "q", "r", "s", "t"]),
            "x": [1, 2, None, 4, 5],
            "flag": [True, False, True, False, True],
            "y": [0.1, 0.4, 0.5, 0.8, 0.9],
        }
    )
    d = toe.check("conditions { X = x  F = flag }\noutcome Y = y\n", data=df, id="id")
    assert isinstance(d, pd.DataFrame)
    assert (d["severity"] != "error").all()


def test_a_bad_script_raises_toe_error_and_python_goes_on():
    with pytest.raises(toe.ToeError) as e:
        toe.run('data d = csv("nowhere.csv")\n')
    assert e.value.code == "toe::data::missing_file"
    assert e.value.line == 1
    with pytest.raises(toe.ToeError) as e:
        toe.run("nca n: Y needs X {\n")
    assert e.value.code == "toe::parse::syntax"
    assert "expected `}`" in str(e.value)
    with pytest.raises(toe.ToeError) as e:
        toe.run("show data\n", data=pd.DataFrame({"x": [1, 2]}), id="nope")
    assert e.value.code == "toe::data::bad_data_frame"
    # the interpreter goes on
    r = toe.run("conditions { X = x }\noutcome Y = y\n", data=pd.DataFrame({"x": [1.0, 2, 3], "y": [1.0, 3, 2]}))
    assert isinstance(r, toe.Results)
    assert toe.version().startswith("toe ")


def _same(a, b):
    if isinstance(a, float) and math.isnan(a):
        return b is None
    return a == b


@needs_repo
def test_every_examples_tables_equal_the_json_of_toe_run(tmp_path):
    examples = shutil.copytree(os.path.join(ROOT, "examples"), tmp_path / "examples")
    compared = 0
    for name in sorted(os.listdir(examples)):
        if not name.endswith(".toe"):
            continue
        path = os.path.join(examples, name)
        r = toe.run(path)
        out = subprocess.run([BIN, "run", path, "--json", "-"], capture_output=True, text=True, check=True).stdout
        cli = json.loads(out[out.index("\n{\n") + 1 :] if not out.startswith("{") else out)
        mine = r.document
        mine.pop("script", None)
        cli.pop("script", None)
        assert mine == cli, name
        for a in cli["analyses"]:
            for key, records in a.items():
                if not (isinstance(records, list) and records and all(isinstance(x, dict) for x in records)):
                    continue
                frame = r.tables[a["name"]][key]
                if len(frame) != len(records):
                    continue
                for field, value in records[0].items():
                    if isinstance(value, (list, dict)) or field not in frame.columns:
                        continue
                    got = frame[field].tolist()
                    want = [x.get(field) for x in records]
                    for g, w in zip(got, want):
                        if isinstance(w, (int, float)) and not isinstance(w, bool):
                            assert _same(g, w) or g == float(w), (name, a["name"], key, field, g, w)
                        elif w is None:
                            assert g is None or (isinstance(g, float) and math.isnan(g)) or pd.isna(g)
                        else:
                            assert g == w, (name, a["name"], key, field, g, w)
                    compared += 1
    assert compared > 100


def test_the_cell_magic_runs_a_cell():
    ipython = pytest.importorskip("IPython")
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    ip.run_line_magic("load_ext", "toe")
    ip.user_ns["df"] = pd.DataFrame({"case": ["a", "b", "c", "d"], "x": [0, 0.5, 1, 0.2], "y": [0, 1, 1, 0]})
    ip.run_cell_magic("toe", "--data df --id case --name res", "conditions { X = x }\noutcome Y = y\nnca n: Y needs X { on = raw }\n")
    assert ip.user_ns["res"].tables["n"]["results"]["effect_size"].iloc[0] == 0.5
