"""The feedback service's rules: scores, the questionnaire, the survey window, lessons, KPIs and
the status machines, free of Flask, SQL and the broker.

Import what you need from its module: `from services.feedback.domain.scores import is_detractor`.
"""
