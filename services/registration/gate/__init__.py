"""Door checks: gatekeeper devices, atomic scans, occupancy, and the offline bundle."""
