# The harness itself is tests/support/plugin.py, loaded by pyproject's `-p tests.support.plugin`.
# The shared fixtures of src/countyhealth/conftest.py, for the cross-app tests here:
from countyhealth.conftest import county, make_resident, make_user, password, users  # noqa: F401
