r"""Execute a stage notebook inside this Python process, as papermill would in a kernel.

The runner's default executor is papermill (one fresh kernel per notebook, as a scheduled run
should be). Starting a kernel and importing pandas, matplotlib and the helpers costs about two
seconds per notebook, so tests that run the whole suite on many small folders use this
executor instead: the same notebook file, the same injected parameters cell (papermill's own
``parameterize_notebook``), each code cell run by an IPython shell with a fresh namespace per
notebook, and outputs (stdout, ``display()``, the last expression, open matplotlib figures)
recorded in the executed copy exactly where papermill would put them, so the HTML report is
built from it in the same way. A failing cell raises :class:`PapermillExecutionError` with the
formatted traceback, as papermill does.

NOTE: written by hand because nbclient cannot drive ipykernel's in-process kernel reliably
(its async client API is not implemented there); IPython's ``InteractiveShell`` is the piece
both kernels are built on.

Example:
    >>> import nbformat, tempfile
    >>> cell = nbformat.v4.new_code_cell("x = 1 + 1\nprint('汽车')\nx")
    >>> d = Path(tempfile.mkdtemp())
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[cell]), d / "a.ipynb")
    >>> out = execute_notebook(d / "a.ipynb", d / "b.ipynb", {}, cwd=d)
    >>> [o.get("text") or o["data"]["text/plain"] for o in out.cells[-1].outputs]
    ['汽车\n', '2']
"""

from __future__ import annotations

import base64
import contextlib
import io as _io
import os
import sys
from pathlib import Path

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from papermill.exceptions import PapermillExecutionError
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

FIGURE_DPI = 100  # the inline backend's default (what a kernel shows under a cell)
KERNEL_NAME = "python3"


class _Recorder:
    """The outputs of the cell being run (one list, appended in the order they appear)."""

    def __init__(self) -> None:
        self.outputs: list[nbformat.NotebookNode] = []
        self.execution_count = 0

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.outputs.append(nbformat.v4.new_output("stream", name=name, text=text))


class _Stream(_io.TextIOBase):
    """stdout/stderr replacement that records what a cell prints."""

    def __init__(self, recorder: _Recorder, name: str) -> None:
        self._recorder, self._name = recorder, name

    def write(self, text: str) -> int:
        self._recorder.stream(self._name, text)
        return len(text)

    def writable(self) -> bool:
        return True


class _Publisher(DisplayPublisher):
    """``display(...)``: a display_data output."""

    def __init__(self, recorder: _Recorder, **kwargs) -> None:
        super().__init__(**kwargs)
        self._recorder = recorder

    def publish(self, data, metadata=None, *args, **kwargs) -> None:
        self._recorder.outputs.append(
            nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})
        )

    def clear_output(self, wait: bool = False) -> None:
        self._recorder.outputs.clear()


class _Hook(DisplayHook):
    """The value of a cell's last expression: an execute_result output."""

    def __init__(self, recorder: _Recorder, **kwargs) -> None:
        super().__init__(**kwargs)
        self._recorder = recorder

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self._recorder.outputs.append(
            nbformat.v4.new_output(
                "execute_result",
                data=format_dict,
                metadata=md_dict or {},
                execution_count=self._recorder.execution_count,
            )
        )

    def finish_displayhook(self) -> None:
        sys.stdout.flush()


def _shell(recorder: _Recorder) -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.reset(new_session=True)
    shell.display_pub = _Publisher(recorder, shell=shell)
    shell.displayhook = _Hook(recorder, shell=shell, cache_size=0)
    shell.display_trap.hook = shell.displayhook  # the trap installs it as sys.displayhook
    # NOTE: run_cell would print the traceback into the cell's stdout; the error output
    # (formatted by the same InteractiveTB) is added instead, as a kernel does.
    shell._showtraceback = lambda *args, **kwargs: None
    return shell


def _flush_figures(recorder: _Recorder) -> None:
    """Show and close every open figure, as the inline backend does after a cell."""
    import matplotlib.pyplot as plt

    for number in plt.get_fignums():
        buf = _io.BytesIO()
        plt.figure(number).savefig(buf, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
        png = base64.b64encode(buf.getvalue()).decode("ascii")
        recorder.outputs.append(
            nbformat.v4.new_output(
                "display_data", data={"image/png": png, "text/plain": "<Figure>"}
            )
        )
    plt.close("all")


def _error_output(shell: InteractiveShell, err: BaseException) -> nbformat.NotebookNode:
    tb = shell.InteractiveTB.structured_traceback(type(err), err, err.__traceback__)
    return nbformat.v4.new_output(
        "error", ename=type(err).__name__, evalue=str(err), traceback=list(tb)
    )


def _run_cells(nb: nbformat.NotebookNode, shell: InteractiveShell, recorder: _Recorder) -> None:
    count = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        count += 1
        recorder.outputs, recorder.execution_count = [], count
        with (
            contextlib.redirect_stdout(_Stream(recorder, "stdout")),
            contextlib.redirect_stderr(_Stream(recorder, "stderr")),
        ):
            result = shell.run_cell(cell.source, store_history=True, silent=False)
        _flush_figures(recorder)
        err = result.error_before_exec or result.error_in_exec
        cell.outputs, cell.execution_count = recorder.outputs, count
        if err is not None:
            error = _error_output(shell, err)
            cell.outputs.append(error)
            raise PapermillExecutionError(
                index, count, cell.source, error.ename, error.evalue, error.traceback
            )


def execute_notebook(
    input_path: Path, output_path: Path, parameters: dict, *, cwd: Path
) -> nbformat.NotebookNode:
    """Run ``input_path`` with ``parameters`` in this process; write the executed copy.

    Args:
        input_path: the stage notebook.
        output_path: where the executed notebook goes (also when a cell fails).
        parameters: values for the ``parameters`` cell (papermill injects them below it).
        cwd: working directory while the cells run (the notebook's folder, as a kernel has).

    Returns:
        The executed notebook.

    Raises:
        PapermillExecutionError: a cell raised; the partial notebook has been written.
    """
    import matplotlib

    matplotlib.use("agg")  # NOTE: no GUI in-process; the inline backend renders with agg too
    nb = parameterize_notebook(
        load_notebook_node(str(input_path)), parameters, kernel_name=KERNEL_NAME, language="python"
    )
    recorder = _Recorder()
    shell = _shell(recorder)
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        _run_cells(nb, shell, recorder)
    finally:
        os.chdir(previous)
        shell.reset(new_session=True)  # no state carried into the next notebook
        nbformat.write(nb, output_path)
    return nb
