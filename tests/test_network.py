"""wbxr.Network: validation, defaults, delays, discretisation."""

import brainunit as u
import numpy as np
import pytest

import wbxr
from wbxr.network import MEMORY_SIZE, Network


@pytest.fixture(scope="module")
def conn():
    return wbxr.load_dataset("example_connectome")


def test_defaults_and_properties(conn):
    net = Network(wbxr.models.WilsonCowan(), conn, k=0.2)
    assert net.coupled_var == "rE" and net.coupling == "diffusive" and net.speed is None
    assert net.n_regions == 8 and net.labels == [f"R{i}" for i in range(8)]
    np.testing.assert_array_equal(net.weights, conn.weights.values)
    assert np.all(net.delay_steps(0.1) == 0)  # no speed: no delays


def test_speed_units(conn):
    assert Network(wbxr.models.Hopf(), conn, speed=10 * u.meter / u.second, k=1).speed == pytest.approx(10.0)
    assert Network(wbxr.models.Hopf(), conn, speed=1 * u.mm / u.ms, k=1).speed == 1.0
    net = Network(wbxr.models.Hopf(), conn, speed=5.0, k=1)
    expected = np.floor(conn.distances.values / (5.0 * 0.1) + 0.5).astype(int)
    np.testing.assert_array_equal(net.delay_steps(0.1), expected)


def test_no_distances_means_no_delays():
    conn = wbxr.connectome(np.ones((3, 3)) - np.eye(3))
    net = Network(wbxr.models.Hopf(), conn, speed=10.0, k=1)
    assert np.all(net.delay_steps(0.1) == 0) and net.min_delay(0.1) is None


def test_min_delay_ignores_missing_edges(conn):
    net = Network(wbxr.models.Hopf(), conn, speed=10.0, k=1)
    assert net.min_delay(0.1) == 31  # ring neighbours: 2 * 40 sin(pi / 8) = 30.6 mm
    neighbours = np.abs(np.subtract.outer(np.arange(8), np.arange(8))) % 6 == 1  # |i-j| in {1, 7}
    pruned = conn.copy(deep=True)
    pruned["weights"] = pruned.weights.where(~neighbours, 0.0)
    assert Network(wbxr.models.Hopf(), pruned, speed=10.0, k=1).min_delay(0.1) == 57  # 56.6 mm


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"speed": 0.0}, ValueError, "speed must be > 0"),
        ({"speed": -3 * u.mm / u.ms}, ValueError, "speed must be > 0"),
        ({"speed": 10 * u.ms}, ValueError, "speed=.* expected a quantity convertible to mm/ms"),
        ({"coupling": "sigmoid"}, ValueError, "coupling='sigmoid' is not one of"),
        ({"coupled_var": "z"}, ValueError, "coupled_var='z' is not a state variable of Hopf"),
        ({"k": "strong"}, TypeError, "k must be"),
        ({"k": np.inf}, ValueError, "k must be finite"),
    ],
)
def test_bad_specification(conn, kwargs, error, match):
    arguments = {"k": 0.5, **kwargs}
    with pytest.raises(error, match=match):
        Network(wbxr.models.Hopf(), conn, **arguments)


def test_bad_model_and_connectome(conn):
    with pytest.raises(TypeError, match="model must be a wbxr node model"):
        Network("Hopf", conn, k=1)
    with pytest.raises(TypeError, match="conn"):
        Network(wbxr.models.Hopf(), np.eye(3), k=1)
    bad = conn.copy(deep=True)
    bad["weights"][0, 1] = np.nan
    with pytest.raises(ValueError, match="weights"):
        Network(wbxr.models.Hopf(), bad, k=1)


def test_per_region_parameters_must_match_the_regions(conn):
    with pytest.raises(ValueError, match=r"Hopf.a has shape \(3,\).*shape \(8,\)"):
        Network(wbxr.models.Hopf(a=np.zeros(3)), conn, k=1)
    noise = {"x": wbxr.noise.White(sigma=np.ones(5))}
    with pytest.raises(ValueError, match=r"Hopf.noise\['x'\].sigma has shape \(5,\)"):
        Network(wbxr.models.Hopf(noise=noise), conn, k=1)
    Network(wbxr.models.Hopf(a=np.zeros(8)), conn, k=1)  # one per region is fine


def test_replace_validates_again(conn):
    net = Network(wbxr.models.Hopf(), conn, speed=10.0, k=0.5)
    assert net.replace(k=0.1).k == 0.1 and net.k == 0.5
    assert net.replace(speed=None).speed is None
    with pytest.raises(ValueError, match="coupled_var"):
        net.replace(coupled_var="q")
    with pytest.raises(TypeError, match="unknown fields"):
        net.replace(velocity=3)
    assert "8 regions" in repr(net) and "speed=10 mm/ms" in repr(net)


def test_a_network_remembers_its_most_recently_used_results(conn):
    net = Network(wbxr.models.Hopf(), conn, speed=10.0, k=0.5)
    built = []

    def build(key):
        built.append(key)
        return key * 10

    for key in range(MEMORY_SIZE):
        assert net._memoized(("test", key), lambda key=key: build(key)) == key * 10
    assert net._memoized(("test", 0), lambda: build(0)) == 0  # remembered: now the newest
    net._memoized(("test", MEMORY_SIZE), lambda: build(MEMORY_SIZE))  # forgets the oldest, 1
    assert built == list(range(MEMORY_SIZE + 1))
    assert net._memoized(("test", 1), lambda: build(1)) == 10 and built[-1] == 1
    assert net._memoized(("test", 0), lambda: build(0)) == 0 and built.count(0) == 1
    assert len(net._memory) == MEMORY_SIZE


def test_discretize_gives_traced_parameters_per_region(conn):
    net = Network(wbxr.models.Hopf(a=0.1), conn, speed=10.0, k=0.5)
    plan, params = net.discretize(0.1, "heun", block=5)
    assert plan.layout.window == 6 and plan.layout.length % 5 == 0
    assert params.model.a.shape == (8,) and float(params.k) == 0.5
    assert int(params.edges.delay.min()) == 31 and plan.layout.length >= 81
