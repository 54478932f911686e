"""Money as the suite stores it: NUMERIC(14, 2), so amounts up to 999,999,999,999.99.

No SQLAlchemy here: the services' domain rules use the bound too.
"""

from decimal import Decimal

DIGITS, PLACES = 14, 2
MAX_MONEY = Decimal("999999999999.99")
