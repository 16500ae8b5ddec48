"""SPEC tasks T1-T4 for vbjax (run with benchmarks/.envs/vbjax/bin/python; jax 0.4.30).

    python benchmarks/systems/vbjax_tasks.py --task T1 [--n 80] [--duration 10000] [--repeats 1]

vbjax ships no Hopf or Wilson-Cowan model and no monitor-aware delay loop, so, as in
shared/bench/NOTES.md, the benchmark uses vbjax's pieces and drives them itself:

* ``vb.make_sdde(dt, nh, dfun, gfun)``'s ``step`` (stochastic Heun, vbjax's only SDDE scheme:
  two drift evaluations, so two delayed gathers, per step) on vbjax's buffer layout
  ``buf[time, svar, node]`` holding the history and, ahead of the current time, the
  pre-drawn standard normals, which each step overwrites with the new state;
* driven by our own ``jax.lax.scan`` with NO per-step output (carry only).  vbjax's shipped
  ``loop`` scans over a slice of the very buffer it updates and returns every state, so XLA
  copies the whole history every step and it slows down with the run length (NOTES: ~0.02
  sim-s/s for 10 s); the states are read off the buffer every 1 ms after the scan;
* delays from ``vb.make_delay_helper(W, D, dt, v_c=10)`` (vbjax floors ``D / v / dt``), raised
  to at least one step as vbjax's docstring advises for Heun without ``zero_delays``;
  the delayed read is ``vb.delay_apply``'s gather ``buf[t - lags, svar, ix_lag_from]``
  restricted to the coupled variable (delay_apply itself would gather every state variable);
* the node equations written as vbjax-style ``dfun(buf, x, t, p)``: Hopf as SPEC (a = -0.05,
  w = 0.2, diffusive K = 0.5 on x), Wilson-Cowan with wbxr's/TVB's/brainmass's default
  parameters (vbjax has none of its own) and diffusive K = 0.5 on E;
* noise ``gfun`` = sigma on x and y (Hopf), (sigma, 0) on (E, I): vbjax adds
  ``gfun * sqrt(dt) * z``, SPEC's additive white noise;
* float32 (JAX default), CPU.  On import vbjax sets
  ``XLA_FLAGS=--xla_force_host_platform_device_count=<cores>`` (2 here) unless XLA_FLAGS is
  already set; that is its default and is kept.
* T4: ``jax.pmap`` over the host devices x ``jax.vmap`` over seeds (vbjax's batching idiom,
  see vbjax/tests/bench_vmap.py); ``jax.vmap`` alone when 16 does not split evenly.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import spec  # noqa: E402

spec.cpu_jax()

import contextlib  # noqa: E402
import io  # noqa: E402

with contextlib.redirect_stdout(io.StringIO()):   # vbjax prints banners on import
    import vbjax as vb  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

SAMPLE_STEPS = int(round(spec.SAMPLE_EVERY / spec.DT))

# Wilson-Cowan parameters (TVB's / brainmass's / wbxr's defaults, unit time constants).
WC = dict(tau_E=1.0, tau_I=1.0, a_E=1.2, theta_E=2.8, a_I=1.0, theta_I=4.0,
          wEE=12.0, wIE=4.0, wEI=13.0, wII=11.0, r=1.0)


def wc_sigmoid(x, a, theta):
    return jax.nn.sigmoid(a * (x - theta)) - jax.nn.sigmoid(-a * theta)


def build(task: str, n: int, duration: float):
    W, D = spec.bench_connectome(n)
    dh = vb.make_delay_helper(jnp.asarray(W, jnp.float32), jnp.asarray(D, jnp.float32),
                              dt=spec.DT, v_c=spec.SPEED)
    lags = jnp.maximum(dh.lags, 1)            # >= 1 step, see the module docstring
    ix = dh.ix_lag_from
    nh = int(lags.max())                      # history length kept before the current time
    weights = jnp.asarray(W, jnp.float32)
    row_sum = weights.sum(axis=1)
    steps = spec.n_steps(duration)

    def coupling(buf, x_now, t):
        """K * sum_j W_ij (x_j(t - d_ij) - x_i(t)): delay_apply's gather on svar 0 only."""
        delayed = buf[t - lags, 0, ix]        # (target, source)
        return spec.K * ((weights * delayed).sum(axis=1) - row_sum * x_now)

    if task == "T2":
        def dfun(buf, x, t, p):
            rE, rI = x
            c = coupling(buf, rE, t)
            dE = (-rE + (1 - WC["r"] * rE) * wc_sigmoid(WC["wEE"] * rE - WC["wIE"] * rI + c,
                                                          WC["a_E"], WC["theta_E"])) / WC["tau_E"]
            dI = (-rI + (1 - WC["r"] * rI) * wc_sigmoid(WC["wEI"] * rE - WC["wII"] * rI,
                                                          WC["a_I"], WC["theta_I"])) / WC["tau_I"]
            return jnp.stack([dE, dI])
        gfun = jnp.array([spec.SIGMA, 0.0], jnp.float32)[:, None]   # noise on E only
        init_range = (0.0, 0.1)
    else:
        def dfun(buf, x, t, p):
            X, Y = x
            c = coupling(buf, X, t)
            growth = spec.HOPF_A - (X * X + Y * Y)
            return jnp.stack([growth * X - spec.HOPF_W * Y + c, growth * Y + spec.HOPF_W * X])
        gfun = spec.SIGMA
        init_range = (-0.5, 0.5)

    step, _shipped_loop = vb.make_sdde(spec.DT, nh, dfun, gfun)

    def run(key):
        k_init, k_noise = jax.random.split(key)
        x0 = jax.random.uniform(k_init, (2, n), jnp.float32, *init_range)
        z = jax.random.normal(k_noise, (steps, 2, n), jnp.float32)
        buf = jnp.concatenate([jnp.broadcast_to(x0, (nh + 1, 2, n)), z])

        def body(carry, _):
            buf, t = carry
            z_t = jax.lax.dynamic_index_in_dim(buf, nh + 1 + t, keepdims=False)
            carry, _state = step(carry, z_t, None)   # the per-step state is dropped
            return carry, None

        (buf, _), _ = jax.lax.scan(body, (buf, 0), None, length=steps)
        # state after step s is buf[nh + s]: record every SAMPLE_STEPS steps, first var
        return buf[nh + SAMPLE_STEPS::SAMPLE_STEPS, 0]

    return run


def main() -> None:
    args = spec.parse_args()
    run = build(args.task, args.n, args.duration)
    notes = [f"jax {jax.__version__}", "stochastic Heun (vbjax make_sdde step)",
             "own lax.scan, no per-step output", f"{jax.local_device_count()} host devices"]

    if args.task == "T4":
        keys = jax.vmap(jax.random.PRNGKey)(jnp.arange(spec.N_SEEDS))
        n_dev = jax.local_device_count()
        if n_dev > 1 and spec.N_SEEDS % n_dev == 0:
            batched = jax.pmap(jax.vmap(run))
            keys = keys.reshape(n_dev, spec.N_SEEDS // n_dev, *keys.shape[1:])
            notes.append(f"T4 via jax.pmap({n_dev} devices) x jax.vmap({spec.N_SEEDS // n_dev} seeds)")
        else:
            batched = jax.jit(jax.vmap(run))
            notes.append(f"T4 via jax.vmap over {spec.N_SEEDS} seeds")

        def call():
            out = np.asarray(jax.block_until_ready(batched(keys)))
            return out.reshape(spec.N_SEEDS, *out.shape[-2:])
    else:
        run_jit = jax.jit(run)
        key = jax.random.PRNGKey(0)

        def call():
            return np.asarray(jax.block_until_ready(run_jit(key)))

    dtype = {}

    def timed():
        out = call()
        dtype["d"] = str(out.dtype)
        return out

    spec.run_and_report(
        system="vbjax", version=version("vbjax"), args=args, precision=lambda: dtype["d"],
        call=timed, notes=", ".join(notes), check=spec.summarize,
    )


if __name__ == "__main__":
    main()
