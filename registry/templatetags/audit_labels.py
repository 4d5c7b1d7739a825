"""Audit rows as people read them: the action as a phrase, "System" for rows nobody signed."""
from django import template

from ..audit import action_label, actor_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    return action_label(action)


@register.filter
def audit_actor(event) -> str:
    return actor_label(event)
