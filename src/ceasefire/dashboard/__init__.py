"""What the dashboard needs beyond the API's lists: incidents on a map aggregated by zoom,
the basemap, the line of contact of a day, an agreement's geography (issue 12).

`grid` is pure; `index` and `layers` read the store and the bundled files and keep what they
derived, because the browser asks for the same day and the same zoom again and again.
"""
