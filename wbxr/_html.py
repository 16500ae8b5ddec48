"""Compact HTML tables for notebooks (``_repr_html_`` of models and networks)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np


def format_value(value: Any) -> str:
    """A short text for a scalar or per-region parameter value."""
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{float(array):.4g}"
    return f"{array.size} values, {float(array.min()):.4g} .. {float(array.max()):.4g}"


def table(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """An HTML table with a caption; cells are escaped.

    Examples
    --------
    >>> table("T", ["a"], [["<1>"]])
    '<table><caption style="text-align:left"><b>T</b></caption><tr><th style="text-align:left">a</th></tr><tr><td style="text-align:left">&lt;1&gt;</td></tr></table>'
    """
    cell = 'style="text-align:left"'
    parts = [f'<table><caption {cell}><b>{html.escape(title)}</b></caption><tr>']
    parts += [f"<th {cell}>{html.escape(str(h))}</th>" for h in header]
    parts.append("</tr>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td {cell}>{html.escape(str(v))}</td>" for v in row) + "</tr>")
    parts.append("</table>")
    return "".join(parts)
