"""HTTP API: versioned JSON under /api/v1, maps and a small web front."""
