#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtaler_site.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        _ = settings.INSTALLED_APPS  # load the settings: they fail closed (issue 15.8)
    except ImproperlyConfigured as fejl:
        # A missing setting is the operator's to fix: one clear line, no traceback, and an
        # exit status of its own (2), apart from a command's own failure (1).
        print(f"Indstillingerne er ufuldstændige / settings incomplete: {fejl}", file=sys.stderr)
        sys.exit(2)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
