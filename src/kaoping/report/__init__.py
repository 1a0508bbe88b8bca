"""`kaoping report`: the results of a run as one offline HTML page an office can publish.

gather.py collects what the page shows from the scored results (the numbers as the JSON results
and `explain` give them, never worked out again); charts.py draws the charts as inline SVG;
page.py writes the page (everything inline: no font, script, style sheet or image is fetched);
words.py holds the page's labels in Chinese and English.
"""

from __future__ import annotations

from kaoping.report.gather import Report, gather
from kaoping.report.page import render_page

__all__ = ["Report", "gather", "render_page"]
