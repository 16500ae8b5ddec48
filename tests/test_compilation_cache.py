"""wbxr.use_compilation_cache: a second process loads the simulation instead of compiling it."""

import os
import subprocess
import sys
import textwrap

import pytest

from wbxr.compilation_cache import use_compilation_cache

RUN = textwrap.dedent(
    """
    import jax, wbxr
    hits = []
    jax.monitoring.register_event_listener(lambda event, **kw: hits.append(event))
    wbxr.use_compilation_cache({directory!r})
    net = wbxr.Network(wbxr.models.Hopf(), wbxr.load_dataset("example_connectome"), speed=10.0, k=0.2)
    wbxr.simulate(net, duration=20.0, dt=0.1, seed=1)
    print("HITS", hits.count("/jax/compilation_cache/cache_hits"))
    """
)


def hits_in_a_fresh_process(directory) -> int:
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    out = subprocess.run([sys.executable, "-c", RUN.format(directory=str(directory))], env=env,
                         capture_output=True, text=True, check=True).stdout
    return int(out.split("HITS")[-1])


def test_a_second_process_reuses_the_compiled_simulation(tmp_path):
    assert hits_in_a_fresh_process(tmp_path) == 0
    assert any(tmp_path.iterdir())  # programs were written
    assert hits_in_a_fresh_process(tmp_path) >= 1


def test_bad_directories_are_refused(tmp_path):
    with pytest.raises(TypeError, match="directory must be a path"):
        use_compilation_cache(3)
    file = tmp_path / "file"
    file.write_text("")
    with pytest.raises(ValueError, match="is not a directory"):
        use_compilation_cache(file)
