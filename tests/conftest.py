# The harness lives in a plugin so that its option and fixtures also reach the tests under src/.
pytest_plugins = ["tests.support.plugin"]
