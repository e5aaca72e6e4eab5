# The harness lives in a plugin so that its option and fixtures also reach the tests under src/.
pytest_plugins = ["tests.support.plugin"]

# The shared fixtures of src/countyhealth/conftest.py, for the cross-app tests here.
from countyhealth.conftest import county, make_resident, make_user, password, users  # noqa: E402, F401
