"""Report exports as background jobs: a request writes an export row, the job worker (or the web
process after the commit, without Redis) renders its file into the file store, and the person
downloads it from the Exports page of the tenant portal or of the base console.

``kinds.py`` names what can be exported and how each file is made, ``services.py`` requests,
lists and sweeps, ``jobs.py`` renders one export exactly once, ``notify.py`` mails the person who
asked once it is ready or failed.
"""
