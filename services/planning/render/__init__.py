"""What the planning service draws: the Gantt chart, as SVG built with `shared.svg`."""
