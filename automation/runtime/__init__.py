"""The runtime of a walk: settings, the browser, the signed-in session, the walk of the
procedure and the error boundary that names a portal fault after its step."""
