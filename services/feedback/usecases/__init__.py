"""What users and events do in the feedback service, one module per aggregate.

`publish` is the service's one publish call. Its own events reach its read model of orders
directly (the service does not hear them), in the use cases that publish them.
"""

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from shared.events.outbox import Publisher

publish = Publisher()


def matching(query: sa.Select, filters: Mapping[str, Any], *columns) -> sa.Select:
    """Narrow ``query`` to rows equal to each filter named like one of ``columns``."""
    for column in columns:
        if filters.get(column.key) is not None:
            query = query.where(column == filters[column.key])
    return query
