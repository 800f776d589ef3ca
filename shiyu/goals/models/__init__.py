"""Goals, indicators, key projects, long-standing problems and scorecards.

Only `shiyu.goals.services` saves these rows. A published scorecard is a frozen JSON snapshot
(`Scorecard`): recomputing a scheme writes `ScoreItem` rows and never touches a snapshot.
"""

from shiyu.goals.models.goals import Direction, Goal, Indicator, IndicatorEntry, LongStandingProblem
from shiyu.goals.models.projects import (
    ComplaintCluster,
    Milestone,
    Project,
    ProjectAttachment,
    ProjectCase,
    ProjectUpdate,
)
from shiyu.goals.models.scorecards import Appeal, AppealAttachment, Scheme, SchemeItem, Scorecard, ScoreItem

__all__ = [
    "Appeal",
    "AppealAttachment",
    "ComplaintCluster",
    "Direction",
    "Goal",
    "Indicator",
    "IndicatorEntry",
    "LongStandingProblem",
    "Milestone",
    "Project",
    "ProjectAttachment",
    "ProjectCase",
    "ProjectUpdate",
    "Scheme",
    "SchemeItem",
    "ScoreItem",
    "Scorecard",
]
