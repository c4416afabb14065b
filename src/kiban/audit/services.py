"""Write audit records. Every service that changes state calls `audit_record`."""

import logging
from typing import Any

from kiban.audit.models import AuditRecord
from kiban.db import rows

security_log = logging.getLogger("kiban.security")


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    organisation=None,
    target=None,
    target_type: str = "",
    target_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditRecord:
    """Record one audited action; `target` (a model instance) fills type and id."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    # Many actions are audited on a hot path (every submission): plain SQL (kiban.db.rows).
    return rows.create(
        AuditRecord,
        action=action,
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else ""),
        organisation=organisation,
        target_type=target_type,
        target_id=target_id,
        data=data or {},
    )


def security_event(*, action: str, request=None, data: dict[str, Any] | None = None) -> None:
    """Record a refused or suspicious request: an audit row and a warning in the log."""
    actor = getattr(request, "user", None) if request is not None else None
    details = dict(data or {})
    if request is not None:
        details.setdefault("path", request.path)
        details.setdefault("method", request.method)
    security_log.warning("%s %s", action, details)
    audit_record(action=f"security.{action}", actor=actor, data=details)
