"""Settings for the test suite (pytest.ini): the application's settings with ``DEBUG=1``
unless the environment already says otherwise.

DEBUG is off by default (fail closed), and pytest-django loads the settings before any
conftest runs, so the local default has to be set here for a plain
``.venv/bin/python -m pytest``. The value goes into the environment, so the servers and
commands the tests start as subprocesses get it too (tests of the production path set
``DEBUG=0`` themselves).
"""

import os

os.environ.setdefault("DEBUG", "1")

from samtaler_site.settings import *  # noqa: E402,F403
