"""Hot issues (C4): `cluster` (pure) over `Message`s, `hot_issues_recent` over recent cases."""

from shiyu.insights.hotissues.algorithm import HotIssue, Message, cluster

__all__ = ["HotIssue", "Message", "cluster", "hot_issues_recent"]


def hot_issues_recent(*, actor=None, days: int = 30, top: int = 10) -> list[HotIssue]:
    from shiyu.insights.hotissues.recent import hot_issues_recent as impl

    return impl(actor=actor, days=days, top=top)
