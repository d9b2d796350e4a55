"""Stage 07 and the report: charts, house style, fonts, the deck and report.html."""
