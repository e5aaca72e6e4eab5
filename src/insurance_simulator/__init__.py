"""A stand-in for the medical-insurance information platform (医保信息平台) that designated institutions call.

It is its own process with its own SQLite database and shares no code with countyhealth: the platform only
ever sees it through HTTP, exactly as it would see the provincial platform. Standard library only (wsgiref,
sqlite3, json), so it starts in a fraction of a second in tests and needs nothing the real platform would not.
"""
