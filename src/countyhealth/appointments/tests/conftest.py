import pytest

from .factories import cardiology


@pytest.fixture
def department(county):
    return cardiology(county)
