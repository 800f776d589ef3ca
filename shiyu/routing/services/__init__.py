"""The only code that writes the routing app's tables."""

from shiyu.routing.services.catalog import (
    ImportReport,
    catalog_export,
    catalog_export_rows,
    catalog_import,
    rule_delete,
    rule_save,
)
from shiyu.routing.services.duplicates import case_follow, follow_token
from shiyu.routing.services.intake import (
    corrections_collect,
    corrections_collect_recent,
    route_after_intake,
    route_apply,
    route_missed,
    route_prepare,
)

__all__ = [
    "ImportReport",
    "case_follow",
    "catalog_export",
    "catalog_export_rows",
    "catalog_import",
    "corrections_collect",
    "corrections_collect_recent",
    "follow_token",
    "route_after_intake",
    "route_apply",
    "route_missed",
    "route_prepare",
    "rule_delete",
    "rule_save",
]
