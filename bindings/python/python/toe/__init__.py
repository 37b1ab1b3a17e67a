"""toe from Python and Jupyter: run or check a study written in the toe language — a .toe
file, or the text of a script, with a pandas DataFrame as its data if wanted — and get its
tables as pandas DataFrames, its JSON document, and its output as text, Markdown or HTML.

    import toe
    r = toe.run("study.toe")
    r.tables["nec"]["results"]          # a DataFrame, at full precision
    r                                   # in Jupyter: the study's tables as HTML

A script that fails raises ``toe.ToeError`` with the language's diagnostic (``code``,
``message``, ``help``, ``line``, ``column``, and every diagnostic in ``diagnostics``).
In Jupyter, ``%load_ext toe`` adds the ``%%toe`` cell magic.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional

import pandas as pd

from . import _toe

__all__ = ["run", "check", "version", "Results", "ToeError"]


class ToeError(Exception):
    """A study that failed: the first error's fields, and every diagnostic."""

    def __init__(self, diagnostics: List[Dict[str, Any]]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.get("severity") == "error"] or diagnostics
        first = errors[0] if errors else {}
        self.code = first.get("code", "toe::run::error")
        self.message = first.get("message", "")
        self.help = first.get("help", "")
        self.file = first.get("file", "")
        self.line = first.get("line", 0)
        self.column = first.get("column", 0)
        super().__init__("\n\n".join(d.get("rendered", "") for d in errors))


def _source(script: str, base: Optional[str]):
    if not isinstance(script, str):
        raise TypeError("script must be the path of a .toe file or the text of a script")
    if "\n" not in script and script.endswith(".toe") and os.path.isfile(script):
        path = os.path.abspath(script)
        return "", path, os.path.dirname(path)
    return script, None, os.path.abspath(base or os.getcwd())


def _columns(data):
    """A DataFrame's columns as the native side takes them: floats (NaN missing) for
    numbers and booleans (0/1), strings (None missing) for everything else."""
    if data is None:
        return None
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be a pandas DataFrame")
    out = []
    for name in data.columns:
        s = data[name]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            values = [float("nan") if pd.isna(v) else float(v) for v in s.tolist()]
        else:
            values = [None if pd.isna(v) else str(v) for v in s.tolist()]
        out.append((str(name), values))
    return out


def _frame(f: Dict[str, Any]) -> pd.DataFrame:
    cols = {}
    for name, kind, values in f["columns"]:
        if kind == "number":
            cols[name] = pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
        elif kind == "logical":
            cols[name] = pd.Series(values, dtype="boolean")
        else:
            cols[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(cols)


def _checked(r: Dict[str, Any]) -> Dict[str, Any]:
    if not r.get("ok"):
        raise ToeError(r.get("diagnostics", []))
    return r


class Results:
    """A study that has run.

    ``tables``: the DataFrames, by analysis and key (``tables["nec"]["results"]``,
    ``tables["high"]["truth_table"]``; the study's own under ``tables["study"]``);
    ``json``: the document as text (``document``: parsed); ``text``, ``markdown``, ``html``:
    the run's output; ``warnings``: a DataFrame."""

    def __init__(self, r: Dict[str, Any], source, columns, id):
        self._source = source
        self._columns = columns
        self._id = id
        self.text: str = r["text"]
        self.markdown: str = r["markdown"]
        self.html: str = r["html"]
        self.json: str = r["json"]
        self.warnings = pd.DataFrame(r["warnings"])
        self.tables: Dict[str, Dict[str, pd.DataFrame]] = {}
        for f in r["frames"]:
            group = f["analysis"] or "study"
            self.tables.setdefault(group, {})[f["key"]] = _frame(f)

    @property
    def document(self) -> Dict[str, Any]:
        return json.loads(self.json)

    def show(self, what: str, format: str = "html") -> str:
        """One table (what follows ``show`` in a script), rendered as HTML or Markdown."""
        text, path, base = self._source
        r = _checked(_toe.run(text, path, base, self._columns, self._id, "show " + what))
        return r["shown_html"] if format == "html" else r["shown_markdown"]

    def report(self, file: str) -> str:
        """Writes the study report; the file's extension (html, md, tex, docx) chooses
        the format."""
        text, path, base = self._source
        ext = os.path.splitext(file)[1].lstrip(".").lower()
        r = _checked(_toe.report(text, path, base, ext, self._columns, self._id))
        with open(file, "wb") as out:
            out.write(r["bytes"])
        return file

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def run(script: str, data: Optional[pd.DataFrame] = None, id: Optional[str] = None,
        base: Optional[str] = None) -> Results:
    """Runs a study: a .toe file, or the text of a script (relative data paths read from
    ``base``, the current folder by default); ``data``: a DataFrame as the study's data,
    ``id`` its column of case ids."""
    source = _source(script, base)
    columns = _columns(data)
    text, path, folder = source
    r = _checked(_toe.run(text, path, folder, columns, id))
    return Results(r, source, columns, id)


def check(script: str, data: Optional[pd.DataFrame] = None, id: Optional[str] = None,
          base: Optional[str] = None) -> pd.DataFrame:
    """Checks a study as ``toe check`` does: a DataFrame of its diagnostics (empty when the
    script is fine)."""
    text, path, folder = _source(script, base)
    r = _checked(_toe.check(text, path, folder, _columns(data), id))
    columns = ["code", "severity", "message", "help", "file", "line", "column", "rendered"]
    return pd.DataFrame(r["diagnostics"], columns=columns)


def version() -> str:
    """The engine's version, as ``toe --version`` says it."""
    return _toe.version()


def load_ipython_extension(ipython):
    """``%load_ext toe``: the ``%%toe`` cell magic."""
    from .magic import register

    register(ipython)
