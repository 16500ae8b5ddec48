"""Notebook reprs: compact HTML tables of models and networks."""

import numpy as np

import wbxr


def test_model_html_lists_parameters_with_units_and_noise():
    model = wbxr.models.Hopf(a=np.linspace(-0.1, 0.1, 8), noise={"x": wbxr.noise.White(0.02)})
    page = model._repr_html_()
    assert "<table>" in page and "state variables x, y" in page
    assert "<td style=\"text-align:left\">w</td><td style=\"text-align:left\">0.2</td><td style=\"text-align:left\">rad/ms</td>" in page
    assert "8 values, -0.1 .. 0.1" in page and "noise on x" in page and "White(sigma=0.02)" in page


def test_network_html_summarises_wiring_and_delays():
    conn = wbxr.load_dataset("example_connectome")
    page = wbxr.Network(wbxr.models.Hopf(), conn, speed=10.0, k=0.5)._repr_html_()
    assert "diffusive into x (reads x)" in page and "10 mm/ms" in page
    neighbour = 2 * 40 * np.sin(np.pi / 8) / 10.0  # ms
    assert f"{neighbour:.3g} / " in page and "/ 8 (min / median / max)" in page
    assert "delays</td><td style=\"text-align:left\">none" in wbxr.Network(wbxr.models.Hopf(), conn, k=0.5)._repr_html_()
