"""The delayed network against an independent plain-numpy implementation.

The reference below is written from the equations in the docs, not from wbxr's code: it
keeps the whole history of the coupled variable, loops over every target and source each
step, and integrates with textbook Euler / Heun / RK4.  Delays are heterogeneous, weights
asymmetric, and both coupling rules are checked for Hopf and Wilson-Cowan.
"""

import json

import jax.numpy as jnp
import numpy as np
import pytest

import wbxr
from wbxr import integrators

DT = 0.1


# --- independent model equations (numpy) ----------------------------------------------
def hopf_numpy(state, inputs, a=0.2, w=0.3, beta=1.0):
    x, y = state
    r2 = x * x + y * y
    return np.array([(a - beta * r2) * x - w * y + inputs[0], (a - beta * r2) * y + w * x + inputs[1]])


def sigmoid_numpy(x, gain, threshold):
    return 1.0 / (1.0 + np.exp(-gain * (x - threshold))) - 1.0 / (1.0 + np.exp(gain * threshold))


def wilson_cowan_numpy(state, inputs, P_E=1.0):
    rE, rI = state
    dE = -rE + (1 - rE) * sigmoid_numpy(12 * rE - 4 * rI + P_E + inputs[0], 1.2, 2.8)
    dI = -rI + (1 - rI) * sigmoid_numpy(13 * rE - 11 * rI + inputs[1], 1.0, 4.0)
    return np.array([dE, dI])


# --- independent network integration (numpy) -----------------------------------------
def reference_run(dfun, weights, steps, k, coupling, coupled, initial, n_steps, method="euler"):
    """States after 1..n_steps steps, shape (n_steps, n_variables, N)."""
    n_regions = weights.shape[0]
    history = np.zeros((n_steps + 1, n_regions))  # coupled variable at t = 0, dt, ...
    history[0] = initial[coupled]

    def past(step, j):
        return history[max(step, 0), j]  # before t = 0 the history is the initial state

    def network_input(step_time, current):
        """Coupling input at a stage at time `step_time` (may be fractional) with state `current`."""
        total = np.zeros(n_regions)
        for i in range(n_regions):
            for j in range(n_regions):
                if weights[i, j] == 0 or (coupling == "diffusive" and i == j):
                    continue
                d = steps[i, j]
                if d == 0:
                    source = current[j]
                else:  # linear interpolation between grid points of the delayed signal
                    lower = int(np.floor(step_time))
                    frac = step_time - lower
                    source = past(lower - d, j)
                    if frac:
                        source = (1 - frac) * source + frac * past(lower + 1 - d, j)
                if coupling == "diffusive":
                    total[i] += weights[i, j] * (source - current[i])
                else:
                    total[i] += weights[i, j] * source
        return k * total

    def field(z, step_time):
        inputs = np.zeros_like(z)
        inputs[coupled] = network_input(step_time, z[coupled])
        return dfun(z, inputs)

    state = initial.copy()
    out = []
    for n in range(n_steps):
        if method == "euler":
            state = state + DT * field(state, n)
        elif method == "heun":
            k1 = field(state, n)
            k2 = field(state + DT * k1, n + 1)
            state = state + DT / 2 * (k1 + k2)
        else:
            k1 = field(state, n)
            k2 = field(state + DT / 2 * k1, n + 0.5)
            k3 = field(state + DT / 2 * k2, n + 0.5)
            k4 = field(state + DT * k3, n + 1)
            state = state + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        history[n + 1] = state[coupled]
        out.append(state.copy())
    return np.array(out)


def random_connectome(n_regions=6, seed=3, zero_delay_pair=False):
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.1, 1.0, (n_regions, n_regions)) * (rng.random((n_regions, n_regions)) < 0.7)
    np.fill_diagonal(weights, 0.3)  # self-connections: ignored by diffusive, used by additive
    distances = rng.uniform(2.0, 25.0, (n_regions, n_regions))  # -> 2 .. 25 steps at 10 mm/ms
    distances = (distances + distances.T) / 2
    np.fill_diagonal(distances, 0.0)
    if zero_delay_pair:  # regions 0 and 1 so close that their delay rounds to zero steps
        weights[0, 1] = weights[1, 0] = 0.5
        distances[0, 1] = distances[1, 0] = 0.3
    return wbxr.connectome(weights, distances)


MODELS = {
    "hopf": (wbxr.models.Hopf(a=0.2, w=0.3), hopf_numpy, "x", {"x": 0.3, "y": -0.2}),
    "wilson_cowan": (wbxr.models.WilsonCowan(P_E=1.0), wilson_cowan_numpy, "rE", {"rE": 0.1, "rI": 0.05}),
}


def initial_state(model, base, n_regions):
    ramp = np.linspace(0.5, 1.5, n_regions)
    return {var: base[var] * ramp for var in model.state_variables}


def compare(model_name, coupling, method, conn, speed=10.0, k=0.4, n_steps=400, rtol=1e-4, atol=2e-5):
    model, dfun, coupled, base = MODELS[model_name]
    net = wbxr.Network(model, conn, speed=speed, coupling=coupling, coupled_var=coupled, k=k)
    init = initial_state(model, base, net.n_regions)
    ds = wbxr.simulate(net, duration=n_steps * DT, dt=DT, method=method, initial_state=init)
    initial = np.array([init[v] for v in model.state_variables])
    steps = net.delay_steps(DT)
    expected = reference_run(dfun, net.weights, steps, k, coupling,
                             model.state_variables.index(coupled), initial, n_steps, method)
    for index, var in enumerate(model.state_variables):
        np.testing.assert_allclose(ds[var].values, expected[:, index, :], rtol=rtol, atol=atol)
    return ds, expected


@pytest.mark.parametrize("coupling", ["diffusive", "additive"])
@pytest.mark.parametrize("model_name", ["hopf", "wilson_cowan"])
def test_euler_matches_numpy_reference_float32(model_name, coupling):
    conn = random_connectome()
    steps = wbxr.Network(MODELS[model_name][0], conn, speed=10.0, k=0.1).delay_steps(DT)
    assert len(np.unique(steps[steps > 0])) >= 8  # heterogeneous delays
    ds, expected = compare(model_name, coupling, "euler", conn)
    assert np.abs(expected).max() > 0.05  # a run that did something


@pytest.mark.parametrize("method", ["euler", "heun", "rk4"])
@pytest.mark.parametrize("coupling", ["diffusive", "additive"])
def test_every_method_matches_reference_in_float64(x64, method, coupling):
    with x64():
        compare("hopf", coupling, method, random_connectome(seed=5), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n_regions, summed_as", [(6, "dense"), (16, "edge list")])
def test_zero_delay_edges_and_self_connections_in_float64(x64, n_regions, summed_as):
    conn = random_connectome(n_regions, zero_delay_pair=True)
    net = wbxr.Network(MODELS["hopf"][0], conn, speed=10.0, k=0.1)
    steps = net.delay_steps(DT)
    assert steps[0, 1] == 0 and steps[1, 0] == 0
    sources = net.discretize(DT, "euler", block=1)[1].instantaneous.zero_delay_sources
    assert (sources is None) == (summed_as == "dense")  # one such edge per region: sparse from N = 8
    with x64():
        for coupling in ("diffusive", "additive"):
            for method in ("euler", "heun"):
                compare("hopf", coupling, method, conn, rtol=1e-10, atol=1e-12)



@pytest.mark.parametrize("shortest, method", [(1, "euler"), (1, "rk4"), (3, "heun")])  # each scheme once
def test_edges_shorter_than_a_block_are_summed_step_by_step_in_float64(x64, method, shortest):
    """A few short edges would make blocks of 1-3 steps: they are summed step by step
    (reading the block's own states, down to the step's start for a delay of one step),
    the others gathered per block of 10; the run equals the reference."""
    conn = random_connectome(seed=3)
    if shortest == 1:
        distances = conn.distances.values.copy()
        distances[2, 4] = distances[4, 2] = 1.0  # one step at 10 mm/ms
        conn = wbxr.connectome(conn.weights.values, distances)
    net = wbxr.Network(MODELS["hopf"][0], conn, speed=10.0, k=0.4)
    assert net.min_delay(DT) == shortest and net.block_delay(DT) >= 10
    params = net.discretize(DT, method, block=10)[1]
    assert params.short is not None and min(params.short.delay.tolist()) == shortest
    assert params.edges.delay.min() >= (10 if integrators.READS_STEP_END[method] else 9)
    with x64():
        for coupling in ("diffusive", "additive"):
            compare("hopf", coupling, method, conn, rtol=1e-10, atol=1e-12)


def test_the_block_delay_leaves_at_most_half_as_many_short_edges_as_regions():
    conn = random_connectome(n_regions=12, seed=3)
    net = wbxr.Network(MODELS["hopf"][0], conn, speed=10.0, k=0.4)
    steps = net.delay_steps(DT)
    delays = steps[(net.weights != 0) & ~np.eye(12, dtype=bool) & (steps >= 1)]
    block_delay = net.block_delay(DT)
    assert net.min_delay(DT) < 5 <= block_delay
    assert (delays < block_delay).sum() <= 6 < (delays <= block_delay).sum()
    far = wbxr.Network(MODELS["hopf"][0], conn, speed=1.0, k=0.4)  # every delay >= 5 steps
    assert far.block_delay(DT) == far.min_delay(DT)

def test_no_speed_means_instantaneous_coupling_in_float64(x64):
    conn = random_connectome()
    with x64():
        compare("wilson_cowan", "additive", "heun", conn, speed=None, rtol=1e-10, atol=1e-12)


def test_long_delays_relative_to_run(x64):
    """Delays longer than the whole run: every delayed read is the initial state."""
    conn = random_connectome()
    with x64():
        compare("hopf", "diffusive", "euler", conn, speed=0.5, n_steps=60, rtol=1e-10, atol=1e-12)


# --- nonlinear couplings, custom model, reading several variables ----------------------
from wbxr.models import NodeModel, node_model, parameter  # noqa: E402


@node_model
class PhaseOscillator(NodeModel):
    """Test-local model: d theta / dt = omega + I (a user-defined model in a few lines)."""

    omega: float = parameter(0.3, unit="rad/ms", description="natural frequency")
    state_variables = ("theta",)
    default_coupled_var = "theta"
    variable_units = {"theta": "rad"}
    initial_range = {"theta": (0.0, 6.28)}

    @staticmethod
    def dfun(state, inputs, p):
        return (p.omega + inputs[0])[None]


@node_model
class TwoPotentials(NodeModel):
    """Test-local model with three variables; the coupling reads v1 - v2 and drives u."""

    tau: float = parameter(5.0, unit="ms", description="time constant")
    state_variables = ("v1", "v2", "u")
    default_coupled_var = "u"
    variable_units = {"v1": "mV", "v2": "mV", "u": "mV"}
    initial_range = {"v1": (0.0, 10.0), "v2": (0.0, 2.0), "u": (0.0, 1.0)}

    @staticmethod
    def dfun(state, inputs, p):
        v1, v2, u = state
        return jnp.stack([(-v1 + 8.0 + 3.0 * u) / p.tau, (-v2 + 1.0) / p.tau, (-u + 40.0 * inputs[2]) / p.tau])


def general_reference(dfun, weights, steps, pre, post, reads, coupled, initial, n_steps, method):
    """Numpy reference for any coupling: S = sum_j W_ij pre(r_j(t - d_ij)), I = post(S, r_i)."""
    n = weights.shape[0]
    history = [pre(initial[list(reads)])]  # pre-synaptic signals (channels, N) at t = 0, dt, ...

    def past(step):
        return history[max(step, 0)]

    def field(z, step_time):
        current = pre(z[list(reads)])
        summed = np.zeros_like(current)
        for i in range(n):
            for j in range(n):
                d = steps[i, j]
                if weights[i, j] == 0:
                    continue
                if d == 0:
                    value = current[:, j]
                else:
                    lower = int(np.floor(step_time))
                    frac = step_time - lower
                    value = past(lower - d)[:, j]
                    if frac:
                        value = (1 - frac) * value + frac * past(lower + 1 - d)[:, j]
                summed[:, i] += weights[i, j] * value
        inputs = np.zeros_like(z)
        inputs[coupled] = post(summed, z[list(reads)])
        return dfun(z, inputs)

    state, out = initial.copy(), []
    for step in range(n_steps):
        if method == "euler":
            state = state + DT * field(state, step)
        else:
            k1 = field(state, step)
            state = state + DT / 2 * (k1 + field(state + DT * k1, step + 1))
        history.append(pre(state[list(reads)]))
        out.append(state.copy())
    return np.array(out)


@pytest.mark.parametrize("method", ["euler", "heun"])
def test_kuramoto_coupling_with_delays_matches_reference_in_float64(x64, method):
    conn = random_connectome(seed=8)
    k = 0.2
    with x64():
        model = PhaseOscillator(omega=np.linspace(0.2, 0.4, 6))
        net = wbxr.Network(model, conn, speed=10.0, coupling="kuramoto", k=k)
        init = {"theta": np.linspace(0.0, 5.0, 6)}
        ds = wbxr.simulate(net, duration=30.0, dt=DT, method=method, initial_state=init)
        expected = general_reference(
            lambda z, i: np.linspace(0.2, 0.4, 6)[None] + i,
            net.weights, net.delay_steps(DT),
            pre=lambda r: np.stack([np.sin(r[0]), np.cos(r[0])]),
            post=lambda s, r: k * (np.cos(r[0]) * s[0] - np.sin(r[0]) * s[1]),
            reads=(0,), coupled=0, initial=np.array([init["theta"]]), n_steps=300, method=method,
        )
    np.testing.assert_allclose(ds.theta.values, expected[:, 0], rtol=1e-10, atol=1e-12)


def test_sigmoidal_jansen_rit_coupling_reads_two_variables_in_float64(x64):
    conn = random_connectome(seed=9, zero_delay_pair=True)
    k, e0, v0, r = 0.3, 2.5e-3, 6.0, 0.56
    with x64():
        net = wbxr.Network(TwoPotentials(), conn, speed=10.0, coupling="sigmoidal_jansen_rit",
                           coupled_var="u", reads=("v1", "v2"), k=k)
        init = {"v1": np.linspace(4.0, 9.0, 6), "v2": np.linspace(0.5, 1.5, 6), "u": 0.0}
        ds = wbxr.simulate(net, duration=30.0, dt=DT, method="heun", initial_state=init)

        def two_potentials(z, inputs):
            v1, v2, u = z
            return np.array([(-v1 + 8.0 + 3.0 * u) / 5.0, (-v2 + 1.0) / 5.0, (-u + 40.0 * inputs[2]) / 5.0])

        expected = general_reference(
            two_potentials, net.weights, net.delay_steps(DT),
            pre=lambda rd: (2 * e0 / (1 + np.exp(r * (v0 - (rd[0] - rd[1])))))[None],
            post=lambda s, rd: k * s[0],
            reads=(0, 1), coupled=2,
            initial=np.array([init["v1"], init["v2"], np.zeros(6)]), n_steps=300, method="heun",
        )
    for index, var in enumerate(("v1", "v2", "u")):
        np.testing.assert_allclose(ds[var].values, expected[:, index], rtol=1e-10, atol=1e-12)
    assert np.abs(ds.u.values).max() > 1e-3  # the coupling did something


def test_coupling_parameters_are_traced(compile_count):
    conn = random_connectome()
    base = wbxr.Network(wbxr.models.Hopf(), conn, speed=10.0, coupling=wbxr.coupling.Sigmoidal(), k=0.5)
    wbxr.simulate(base, duration=10.0, dt=DT)
    with compile_count() as counter:
        other = base.replace(coupling=wbxr.coupling.Sigmoidal(cmax=3.0, sigma=0.2))
        ds = wbxr.simulate(other, duration=10.0, dt=DT)
    assert not [n for n in counter.names if "run_members" in n]
    assert json.loads(ds.attrs["coupling_parameters"])["cmax"] == 3.0
