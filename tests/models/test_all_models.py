"""Properties every node model must have: metadata, the catalogue, and running in a delayed network."""

import dataclasses

import numpy as np
import pytest

import wbxr
from wbxr.models import MODELS, list_models
from wbxr.models.base import _UNITS, parameter_fields

#: Steps for the network run: a prime number, so that a block has one step (the smallest
#: compiled program).
N_STEPS = 199
#: Models whose default dynamics need a smaller step than 0.1 ms with explicit schemes.
DT = {"CoombesByrne": 0.01}

EXPECTED = {
    "CoombesByrne": (("r", "V", "g"), "r"),
    "DavidFriston": (tuple(f"y{i}_{k}" for k in (1, 2) for i in range(6)), "y4_1"),
    "Epileptor": (("x1", "y1", "z", "x2", "y2", "g"), "x1"),
    "Epileptor2D": (("x1", "z"), "x1"),
    "FitzHughNagumo": (("v", "w"), "v"),
    "Generic2dOscillator": (("V", "W"), "V"),
    "Hopf": (("x", "y"), "x"),
    "JansenRit": (("y0", "y1", "y2", "y3", "y4", "y5"), "y4"),
    "Kuramoto": (("theta",), "theta"),
    "LarterBreakspear": (("V", "W", "Z"), "V"),
    "LinearRate": (("x",), "x"),
    "Lorenz": (("x", "y", "z"), "x"),
    "MontbrioPazoRoxin": (("r", "V"), "r"),
    "ReducedWongWang": (("S",), "S"),
    "ReducedWongWangExcInh": (("S_E", "S_I"), "S_E"),
    "ThresholdLinear": (("r",), "r"),
    "VanDerPol": (("x", "y"), "x"),
    "WilsonCowan": (("rE", "rI"), "rE"),
    "WilsonCowanAdaptation": (("rE", "rI", "aE", "aI"), "rE"),
    "WilsonCowanDivisive": (("rE", "rI"), "rE"),
    "WilsonCowanLinear": (("rE", "rI"), "rE"),
    "WilsonCowanNoSaturation": (("rE", "rI"), "rE"),
    "WilsonCowanSimplified": (("rE", "rI"), "rE"),
    "WilsonCowanSymmetric": (("rE", "rI"), "rE"),
    "WilsonCowanThreePopulation": (("rE", "rP", "rS"), "rE"),
    "ZetterbergJansen": (("v1", "y1", "v2", "y2", "v3", "y3", "v4", "y4", "v5", "y5"), "y2"),
}


def test_list_models_is_the_sorted_catalogue():
    entries = list_models()
    names = [entry["name"] for entry in entries]
    assert names == sorted(EXPECTED)
    for entry in entries:
        variables, coupled = EXPECTED[entry["name"]]
        assert entry["state_variables"] == variables
        assert entry["default_coupled_var"] == coupled
        assert set(entry) == {"name", "state_variables", "default_coupled_var", "description"}
        assert 20 < len(entry["description"]) < 120 and "\n" not in entry["description"]
        assert getattr(wbxr.models, entry["name"]).__name__ == entry["name"]


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_metadata_is_complete_and_consistent(cls):
    variables = cls.state_variables
    assert set(cls.variable_units) == set(variables)
    assert set(cls.initial_range) == set(variables)
    for low, high in cls.initial_range.values():
        assert low < high
    model = cls()
    fields = parameter_fields(cls)
    assert fields, "a model without parameters"
    for field in fields:
        info = field.metadata["wbxr"]
        assert info.unit in _UNITS and info.description
        low, high = info.range
        assert low <= field.default <= high, f"{cls.__name__}.{field.name} default outside its range"
        assert getattr(model, field.name) == field.default
    doc = cls.__doc__
    for section in (".. math::", "References", "Examples"):
        assert section in doc, f"{cls.__name__} docstring lacks {section}"
    last = dataclasses.fields(model)[-2:]                  # the keyword-only last fields
    assert [f.name for f in last] == ["noise", "bounds"] and all(f.kw_only for f in last)


def test_dfun_shapes_with_per_region_parameters():
    rng = np.random.default_rng(0)
    for cls in MODELS:
        model = cls()
        first = parameter_fields(cls)[0]
        per_region = model.replace(**{first.name: first.default * np.linspace(0.9, 1.1, 4)})
        low = np.array([cls.initial_range[v][0] for v in cls.state_variables])[:, None]
        high = np.array([cls.initial_range[v][1] for v in cls.state_variables])[:, None]
        state = low + (high - low) * rng.uniform(size=(len(cls.state_variables), 4))
        out = np.asarray(cls.dfun(state, np.zeros_like(state), per_region))
        assert out.shape == state.shape and np.all(np.isfinite(out)), cls.__name__


# Each model runs with one of the schemes, in turn: the schemes are tested on their own
# (tests/test_integrators.py, tests/test_network_reference.py), and every model with every
# scheme compiled 78 programs, the slowest test file of the suite.
METHOD_OF_EACH_MODEL = [(cls, ("euler", "heun", "rk4")[i % 3]) for i, cls in enumerate(MODELS)]


@pytest.mark.parametrize("cls, method", METHOD_OF_EACH_MODEL, ids=lambda v: getattr(v, "__name__", v))
def test_runs_in_the_delayed_example_network(cls, method):
    dt = DT.get(cls.__name__, 0.1)
    net = wbxr.Network(cls(), wbxr.load_dataset("example_connectome"), speed=10.0, k=0.05)
    duration = N_STEPS * dt
    coupled = cls.default_coupled_var
    ds = wbxr.simulate(net, duration=duration, dt=dt, method=method, seed=3)
    values = np.stack([ds[v].values for v in cls.state_variables])
    assert values.shape == (len(cls.state_variables), N_STEPS, 8)
    assert np.all(np.isfinite(values))
    assert np.ptp(ds[coupled].values) > 0
    # the same compiled program without coupling: the network input must make a difference
    uncoupled = wbxr.simulate(net.replace(k=0.0), duration=duration, dt=dt, method=method, seed=3)
    difference = max(float(np.abs(ds[v].values - uncoupled[v].values).max()) for v in cls.state_variables)
    assert difference > 1e-6


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_dfun_under_vmap_over_parameter_sets(cls):
    """A batch of parameter sets (a stacked model pytree) under jax.vmap gives each set's field."""
    import jax
    import jax.numpy as jnp

    first = parameter_fields(cls)[0]
    models = [cls(**{first.name: first.default * scale}) for scale in (0.9, 1.0, 1.1)]
    batch = jax.tree_util.tree_map(lambda *leaves: jnp.stack([jnp.asarray(v) for v in leaves]), *models)
    rng = np.random.default_rng(2)
    low = np.array([cls.initial_range[v][0] for v in cls.state_variables])[:, None]
    high = np.array([cls.initial_range[v][1] for v in cls.state_variables])[:, None]
    state = jnp.asarray(low + (high - low) * rng.uniform(size=(len(cls.state_variables), 4)))
    inputs = jnp.asarray(0.01 * rng.normal(size=state.shape))
    batched = jax.jit(jax.vmap(lambda m: cls.dfun(state, inputs, m)))(batch)
    for member, model in enumerate(models):
        expected = np.asarray(cls.dfun(state, inputs, model))
        np.testing.assert_allclose(np.asarray(batched[member]), expected, rtol=1e-5,
                                   atol=1e-6 * np.abs(expected).max())
    assert not np.allclose(np.asarray(batched[0]), np.asarray(batched[2]))


# Every other model: each model's field under vmap is tested above, and every member of an
# ensemble equal to its solo run in tests/test_ensemble.py (all models: 70 s of the suite).
@pytest.mark.parametrize("cls", MODELS[::2], ids=lambda c: c.__name__)
def test_ensemble_members_equal_single_runs(cls, compile_count):
    """Swept over its first parameter, the vmapped ensemble reproduces separate simulations.

    The single runs are the Euler program of ``test_runs_in_the_delayed_example_network``
    (same network, ``N_STEPS`` steps; with another parameter value, nothing compiles); the
    ensemble runs the first 53 of those steps, before float32 rounding differences between
    the two programs grow in the chaotic models (Larter-Breakspear, Epileptor).
    """
    dt = DT.get(cls.__name__, 0.1)
    first = parameter_fields(cls)[0]
    values = [first.default * 0.95, first.default * 1.05]
    net = wbxr.Network(cls(), wbxr.load_dataset("example_connectome"), speed=10.0, k=0.05)
    n_compared = 53
    ens = wbxr.ensemble(net, duration=n_compared * dt, dt=dt, seeds=[1], sweep={first.name: values}).compute()
    coupled = cls.default_coupled_var
    for i, value in enumerate(values):
        with compile_count() as counter:
            single = wbxr.simulate(net.replace(model=cls(**{first.name: value})), duration=N_STEPS * dt, dt=dt,
                                   seed=1)
        assert i == 0 or counter.count == 0
        expected = single[coupled].values[:n_compared]
        # absolute tolerance on the series' scale: near its zero crossings the two programs'
        # float32 roundings differ by a few ulps of its largest values (Lorenz on jax 0.7.0:
        # 3.8e-6 at a value of 0.03, the series reaching 9)
        np.testing.assert_allclose(ens[coupled].isel(seed=0, **{first.name: i}).values, expected,
                                   rtol=1e-5, atol=1e-6 * np.abs(expected).max())
