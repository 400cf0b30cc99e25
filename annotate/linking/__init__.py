"""Connecting claims across sources over time: suggestions, links, threads, timelines.

`suggest` ranks related claims from other documents (full text, canonical entities, cues),
`links` and `threads` are the reviewer's decisions, `timeline` draws a story over time.
"""
