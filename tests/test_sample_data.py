"""The sample data in data/ is exactly what its generator makes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DATA = Path(__file__).parents[1] / "data"


def test_the_generator_reproduces_every_committed_file(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_sample_data", DATA / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    generator.main(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written, "the generator wrote nothing"
    for name in written:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
