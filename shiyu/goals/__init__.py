"""Goals, indicators, key projects, long-standing problems and scorecards."""
