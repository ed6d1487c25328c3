"""``kg review``: a local browser workspace to review and correct the extracts files.

``edits.py`` holds the edits as pure functions on the JSON form of an extracts file; ``app.py`` the Starlette
application (token, same-origin writes, version tokens, atomic saves through ``kg.extracts``); ``static/`` the
page (plain HTML, CSS and JavaScript, no build step).
"""
