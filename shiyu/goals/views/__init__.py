"""Staff pages of goals, projects, scorecards and long-standing problems (under /staff/goals/).

Thin: parse the form, call one service, redirect; a domain error is shown on a small error page
with its status (422 bad input, 403 forbidden, 409 conflict) and nothing changes."""

from shiyu.goals.views.goals import (
    goal,
    goal_create,
    index,
    indicator_create,
    indicator_value,
    problem_create,
)
from shiyu.goals.views.projects import (
    appeal_attachment,
    attachment,
    milestone_complete,
    milestone_create,
    project,
    project_add_cluster,
    project_import,
    project_link_case,
    project_update,
)
from shiyu.goals.views.scorecards import (
    appeal_review,
    appeal_submit,
    scheme,
    scheme_create,
    scheme_publish,
    scheme_recompute,
)

__all__ = [
    "appeal_attachment",
    "appeal_review",
    "appeal_submit",
    "attachment",
    "goal",
    "goal_create",
    "index",
    "indicator_create",
    "indicator_value",
    "milestone_complete",
    "milestone_create",
    "problem_create",
    "project",
    "project_add_cluster",
    "project_import",
    "project_link_case",
    "project_update",
    "scheme",
    "scheme_create",
    "scheme_publish",
    "scheme_recompute",
]
