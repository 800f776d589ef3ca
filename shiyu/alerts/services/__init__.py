"""The only code that writes alerts: raising (system, idempotent) and the lifecycle verbs."""

from shiyu.alerts.services.detection import alerts_detect, detect_repeats, detect_spikes, import_disputes
from shiyu.alerts.services.lifecycle import (
    DEFAULT_PERMISSIONS,
    FALSE_ALARM_RATE,
    alert_acknowledge,
    alert_raise,
    alert_resolve,
)

__all__ = ["DEFAULT_PERMISSIONS", "FALSE_ALARM_RATE", "alert_acknowledge", "alert_raise", "alert_resolve",
           "alerts_detect", "detect_repeats", "detect_spikes", "import_disputes"]
