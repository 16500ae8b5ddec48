"""Sphinx configuration of the wbxr documentation.

Build with ``python -m sphinx -b html docs docs/_build/html`` from the repository root
(see docs/requirements.txt for the packages this needs).  Notebooks are rendered from
their stored outputs and never executed here: ``docs/notebooks`` is a symbolic link to
the repository's ``notebooks/`` folder, so the tutorials live in one place.
"""

from __future__ import annotations

import os
import sys

# Import the package from this checkout even when it is not installed.
sys.path.insert(0, os.path.abspath(".."))

import wbxr  # noqa: E402

project = "wbxr"
author = "wbxr developers"
copyright = "wbxr developers"  # noqa: A001 - Sphinx's name
release = wbxr.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "myst_nb",  # Markdown pages (MyST) and Jupyter notebooks
]

# Markdown and notebooks are both handled by myst-nb.
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]

# -- MyST / notebooks -------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# Render the outputs stored in the notebooks; never run them during a docs build
# (pytest --nbval-lax runs them in CI).
nb_execution_mode = "off"

# -- autodoc / napoleon -------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# -- HTML -----------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"wbxr {release}"
html_theme_options = {
    "description": "Whole-brain network models on JAX, results as xarray",
    "fixed_sidebar": True,
}


# -- napoleon and attribute comments ------------------------------------------------------
# Napoleon reads the first line of an attribute's or property's docstring as
# "type: description", so a one-line docstring that merely contains a colon ("Long names
# ... (default: the variable name)") would be shown as a type.  Types come from the
# annotations anyway: keep these docstrings away from napoleon and put them back after it
# has run.
_attribute_docstrings: dict[str, list[str]] = {}


def _stash_attribute_docstring(app, what, name, obj, options, lines):
    if what in ("attribute", "data", "property") and lines:
        _attribute_docstrings[name] = list(lines)
        lines[:] = []


def _restore_attribute_docstring(app, what, name, obj, options, lines):
    stashed = _attribute_docstrings.pop(name, None)
    if stashed is not None:
        lines[:] = stashed


def setup(app):
    app.connect("autodoc-process-docstring", _stash_attribute_docstring, priority=100)
    app.connect("autodoc-process-docstring", _restore_attribute_docstring, priority=900)
