"""The ``%%toe`` cell magic: the cell is a toe script, run in the notebook's folder; its
tables show as HTML. Options: ``--data NAME`` (a DataFrame of the notebook), ``--id COL``,
``--show WHAT`` (only that table, e.g. ``--show "truth_table of high"``), ``--name VAR``
(keep the results in that variable)."""

import shlex

from IPython.core.magic import register_cell_magic
from IPython.display import HTML, display


def register(ipython):
    @register_cell_magic("toe")
    def toe_cell(line, cell):
        import toe

        args = shlex.split(line)
        opts = {}
        k = 0
        while k < len(args):
            if args[k] in ("--data", "--id", "--show", "--name") and k + 1 < len(args):
                opts[args[k][2:]] = args[k + 1]
                k += 2
            else:
                raise ValueError(f"%%toe: unknown option {args[k]!r} (--data, --id, --show, --name)")
        data = ipython.user_ns[opts["data"]] if "data" in opts else None
        r = toe.run(cell, data=data, id=opts.get("id"))
        if "name" in opts:
            ipython.user_ns[opts["name"]] = r
        if "show" in opts:
            display(HTML(r.show(opts["show"])))
        else:
            display(HTML(r.html))
