"""The only code that writes Open311 rows: keys, published services, and requests posted by clients.

A POST becomes a case through intake (channel open311), so routing, deadlines and audit are those
of every other channel; what GeoReport adds (token, attribute answers, media, device) is kept here.
"""

from shiyu.open311.services.catalog import (
    Catalog,
    attribute_add,
    catalog,
    config_delete,
    config_save,
    jurisdiction_create,
    service_publish,
)
from shiyu.open311.services.demo import demo_setup
from shiyu.open311.services.keys import (
    DEMO_KEY,
    application_create,
    application_for_key,
    application_rotate_key,
    application_set_active,
)
from shiyu.open311.services.submit import (
    Open311Error,
    PostedRequest,
    jurisdiction_resolve,
    parse_w3c,
    request_submit,
    service_for,
)

__all__ = [
    "DEMO_KEY", "Catalog", "Open311Error", "PostedRequest", "application_create", "application_for_key",
    "application_rotate_key", "application_set_active", "attribute_add", "catalog", "config_delete",
    "config_save", "demo_setup", "jurisdiction_create", "jurisdiction_resolve", "parse_w3c", "request_submit",
    "service_for", "service_publish",
]
