"""`pip install ./python` without a package index, as python/README.md says, in a fresh venv:
against the meson build directory (FIXTEXT_BUILD_DIR: libfixtext.a linked in) and against an
installed libfixtext (`meson install` into a staging directory, found by pkg-config). The
installed module is then imported from outside the source and build trees and used."""
import os
import shutil
import subprocess
import sys

import pytest

from support import SOURCE

BUILD_DIR = os.environ.get("FIXTEXT_BUILD_DIR")

pytestmark = [
    pytest.mark.skipif(not BUILD_DIR, reason="FIXTEXT_BUILD_DIR (the meson build) not set"),
    pytest.mark.skipif(subprocess.run([sys.executable, "-m", "pip", "--version"],
                                      capture_output=True).returncode != 0,
                       reason="pip is not installed (Debian: python3-pip)"),
]

SMOKE = ("import fixtext, sys; "
         "assert fixtext.fix_text('caf\\u00c3\\u00a9') == 'caf\\u00e9'; "
         "assert fixtext.fix_bytes('\\u4e2d\\u6587\\n'.encode('big5')) == '\\u4e2d\\u6587\\n'; "
         "print(fixtext.__file__)")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "FIXTEXT_BUILD_DIR", "PKG_CONFIG_PATH", "FIXTEXT_STATIC")}
    env.update(extra)
    return env


def venv_with_package(tmp_path, env):
    """A venv that sees Debian's setuptools and pip, and the package installed into it from a
    copy of python/ (pip builds in the tree it is given: the source tree stays clean)."""
    src = tmp_path / "src"
    shutil.copytree(os.path.join(SOURCE, "python"), src,
                    ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    r = subprocess.run([python, "-m", "pip", "install", "--no-index", "--no-build-isolation",
                        "--no-cache-dir", "--quiet", str(src)],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return python


def run_smoke(python, tmp_path, env):
    r = subprocess.run([python, "-c", SMOKE], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    installed = r.stdout.strip()
    assert installed.startswith(str(tmp_path / "venv")), installed
    return os.path.dirname(installed)


def test_pip_install_against_the_build_dir(tmp_path):
    python = venv_with_package(tmp_path, clean_env(FIXTEXT_BUILD_DIR=os.path.abspath(BUILD_DIR)))
    package = run_smoke(python, tmp_path, clean_env())
    module = [f for f in os.listdir(package) if f.startswith("_fixtext")][0]
    dynamic = subprocess.run(["readelf", "-d", os.path.join(package, module)],
                             capture_output=True, text=True).stdout
    assert "libfixtext" not in dynamic  # linked in: the build directory is not needed later


def test_pip_install_against_an_installed_libfixtext(tmp_path):
    stage = tmp_path / "stage"
    r = subprocess.run(["meson", "install", "-C", BUILD_DIR, "--no-rebuild", "--quiet",
                        "--destdir", str(stage)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    pcs = [os.path.join(root, f) for root, _, files in os.walk(stage) for f in files
           if f == "fixtext.pc"]
    assert pcs
    # the staged fixtext.pc names /usr/local/...: the sysroot puts the stage in front
    env = clean_env(PKG_CONFIG_PATH=os.path.dirname(pcs[0]), PKG_CONFIG_SYSROOT_DIR=str(stage))
    python = venv_with_package(tmp_path, env)
    package = run_smoke(python, tmp_path, clean_env())  # RUNPATH finds the staged library
    module = [f for f in os.listdir(package) if f.startswith("_fixtext")][0]
    dynamic = subprocess.run(["readelf", "-d", os.path.join(package, module)],
                             capture_output=True, text=True).stdout
    assert "libfixtext.so" in dynamic
