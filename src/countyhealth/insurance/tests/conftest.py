import pytest

from .simulator import SimulatorProcess


@pytest.fixture(scope="session")
def insurance_sim():
    sim = SimulatorProcess()
    yield sim
    sim.stop()


@pytest.fixture
def simulator(insurance_sim, settings, county):
    """The simulator with this test's county loaded; short timeouts so fault tests stay fast."""
    from countyhealth.insurance.reference import load_simulator

    settings.INSURANCE_URL = insurance_sim.url
    settings.INSURANCE_TIMEOUT = 1.0
    settings.INSURANCE_RETRIES = 1
    insurance_sim.clear_faults()
    load_simulator()
    return insurance_sim
