"""Diagnostics of a portal: the probe (every locator of each screen the walk shows) and the
drift recordings (what a portal's markup says about the differences the simulator models)."""
