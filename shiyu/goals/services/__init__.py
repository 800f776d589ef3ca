"""The only writers of the goals app's rows. Keyword-only, typed, audited, permission-checked."""

from shiyu.goals.services.goals import (
    COMPUTABLE,
    goal_create,
    indicator_create,
    indicator_value_enter,
    problem_create,
    problem_set_status,
)
from shiyu.goals.services.importer import projects_import_xlsx
from shiyu.goals.services.ladder import milestone_ladder_run
from shiyu.goals.services.projects import (
    milestone_complete,
    milestone_create,
    project_add_cluster,
    project_create,
    project_create_from_proposal,
    project_link_case,
    project_update_post,
)
from shiyu.goals.services.scorecards import (
    appeal_review,
    appeal_submit,
    scheme_create,
    scheme_publish,
    scheme_recompute,
)

__all__ = [
    "COMPUTABLE",
    "appeal_review",
    "appeal_submit",
    "goal_create",
    "indicator_create",
    "indicator_value_enter",
    "milestone_complete",
    "milestone_create",
    "milestone_ladder_run",
    "problem_create",
    "problem_set_status",
    "project_add_cluster",
    "project_create",
    "project_create_from_proposal",
    "project_link_case",
    "project_update_post",
    "projects_import_xlsx",
    "scheme_create",
    "scheme_publish",
    "scheme_recompute",
]
