"""Builds the fixtext package (the _fixtext extension) against libfixtext, found by pkg-config:

  pip install --no-index --no-build-isolation ./python
      against an installed libfixtext (`meson install`: fixtext.pc, libfixtext.so, fixtext.h);
      linked to the shared library (FIXTEXT_STATIC=1: to libfixtext.a, with ICU and OpenCC).
  FIXTEXT_BUILD_DIR=build pip install --no-index --no-build-isolation ./python
      against a meson build directory that was not installed: its meson-uninstalled/fixtext-
      uninstalled.pc, linked to its libfixtext.a so the module does not need the directory later.

No package index is needed: the only build requirement is setuptools (Debian: python3-setuptools).
"""
import os
import shlex
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEM_LIBDIRS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64")


def pkg_config_env():
    env = dict(os.environ)
    build_dir = env.get("FIXTEXT_BUILD_DIR")
    if build_dir:
        uninstalled = os.path.join(os.path.abspath(build_dir), "meson-uninstalled")
        if not os.path.isfile(os.path.join(uninstalled, "fixtext-uninstalled.pc")):
            sys.exit(f"FIXTEXT_BUILD_DIR={build_dir}: no meson-uninstalled/fixtext-uninstalled.pc "
                     "there (a meson build directory of fixtext is wanted)")
        # pkg-config prefers NAME-uninstalled.pc when it is on the path
        env["PKG_CONFIG_PATH"] = os.pathsep.join(p for p in (uninstalled, env.get("PKG_CONFIG_PATH")) if p)
    return env


def pkg_config(env, *args):
    try:
        out = subprocess.run(["pkg-config", *args, "fixtext"], env=env, check=True,
                             capture_output=True, text=True).stdout
    except FileNotFoundError:
        sys.exit("pkg-config is needed to find libfixtext (Debian: pkg-config)")
    except subprocess.CalledProcessError as e:
        sys.exit("libfixtext not found by pkg-config: install it (meson install -C build) or set "
                 "FIXTEXT_BUILD_DIR to a meson build directory\n" + e.stderr)
    return shlex.split(out)


def extension():
    env = pkg_config_env()
    static = bool(env.get("FIXTEXT_BUILD_DIR")) or env.get("FIXTEXT_STATIC") == "1"
    cflags = pkg_config(env, "--cflags")
    libs = pkg_config(env, "--libs", *(["--static"] if static else []))
    libdirs = [a[2:] for a in libs if a.startswith("-L")]
    link = []
    if static:
        archive = next((os.path.join(d, "libfixtext.a") for d in libdirs
                        if os.path.isfile(os.path.join(d, "libfixtext.a"))), None)
        if not archive:
            sys.exit(f"libfixtext.a not found in {libdirs}")
        # the archive in place of -lfixtext; its symbols stay inside the module
        link = [archive if a == "-lfixtext" else a for a in libs] + ["-Wl,--exclude-libs,ALL"]
        rpath = []
    else:
        link = libs
        rpath = [d for d in libdirs if not d.startswith(SYSTEM_LIBDIRS)]
    return Extension(
        "fixtext._fixtext",
        sources=["fixtext/_fixtext.c"],
        extra_compile_args=cflags + ["-std=c11", "-Wall", "-Wextra"],
        extra_link_args=link,
        runtime_library_dirs=rpath,
    ), pkg_config(env, "--modversion")[0]


class always_build_ext(build_ext):
    """pip builds in the source tree: an extension left in build/ by an earlier install against
    another libfixtext (static, shared, another build directory) would count as up to date, since
    only the sources are compared. It is one file: build it every time."""

    def finalize_options(self):
        super().finalize_options()
        self.force = True  # (Command.__init__ resets it after initialize_options)


if __name__ == "__main__":
    os.chdir(HERE)
    ext, version = extension()
    setup(
        name="fixtext",
        version=version,
        description="Turn text of unknown, mixed or damaged encoding into clean UTF-8 (libfixtext)",
        long_description=open("README.md", encoding="utf-8").read(),
        long_description_content_type="text/markdown",
        license="MIT",
        packages=["fixtext"],
        ext_modules=[ext],
        cmdclass={"build_ext": always_build_ext},
        python_requires=">=3.9",
        zip_safe=False,
    )
