"""Where the feedback service draws: the KPI dashboard as SVG."""
