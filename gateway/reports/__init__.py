"""The composed reports, self-contained: each composed from the services' own aggregate and
work-list endpoints with the caller's token (never their rows in bulk).

routes.py        `/api/v1/reports/survey` and `/api/v1/reports/diagnostics`
composition.py   the survey report's figures from the services' halves (pure)
diagnostics.py   the diagnostics report's work lists from the services' lists
html.py, xlsx.py, svg.py, structure.py   the survey report as a printable page and a workbook
"""
