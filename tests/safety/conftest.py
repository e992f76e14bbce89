from tests.realtime.conftest import pair  # noqa: F401  (shared fixture)
