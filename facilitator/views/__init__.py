"""HTTP blueprints: one module per view (home, console, projector, phone, auth, exports)."""
