"""pytest configuration for the fixtext package's tests: they import the package from
PYTHONPATH (build/python in the meson build) and compare with the built command (support.py)."""
import fixtext


def pytest_report_header(config):
    return f"fixtext {fixtext.__version__} from {fixtext.__file__}"
