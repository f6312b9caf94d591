"""Where the sample data of ``data/`` lives, in a checkout or in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).parent
#: A checkout keeps the sample beside the package; a wheel force-includes it as ``_data``.
_CANDIDATES = (_PACKAGE.parent / "data", _PACKAGE / "_data")


def sample_dir() -> Path:
    """The directory holding the sample data files."""
    for candidate in _CANDIDATES:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"sample data not found in {' or '.join(str(c) for c in _CANDIDATES)}; "
        "reinstall relay-analytics or run from a checkout"
    )


def sample_path(name: str) -> Path:
    """The path of the sample file ``name`` (e.g. ``"consumptions.csv"``)."""
    path = sample_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"no sample file {name!r} in {path.parent}")
    return path
