"""Defaults of the alerts' city settings, importable without Django (the benchmark uses them)."""

# The chance that a day of one series raises a spike alert when nothing unusual happened.
FALSE_ALARM_RATE_DEFAULT = 0.001
