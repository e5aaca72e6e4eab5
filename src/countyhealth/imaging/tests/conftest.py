from tests.support.orthanc import orthanc, pacs, pacs_down  # noqa: F401  (fixtures)
