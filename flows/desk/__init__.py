"""``prolong desk``: the operations desk, a web application over the bulk journal.

::

    store     DeskStore, User, Role, RunRecord   the desk's SQLite (users, sessions, runs)
    auth      Accounts, hash_password            Argon2, session cookies, CSRF, throttling
    uploads   check_upload, stored_name          bounded uploads (size, rows, xlsx expansion)
    runs      RunSupervisor, snapshot            a run per process, read from its journal
    app       create_app, DeskConfig             the Starlette application and its pages

The bulk reader, plan, journal, runner and reports are the ones ``prolong bulk`` uses: a run
started from the desk is ``prolong bulk run`` in a process of its own and writes the same files.
"""
