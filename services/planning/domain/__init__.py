"""The planning rules, free of Flask and SQLAlchemy: calendars, CPM scheduling, the WBS, earned
value, levelling, progress, plan and task statuses, risk scoring and the standard plan.

Import each rule from its module: `from services.planning.domain.scheduling import schedule`.
"""
