"""Test settings: the portal's own settings module with environment defaults for a test run.

No setting differs from production; this module only fills in the environment that a
deployment would provide (a secret key and the test host names).
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from intranet.settings import *  # noqa: E402,F403
